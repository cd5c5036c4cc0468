package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
)

func startOwned(t *testing.T, dbURL, fallback string) *env {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond, Ownership: true,
		Options:   app.Options{River: testQueue},
		Configure: func(c *config.Config) { c.Ownership.Fallback = fallback },
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return &env{Demo: d, t: t}
}

func (e *env) createLead(body string) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/api/v1/leads", strings.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+app.DemoToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func TestCreateLead(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startOwned(t, dbURL, config.FallbackAPIUser)
		ownerAdmin := e.Intercom.AddAdmin("Olga Owner", "olga@tandem.example")
		ownerUser := e.Salesforce.AddUser("Olga Owner", "olga@tandem.example")
		loneAdmin := e.Intercom.AddAdmin("Ivo Intercom-only", "ivo@tandem.example")

		t.Run("creates a correct Lead once, and later edits reach it", func(t *testing.T) {
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "nina@prospect.example", Name: "Nina Nobody",
				Phone: "+1 555 0300", OwnerID: ownerAdmin, CustomAttributes: map[string]any{"plan": "trial"}})
			require.NoError(t, err)
			before := e.Salesforce.Count("Lead")

			// A double click: two requests at once make one Lead.
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			outs := make([]map[string]any, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i], outs[i] = e.createLead(`{"intercom_contact_id":"` + icID + `"}`)
				}()
			}
			wg.Wait()
			require.ElementsMatch(t, []int{http.StatusCreated, http.StatusOK}, statuses, "%v", outs)
			require.Equal(t, outs[0]["salesforce_id"], outs[1]["salesforce_id"])
			require.Equal(t, before+1, e.Salesforce.Count("Lead"))
			leadID := outs[0]["salesforce_id"].(string)
			require.Contains(t, outs[0]["url"], leadID)

			lead := e.sf("Lead", leadID)
			require.Equal(t, "Nina", lead["FirstName"])
			require.Equal(t, "Nobody", lead["LastName"])
			require.Equal(t, "nina@prospect.example", lead["Email"])
			require.Equal(t, "[not provided]", lead["Company"], "a required field with no value gets the placeholder")
			require.Equal(t, "+1 555 0300", lead["Phone"])
			require.Equal(t, "trial", lead["Plan__c"])
			require.Equal(t, ownerUser, lead["OwnerId"], "the owner follows the Intercom owner")

			l := e.linked(tandem.ObjectLead, icID)
			require.Equal(t, leadID, l.SalesforceID)
			e.idle()
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0301"}))
			eventually(t, "later Intercom edit on the Lead", func() bool { return e.sf("Lead", leadID)["Phone"] == "+1 555 0301" })

			// A retry later finds the link and creates nothing.
			status, out := e.createLead(`{"intercom_contact_id":"` + icID + `"}`)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, leadID, out["salesforce_id"])
			require.Equal(t, false, out["created"])
			require.Equal(t, before+1, e.Salesforce.Count("Lead"))
		})

		t.Run("an existing Lead with the email is linked, not duplicated", func(t *testing.T) {
			leadID, err := e.Salesforce.Insert("Lead", map[string]any{"LastName": "Existing", "Company": "Co", "Email": "existing@prospect.example"})
			require.NoError(t, err)
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "existing@prospect.example"})
			require.NoError(t, err)
			before := e.Salesforce.Count("Lead")
			status, out := e.createLead(`{"intercom_contact_id":"` + icID + `"}`)
			require.Equal(t, http.StatusOK, status, "%v", out)
			require.Equal(t, leadID, out["salesforce_id"])
			require.Equal(t, before, e.Salesforce.Count("Lead"))
		})

		t.Run("a Lead an earlier attempt made is linked, not made again, whatever its email", func(t *testing.T) {
			ctx := context.Background()
			// The form gave the Lead another email. One attempt stopped
			// after the create was recorded but before the link; another
			// never heard Salesforce's answer (nothing recorded).
			for i, recorded := range []bool{true, false} {
				email, sent := fmt.Sprintf("paz%d@prospect.example", i), fmt.Sprintf("paz%d@work.example", i)
				icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email})
				require.NoError(t, err)
				leadID, err := e.Salesforce.Insert("Lead", map[string]any{"LastName": "Paz", "Company": "Co", "Email": sent})
				require.NoError(t, err)
				in, _, err := e.App.Store.ClaimIntent(ctx, store.ClaimIntentParams{Installation: tandem.DefaultInstallation, Kind: "lead", Key: icID})
				require.NoError(t, err)
				if recorded {
					_, err = e.App.Store.CompleteIntent(ctx, in.ID, leadID)
				} else {
					_, err = e.App.Store.FailIntent(ctx, in.ID, "timed out")
				}
				require.NoError(t, err)
				before := e.Salesforce.Count("Lead")
				status, out := e.createLead(`{"intercom_contact_id":"` + icID + `","fields":{"Email":"` + sent + `"}}`)
				require.Equal(t, http.StatusOK, status, "%v", out)
				require.Equal(t, leadID, out["salesforce_id"], "recorded: %v", recorded)
				require.Equal(t, before, e.Salesforce.Count("Lead"))
				require.Equal(t, leadID, e.linked(tandem.ObjectLead, icID).SalesforceID)
			}
		})

		t.Run("edits and fallback owner", func(t *testing.T) {
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "omar@prospect.example", OwnerID: loneAdmin})
			require.NoError(t, err)
			status, out := e.createLead(`{"intercom_contact_id":"` + icID + `","fields":{"Company":"Omar's Oranges","LastName":"Omar"}}`)
			require.Equal(t, http.StatusCreated, status, "%v", out)
			lead := e.sf("Lead", out["salesforce_id"].(string))
			require.Equal(t, "Omar's Oranges", lead["Company"])
			require.Equal(t, e.Salesforce.DefaultUserID(), lead["OwnerId"], "no matching user: the API user owns it, no assignment rule ran")
		})

		t.Run("error paths create nothing", func(t *testing.T) {
			before := e.Salesforce.Count("Lead")
			noEmail, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Name: "Anonymous"})
			require.NoError(t, err)
			status, out := e.createLead(`{"intercom_contact_id":"` + noEmail + `"}`)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, errMessage(out), "no email address")

			status, out = e.createLead(`{"intercom_contact_id":"0123456789abcdef01234567"}`)
			require.Equal(t, http.StatusNotFound, status, "%v", out)

			status, out = e.createLead(`{"intercom_contact_id":"x","surprise":1}`)
			require.Equal(t, http.StatusBadRequest, status)
			require.Contains(t, errMessage(out), "surprise")

			status, _ = e.createLead(`{"intercom_contact_id":`)
			require.Equal(t, http.StatusBadRequest, status)

			withEmail, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "quote'o@prospect.example"})
			require.NoError(t, err)
			status, out = e.createLead(`{"intercom_contact_id":"` + withEmail + `","fields":{"Foo__c":"x","IsConverted":true}}`)
			require.Equal(t, http.StatusBadRequest, status)
			require.Contains(t, errMessage(out), "Lead has no field Foo__c")
			require.Contains(t, errMessage(out), "IsConverted")

			e.Salesforce.AddValidationRule("Lead", func(rec map[string]any) (string, string, bool) {
				if email, _ := rec["Email"].(string); strings.HasSuffix(email, "prospect.example") && rec["Company"] == "Blocked Inc" {
					return "Leads from Blocked Inc are not accepted", "Company", false
				}
				return "", "", true
			})
			status, out = e.createLead(`{"intercom_contact_id":"` + withEmail + `","fields":{"Company":"Blocked Inc"}}`)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, errMessage(out), "Leads from Blocked Inc are not accepted")
			require.Equal(t, before, e.Salesforce.Count("Lead"))
			errs, err := e.App.Store.ListSyncErrors(context.Background(), store.ListSyncErrorsParams{Installation: tandem.DefaultInstallation})
			require.NoError(t, err)
			require.NotEmpty(t, errs)
			require.Equal(t, "FIELD_CUSTOM_VALIDATION_EXCEPTION", errs[0].Code)
			require.Equal(t, tandem.OpCreateLead, errs[0].Operation)

			// The quote in the email went through SOQL safely: once the rule is
			// satisfied the Lead is created and the sync error resolves itself.
			status, out = e.createLead(`{"intercom_contact_id":"` + withEmail + `","fields":{"Company":"Fine Inc"}}`)
			require.Equal(t, http.StatusCreated, status, "%v", out)
			errs, err = e.App.Store.ListSyncErrors(context.Background(), store.ListSyncErrorsParams{Installation: tandem.DefaultInstallation})
			require.NoError(t, err)
			require.Empty(t, errs)
		})

		t.Run("owner changes flow to Salesforce", func(t *testing.T) {
			icID, sfID, _ := e.aUser("owned@example.com")
			e.idle()
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"owner_id": ownerAdmin}))
			eventually(t, "owner in Salesforce", func() bool { return e.sf("Contact", sfID)["OwnerId"] == ownerUser })
		})
	})
}

func TestCreateLeadAssignmentRuleFallback(t *testing.T) {
	t.Parallel()
	e := startOwned(t, "", config.FallbackAssignmentRule)
	icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "rule@prospect.example"})
	require.NoError(t, err)
	status, out := e.createLead(`{"intercom_contact_id":"` + icID + `"}`)
	require.Equal(t, http.StatusCreated, status, "%v", out)
	require.Equal(t, e.Salesforce.AssignmentUserID(), e.sf("Lead", out["salesforce_id"].(string))["OwnerId"])
}
