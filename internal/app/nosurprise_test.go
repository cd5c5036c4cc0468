package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
)

// A newly linked pair only fills blanks; a value replaced needs a change of
// its owner after the link exists.
func TestFirstLinkFillsBlanksOnly(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startEnv(t, dbURL)

		t.Run("companies: a differing value is kept, a blank is filled, later changes flow", func(t *testing.T) {
			kept, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Osprey", "AccountNumber": "osprey", "NumberOfEmployees": 900})
			require.NoError(t, err)
			filled, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Plover", "AccountNumber": "plover"})
			require.NoError(t, err)
			keptIC := e.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: "osprey", Name: "Osprey", Size: 120})
			e.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: "plover", Name: "Plover", Size: 45})
			e.linked(tandem.ObjectAccount, keptIC)
			eventually(t, "the blank filled", func() bool { return e.sf("Account", filled)["NumberOfEmployees"] == float64(45) })
			e.idle()
			require.Equal(t, float64(900), e.sf("Account", kept)["NumberOfEmployees"], "a non-empty value is kept at first link")

			require.NoError(t, e.Intercom.UpdateCompany(keptIC, map[string]any{"size": 130}))
			eventually(t, "a change after the link flows", func() bool { return e.sf("Account", kept)["NumberOfEmployees"] == float64(130) })
		})

		t.Run("people: Salesforce's title does not replace Intercom's at first link", func(t *testing.T) {
			sfID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Quail", "Email": "quail@example.com", "Title": "Engineer"})
			require.NoError(t, err)
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "quail@example.com",
				CustomAttributes: map[string]any{"job_title": "Head of Buying"}})
			require.NoError(t, err)
			e.linked(tandem.ObjectContact, icID)
			e.idle()
			e.pollAll()
			require.Equal(t, "Head of Buying", customAttr(e.ic(icID), "job_title"))

			require.NoError(t, e.Salesforce.Update("Contact", sfID, map[string]any{"Title": "Buyer"}))
			eventually(t, "the title change flows", func() bool { return customAttr(e.ic(icID), "job_title") == "Buyer" })
		})
	})
}

// An empty value never replaces a non-empty one, before or after the link.
func TestBlanksAreNotSynced(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startEnv(t, dbURL)
		sfID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Rook", "Email": "rook@example.com", "Phone": "+1 555 0199"})
		require.NoError(t, err)
		icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "rook@example.com",
			CustomAttributes: map[string]any{"job_title": "Head of Buying"}})
		require.NoError(t, err)
		e.linked(tandem.ObjectContact, icID)
		e.idle()
		e.pollAll()
		require.Equal(t, "Head of Buying", customAttr(e.ic(icID), "job_title"), "Salesforce's empty Title is not synced")
		require.Equal(t, "+1 555 0199", e.sf("Contact", sfID)["Phone"], "Intercom's empty phone is not synced")

		// After the link: a value flows, clearing it does not.
		require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0200"}))
		eventually(t, "the phone", func() bool { return e.sf("Contact", sfID)["Phone"] == "+1 555 0200" })
		require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"phone": nil}))
		require.NoError(t, e.Salesforce.Update("Contact", sfID, map[string]any{"Title": nil}))
		e.idle()
		e.pollAll()
		e.idle()
		require.Equal(t, "+1 555 0200", e.sf("Contact", sfID)["Phone"])
		require.Equal(t, "Head of Buying", customAttr(e.ic(icID), "job_title"))
	})
}

// Create Lead sends every mapped value Intercom has, so a field Salesforce
// owns does not come back empty and erase the Intercom value.
func TestCreateLeadKeepsIntercomValues(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startEnv(t, dbURL)
		icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "buyer@prospect.example", Name: "Bea Buyer",
			CustomAttributes: map[string]any{"job_title": "Head of Buying"}})
		require.NoError(t, err)
		e.idle()
		status, out := e.createLead(`{"intercom_contact_id":"` + icID + `"}`)
		require.Equal(t, 201, status, "%v", out)
		leadID := out["salesforce_id"].(string)
		require.Equal(t, "Head of Buying", e.sf("Lead", leadID)["Title"])
		e.pollAll()
		e.idle()
		require.Equal(t, "Head of Buying", customAttr(e.ic(icID), "job_title"))
	})
}

// A dry run writes nothing, and a real run right after does what it said.
func TestDryRunPlanEqualsRun(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startQuiet(t, dbURL)
		ctx := context.Background()
		const n = 120
		stale := seedPairs(t, e, n)
		// Companies: one to fill, one kept at first link.
		// (Intercom lists only companies with users.)
		for _, co := range []intercomsim.CompanySeed{{CompanyID: "tern", Name: "Tern", Size: 30}, {CompanyID: "wren", Name: "Wren", Size: 40}} {
			id := e.Intercom.UpsertCompany(co)
			_, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: co.CompanyID + "@staff.example", CompanyIDs: []string{id}})
			require.NoError(t, err)
		}
		_, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Tern", "AccountNumber": "tern"})
		require.NoError(t, err)
		_, err = e.Salesforce.Insert("Account", map[string]any{"Name": "Wren", "AccountNumber": "wren", "NumberOfEmployees": 41})
		require.NoError(t, err)
		before := snapshot(t, e)
		e.Salesforce.ResetCalls()
		e.Intercom.ResetCalls()

		plan, err := e.App.Syncer.PlanBulk(ctx, syncer.BulkOptions{Records: true})
		require.NoError(t, err)
		require.True(t, plan.DryRun)
		require.Zero(t, e.writeCalls(), "a dry run writes nothing remotely")
		require.Equal(t, before, snapshot(t, e))
		links, err := e.App.Store.CountLinks(ctx, tandem.DefaultInstallation, tandem.ObjectContact)
		require.NoError(t, err)
		require.Zero(t, links, "a dry run makes no link")
		require.Equal(t, int64(e.Salesforce.Calls()["GET query"]), plan.SalesforceCalls-plannedWrites(plan),
			"the plan counts its own reads")

		fields := map[string]syncer.FieldPlan{}
		for _, f := range plan.Fields {
			fields[string(f.Object)+" "+f.Field] = f
		}
		// seedPairs: every third Contact has a stale phone and a title
		// Intercom lacks: kept at first link and filled.
		require.EqualValues(t, stale, fields["contact Phone"].Held)
		require.Zero(t, fields["contact Phone"].Overwritten)
		require.EqualValues(t, stale, fields["contact custom_attributes.job_title"].Held, "Intercom has Engineer, Salesforce Director")
		require.EqualValues(t, 1, fields["account NumberOfEmployees"].Filled)
		require.EqualValues(t, 1, fields["account NumberOfEmployees"].Held)
		require.NotEmpty(t, fields["contact Phone"].Samples)
		require.Len(t, plan.Records, int(fields["contact Phone"].Held+fields["contact custom_attributes.job_title"].Held+2))

		var done syncer.BulkPlan
		run, _, err := e.App.Syncer.StartBulk(ctx)
		require.NoError(t, err)
		e.Salesforce.ResetCalls()
		final, err := e.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{Report: func(p syncer.BulkPlan) { done = p }})
		require.NoError(t, err)
		require.Equal(t, store.BulkDone, final.Status, final.Error)
		plan.DryRun = false
		require.Equal(t, plan.Counts(), done.Counts(), "a real run does what the dry run said")
		sfCalls := 0
		for _, c := range e.Salesforce.Calls() {
			sfCalls += c
		}
		require.EqualValues(t, plan.SalesforceCalls, sfCalls, "Salesforce calls as planned")

		// Held values stay held through the next bulk sync, until their
		// owner changes them.
		plan2, err := e.App.Syncer.PlanBulk(ctx, syncer.BulkOptions{})
		require.NoError(t, err)
		for _, f := range plan2.Fields {
			require.Zero(t, f.Filled+f.Overwritten, "second run writes nothing: %+v", f)
		}
		for _, c := range e.Intercom.Contacts() {
			var i int
			if _, err := fmt.Sscanf(fmt.Sprint(c["email"]), "person%05d@bulk.example", &i); err == nil && i == 0 {
				require.NoError(t, e.Intercom.UpdateContact(fmt.Sprint(c["id"]), map[string]any{"phone": "+1 555 77777"}))
			}
		}
		plan3, err := e.App.Syncer.PlanBulk(ctx, syncer.BulkOptions{Records: true})
		require.NoError(t, err)
		require.Len(t, plan3.Records, 1+stale-1+stale+1, "the changed phone is written; the other holds remain")
		var written []syncer.PlannedWrite
		for _, r := range plan3.Records {
			if r.Verdict == "overwritten" {
				written = append(written, r)
			}
		}
		require.Len(t, written, 1)
		require.Equal(t, "+1 555 77777", written[0].To)
	})
}

// The JSON API answers a dry run with its plan and starts nothing.
func TestDryRunOverHTTP(t *testing.T) {
	t.Parallel()
	e := startQuiet(t, "")
	seedPairs(t, e, 30)
	e.Salesforce.ResetCalls()
	e.Intercom.ResetCalls()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/api/v1/bulk-syncs", strings.NewReader(`{"dry_run": true}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+app.DemoToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var plan syncer.BulkPlan
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&plan))
	require.True(t, plan.DryRun)
	require.NotEmpty(t, plan.Objects)
	require.NotEmpty(t, plan.Fields)
	require.Positive(t, plan.SalesforceCalls)
	require.Zero(t, e.writeCalls())
	_, err = e.App.Store.LatestBulkSync(context.Background(), tandem.DefaultInstallation)
	require.True(t, store.IsNotFound(err), "no bulk sync started")
}

// plannedWrites is the number of collection calls a plan expects.
func plannedWrites(p syncer.BulkPlan) int64 {
	var n int64
	for _, o := range p.Objects {
		n += (o.SalesforceWrites + 199) / 200
	}
	return n
}

// The first poll and a webhook for the same new pair, meeting at start-up,
// write each field once between them.
func TestPollAndWebhookMeetingWriteOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startQuiet(t, dbURL)
		ctx := context.Background()
		const n = 40
		type pair struct{ ic, sf string }
		pairs := make([]pair, n)
		for i := range pairs {
			email := fmt.Sprintf("meet%03d@example.com", i)
			sfID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Meet", "Email": email, "Title": "Buyer"})
			require.NoError(t, err)
			icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Phone: fmt.Sprintf("+1 555 %04d", i)})
			require.NoError(t, err)
			pairs[i] = pair{icID, sfID}
		}
		var wg sync.WaitGroup
		for _, p := range pairs {
			wg.Add(2)
			go func() {
				defer wg.Done()
				assert.NoError(t, e.App.Syncer.SyncIntercomContact(ctx, p.ic, tandem.CauseWebhook))
			}()
			go func() {
				defer wg.Done()
				assert.NoError(t, e.App.Syncer.SyncSalesforceID(ctx, tandem.ObjectContact, p.sf, tandem.CausePoll))
			}()
		}
		wg.Wait()
		audit, err := e.App.Store.ListAudit(ctx, store.ListAuditParams{Installation: tandem.DefaultInstallation, Limit: 10 * n})
		require.NoError(t, err)
		writes := map[string]int{}
		for _, a := range audit {
			writes[a.IntercomID+" "+a.Field]++
		}
		for _, p := range pairs {
			require.Equal(t, 1, writes[p.ic+" Phone"], "Phone of %s written once", p.ic)
			require.Equal(t, 1, writes[p.ic+" custom_attributes.job_title"], "job_title of %s written once", p.ic)
		}
	})
}

// A notification over the size limit is refused, counted, and the change it
// carried is found by a reconciliation queued at once.
func TestOversizeWebhookReconciled(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "")
	icID, _, _ := e.aUser("big@example.com")
	e.idle()
	huge := strings.Repeat("x", 1<<20)
	require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"custom_attributes": map[string]any{"plan": huge}}))
	eventually(t, "a sync error for the oversized value", func() bool {
		errs, err := e.App.Store.ListSyncErrors(context.Background(), store.ListSyncErrorsParams{Installation: tandem.DefaultInstallation})
		require.NoError(t, err)
		for _, se := range errs {
			if se.IntercomID == icID && se.Field == "Plan__c" {
				return true
			}
		}
		return false
	})
	resp, err := http.Get(e.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^tandem_webhooks_oversize_total [1-9]`, string(body))
}

// The first start logs the plan of its first alignment; later starts do not.
func TestFirstAlignmentPlanLogged(t *testing.T) {
	t.Parallel()
	var buf syncBuf
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, Seed: true, NoWebhooks: true,
		Log: slog.New(slog.NewTextHandler(&buf, nil)), Options: app.Options{NoPeriodic: true},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	d.App.LogFirstAlignmentPlan(context.Background())
	require.Contains(t, buf.String(), `msg="first alignment plan" object=account direction=to_salesforce field=NumberOfEmployees`)
	require.Regexp(t, `kept_at_first_link=[1-9]`, buf.String())

	run, _, err := d.App.Syncer.StartBulk(context.Background())
	require.NoError(t, err)
	_, err = d.App.Syncer.RunBulk(context.Background(), run.ID, syncer.BulkOptions{})
	require.NoError(t, err)
	before := buf.String()
	d.App.LogFirstAlignmentPlan(context.Background())
	require.Equal(t, before, buf.String(), "an installation with links logs no plan")
}

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
