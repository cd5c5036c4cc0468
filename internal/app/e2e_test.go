package app_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// engines runs fn as a subtest per database engine.
func engines(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, "")
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, storetest.PostgresURL(t))
	})
}

type env struct {
	*app.Demo
	t *testing.T
}

func startEnv(t *testing.T, dbURL string) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t}
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond,
		Options: app.Options{River: testQueue},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	e.Demo = d
	return e
}

// eventually polls cond until it holds or 60 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A generous bound: it only matters when the condition never comes, and
	// several demos at once on two starved cores can take a while.
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) sf(object, id string) map[string]any {
	rec, ok := e.Salesforce.Get(object, id)
	require.True(e.t, ok, "Salesforce %s %s exists", object, id)
	return rec
}

func (e *env) ic(id string) map[string]any {
	c, ok := e.Intercom.Contact(id)
	require.True(e.t, ok, "Intercom contact %s exists", id)
	return c
}

func customAttr(c map[string]any, name string) any {
	ca, _ := c["custom_attributes"].(map[string]any)
	return ca[name]
}

// linked waits until the Intercom record is linked and returns the link.
func (e *env) linked(obj tandem.Object, intercomID string) tandem.Link {
	var l tandem.Link
	eventually(e.t, "link of "+intercomID, func() bool {
		var err error
		l, err = e.App.Store.LinkByIntercomID(context.Background(), tandem.DefaultInstallation, obj, intercomID)
		return err == nil
	})
	return l
}

// idle waits until no job is waiting or running.
func (e *env) idle() {
	eventually(e.t, "an idle job queue", func() bool {
		res, err := e.App.River.JobList(context.Background(), river.NewJobListParams().States(
			rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable).First(10))
		require.NoError(e.t, err)
		return len(res.Jobs) == 0 && e.Intercom.PendingWebhooks() == 0
	})
}

// pollAll polls the three Salesforce objects once, synchronously.
func (e *env) pollAll() {
	for _, o := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount} {
		_, err := e.App.Syncer.Poll(context.Background(), o)
		require.NoError(e.t, err)
	}
}

// writeCalls counts the write calls made to both simulators.
func (e *env) writeCalls() int {
	n := 0
	for k, v := range e.Salesforce.Calls() {
		if strings.HasPrefix(k, "PATCH") || strings.HasPrefix(k, "POST") || strings.HasPrefix(k, "DELETE") {
			n += v
		}
	}
	for k, v := range e.Intercom.Calls() {
		if (strings.HasPrefix(k, "PUT") || strings.HasPrefix(k, "POST") || strings.HasPrefix(k, "DELETE")) && !strings.Contains(k, "search") {
			n += v
		}
	}
	return n
}

// aUser creates an Intercom user and a Salesforce Contact with the same
// email and waits for the bridge to link them.
func (e *env) aUser(email string) (icID, sfID string, l tandem.Link) {
	var err error
	sfID, err = e.Salesforce.Insert("Contact", map[string]any{"LastName": "Example", "FirstName": "Eve", "Email": email, "Title": "Engineer"})
	require.NoError(e.t, err)
	icID, err = e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Name: "Eve Example", Phone: "+1 555 0100",
		CustomAttributes: map[string]any{"plan": "growth"}})
	require.NoError(e.t, err)
	return icID, sfID, e.linked(tandem.ObjectContact, icID)
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startEnv(t, dbURL)

		t.Run("new link aligns both directions", func(t *testing.T) {
			icID, sfID, l := e.aUser("eve@example.com")
			require.Equal(t, sfID, l.SalesforceID)
			require.Equal(t, "email", l.MatchedBy)
			eventually(t, "phone and plan in Salesforce", func() bool {
				rec := e.sf("Contact", sfID)
				return rec["Phone"] == "+1 555 0100" && rec["Plan__c"] == "growth"
			})
			eventually(t, "job_title in Intercom", func() bool { return customAttr(e.ic(icID), "job_title") == "Engineer" })
		})

		t.Run("Intercom change reaches Salesforce and direction is respected", func(t *testing.T) {
			icID, sfID, _ := e.aUser("frank@example.com")
			eventually(t, "first alignment", func() bool { return e.sf("Contact", sfID)["Phone"] == "+1 555 0100" })
			e.idle()
			// phone is Intercom's, job_title is Salesforce's: only phone may move.
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0199",
				"custom_attributes": map[string]any{"job_title": "Changed in Intercom"}}))
			eventually(t, "new phone in Salesforce", func() bool { return e.sf("Contact", sfID)["Phone"] == "+1 555 0199" })
			e.idle()
			require.Equal(t, "Engineer", e.sf("Contact", sfID)["Title"])
		})

		t.Run("Salesforce change reaches Intercom and direction is respected", func(t *testing.T) {
			icID, sfID, _ := e.aUser("grace@example.com")
			eventually(t, "first alignment", func() bool { return customAttr(e.ic(icID), "job_title") == "Engineer" })
			e.idle()
			require.NoError(t, e.Salesforce.Update("Contact", sfID, map[string]any{"Title": "CTO", "Phone": "+1 000 0000"}))
			eventually(t, "new title in Intercom", func() bool { return customAttr(e.ic(icID), "job_title") == "CTO" })
			e.idle()
			require.Equal(t, "+1 555 0100", e.ic(icID)["phone"])
		})

		t.Run("a system at rest makes no writes and nothing echoes", func(t *testing.T) {
			icID, sfID, _ := e.aUser("heidi@example.com")
			eventually(t, "alignment", func() bool {
				return customAttr(e.ic(icID), "job_title") == "Engineer" && e.sf("Contact", sfID)["Plan__c"] == "growth"
			})
			e.idle()
			e.pollAll()
			e.idle()
			before := e.writeCalls()
			for range 3 {
				e.pollAll()
				e.idle()
			}
			require.Equal(t, before, e.writeCalls(), "writes while at rest")
			audit, err := e.App.Store.ListAudit(context.Background(), store.ListAuditParams{Installation: tandem.DefaultInstallation, Limit: 1000})
			require.NoError(t, err)
			for _, a := range audit {
				if a.IntercomID == icID {
					require.NotEqual(t, a.OldValue, a.NewValue, "audit entry without a change: %+v", a)
				}
			}
		})

		t.Run("a changed email re-links", func(t *testing.T) {
			icID, _, _ := e.aUser("ivan@example.com")
			otherID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Other", "Email": "ivan.new@example.com"})
			require.NoError(t, err)
			e.idle()
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"email": "ivan.new@example.com"}))
			eventually(t, "re-link", func() bool {
				l, err := e.App.Store.LinkByIntercomID(context.Background(), tandem.DefaultInstallation, tandem.ObjectContact, icID)
				return err == nil && l.SalesforceID == otherID
			})
			eventually(t, "phone on the new Contact", func() bool { return e.sf("Contact", otherID)["Phone"] == "+1 555 0100" })
		})

		t.Run("a converted Lead hands its link to the Contact", func(t *testing.T) {
			leadID, err := e.Salesforce.Insert("Lead", map[string]any{"LastName": "Lead", "Company": "Prospect Inc", "Email": "judy@prospect.example"})
			require.NoError(t, err)
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "judy@prospect.example", Phone: "+1 555 0111"})
			require.NoError(t, err)
			l := e.linked(tandem.ObjectLead, icID)
			require.Equal(t, leadID, l.SalesforceID)
			eventually(t, "lead phone", func() bool { return e.sf("Lead", leadID)["Phone"] == "+1 555 0111" })
			e.idle()
			conv, err := e.Salesforce.ConvertLead(leadID, sfsim.ConvertOptions{})
			require.NoError(t, err)
			eventually(t, "link moved to the Contact", func() bool {
				l, err := e.App.Store.LinkByIntercomID(context.Background(), tandem.DefaultInstallation, tandem.ObjectContact, icID)
				return err == nil && l.SalesforceID == conv.ContactID && l.MatchedBy == "converted"
			})
			e.idle()
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0222"}))
			eventually(t, "phone on the converted Contact", func() bool { return e.sf("Contact", conv.ContactID)["Phone"] == "+1 555 0222" })
		})

		t.Run("companies sync with Accounts", func(t *testing.T) {
			accID, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Kestrel", "AccountNumber": "kestrel", "Industry": "Aviation"})
			require.NoError(t, err)
			coID := e.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: "kestrel", Name: "Kestrel", Size: 1500})
			e.linked(tandem.ObjectAccount, coID)
			eventually(t, "employees from company size", func() bool {
				v, _ := e.sf("Account", accID)["NumberOfEmployees"].(float64)
				return v == 1500
			})
		})

		t.Run("bad webhooks are rejected without side effects", func(t *testing.T) {
			e.idle()
			before := jobCount(t, e)
			body := []byte(`{"type":"notification_event","id":"notif_x","topic":"contact.user.updated","data":{"item":{"type":"contact","id":"abc"}}}`)
			post := func(body []byte, sig string) *http.Response {
				req, err := http.NewRequest(http.MethodPost, e.URL+"/intercom/webhooks", bytes.NewReader(body))
				require.NoError(t, err)
				if sig != "" {
					req.Header.Set("X-Hub-Signature", sig)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				return resp
			}
			require.Equal(t, http.StatusUnauthorized, post(body, "").StatusCode)
			require.Equal(t, http.StatusUnauthorized, post(body, "sha1="+strings.Repeat("0", 40)).StatusCode)
			require.Equal(t, http.StatusUnauthorized, post(body, sign(append([]byte(" "), body...))).StatusCode)
			malformed := []byte(`{"type":"notification_event",`)
			require.Equal(t, http.StatusBadRequest, post(malformed, sign(malformed)).StatusCode)
			require.Equal(t, before, jobCount(t, e))
			// The same notification, signed, is accepted once; a duplicate is harmless.
			require.Equal(t, http.StatusOK, post(body, sign(body)).StatusCode)
			require.Equal(t, http.StatusOK, post(body, sign(body)).StatusCode)
			require.Equal(t, before+1, jobCount(t, e))
		})

		t.Run("links API needs the admin token", func(t *testing.T) {
			resp, err := http.Get(e.URL + "/api/v1/links")
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/api/v1/links?object=contact", nil)
			req.Header.Set("Authorization", "Bearer "+app.DemoToken)
			resp, err = http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var out struct {
				Links []struct {
					IntercomID   string `json:"intercom_id"`
					SalesforceID string `json:"salesforce_id"`
				} `json:"links"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
			require.NotEmpty(t, out.Links)
		})
	})
}

func sign(body []byte) string {
	m := hmac.New(sha1.New, []byte(app.DemoToken))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// jobCount counts the webhook-caused jobs ever inserted (periodic polls
// come and go on their own).
func jobCount(t *testing.T, e *env) int {
	res, err := e.App.River.JobList(context.Background(), river.NewJobListParams().Kinds("tandem.intercom_change").First(10000))
	require.NoError(t, err)
	return len(res.Jobs)
}
