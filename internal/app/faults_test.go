package app_test

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// The fault suite runs one scenario (a seeded data set, a burst of changes
// on both sides, event sync settling, then a bulk sync) once without faults
// and once per fault profile, and requires the same final state: every
// mapped field of every record on both sides, the record counts and the set
// of links.

var faultScale = flag.Int("tandem.scale", 1, "size multiplier of the fault suite's data set (1: 40 people, 6 companies, 8 leads)")

// faultProfile turns one family of faults on in a running environment.
type faultProfile struct {
	name string
	// events: event sync alone (webhooks and polls, no bulk sync) must
	// reach the fault-free state. False for faults whose documented
	// answer is a long snooze (429, REQUEST_LIMIT_EXCEEDED).
	events bool
	apply  func(e *env) (stop func())
}

// every runs fn every d until stop is called.
func every(d time.Duration, fn func(i int)) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-t.C:
				fn(i)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func faultProfiles() []faultProfile {
	sf503 := func(e *env) func() {
		e.Salesforce.Faults().SetFailRate(0.08, sfsim.Fault503)
		e.Salesforce.Faults().SetFailRate(0.03, sfsim.FaultDropConnection)
		return func() { e.Salesforce.Faults().Reset() }
	}
	rowLock := func(e *env) func() {
		e.Salesforce.Faults().SetFailRate(0.15, sfsim.FaultRowLock)
		return func() { e.Salesforce.Faults().Reset() }
	}
	requestLimit := func(e *env) func() {
		e.Salesforce.Faults().SetFailRate(0.05, sfsim.FaultRequestLimit)
		return func() { e.Salesforce.Faults().Reset() }
	}
	ic5xx := func(e *env) func() {
		f := e.Intercom.Faults()
		f.SetFailRate(0.08, intercomsim.Fault503)
		kinds := []intercomsim.FaultKind{intercomsim.Fault500, intercomsim.FaultDrop, intercomsim.Fault503}
		stop := every(30*time.Millisecond, func(i int) { f.SetFailRate(0.08, kinds[i%len(kinds)]) })
		return func() { stop(); f.SetFailRate(0, 0) }
	}
	ic429 := func(e *env) func() {
		f := e.Intercom.Faults()
		f.SetFailRate(0.05, intercomsim.Fault429)
		return func() { f.SetFailRate(0, 0) }
	}
	latency := func(e *env) func() {
		e.Salesforce.Faults().SetLatency(15 * time.Millisecond)
		e.Intercom.Faults().SetLatency(15 * time.Millisecond)
		return func() { e.Salesforce.Faults().SetLatency(0); e.Intercom.Faults().SetLatency(0) }
	}
	tokens := func(e *env) func() {
		return every(100*time.Millisecond, func(int) { e.Salesforce.Faults().ExpireTokens() })
	}
	webhooks := func(e *env) func() {
		e.Intercom.SetWebhookDuplication(0.5)
		e.Intercom.SetWebhookReorder(true)
		return func() { e.Intercom.SetWebhookDuplication(0); e.Intercom.SetWebhookReorder(false) }
	}
	all := func(e *env) func() {
		var stops []func()
		for _, fn := range []func(*env) func(){sf503, rowLock, requestLimit, ic5xx, ic429, latency, tokens, webhooks} {
			stops = append(stops, fn(e))
		}
		return func() {
			for _, s := range stops {
				s()
			}
		}
	}
	return []faultProfile{
		{"salesforce 503 and dropped connections", true, sf503},
		{"salesforce row locks", true, rowLock},
		{"salesforce REQUEST_LIMIT_EXCEEDED", false, requestLimit},
		{"intercom 500, 503 and dropped connections", true, ic5xx},
		{"intercom 429", false, ic429},
		{"latency", true, latency},
		{"expiring tokens", true, tokens},
		{"duplicated and reordered webhooks", true, webhooks},
		{"everything at once", false, all},
	}
}

// faultSnapshot is the observable outcome of a scenario, keyed by the
// records' natural keys (emails, company ids) since ids differ per run.
type faultSnapshot struct {
	Salesforce map[string]map[string]any // "Contact/email" → mapped fields
	Intercom   map[string]map[string]any // "user/email", "company/company_id" → mapped fields
	Links      []string                  // "object intercom-key = salesforce-key", sorted
	Counts     map[string]int
}

// startFaultEnv starts a demo whose bridge authenticates to Salesforce with
// the OAuth client-credentials flow, so tokens can expire and be renewed.
func startFaultEnv(t *testing.T, dbURL string) *env {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond,
		// A 429 is waited out until the window's end: a short window, and
		// quick retries of the jobs the faults fail.
		IntercomRateWindow: time.Second, Options: app.Options{River: testQueue},
		Configure: func(c *config.Config) {
			c.Salesforce.Token = ""
			c.Salesforce.ClientID = "sfsim-client-id"
			c.Salesforce.ClientSecret = "sfsim-client-secret"
			overwriteAtFirstLink(c)
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	require.Equal(t, config.AuthClientCredentials, d.Config.Salesforce.AuthMode())
	return &env{Demo: d, t: t}
}

// settle waits (up to a minute: a job that failed may wait River's backoff)
// until no job is waiting, running or due for a retry and no webhook is
// pending.
func (e *env) settle() {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := e.App.River.JobList(context.Background(), river.NewJobListParams().States(
			rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable).First(10))
		require.NoError(e.t, err)
		// Polls are run synchronously by pollUntilOK; a poll job waiting
		// for River's backoff is not work left to settle.
		jobs := res.Jobs[:0]
		for _, j := range res.Jobs {
			if j.Kind != "tandem.poll_salesforce" {
				jobs = append(jobs, j)
			}
		}
		res.Jobs = jobs
		if len(res.Jobs) == 0 && e.Intercom.PendingWebhooks() == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for the job queue to settle: %d jobs left, first %s", len(res.Jobs), res.Jobs[0].Kind)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pollUntilOK polls the three Salesforce objects, retrying a poll that
// failed under injected faults.
func (e *env) pollUntilOK() {
	e.t.Helper()
	for _, o := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount} {
		var err error
		for range 100 {
			if _, err = e.App.Syncer.Poll(context.Background(), o); err == nil {
				break
			}
		}
		require.NoError(e.t, err, "poll %s kept failing", o)
	}
}

// bulkUntilDone runs one bulk sync, resuming it after every transient
// failure as `tandem sync` run again would.
func (e *env) bulkUntilDone() (store.BulkSync, int) {
	e.t.Helper()
	ctx := context.Background()
	run, _, err := e.App.Syncer.StartBulk(ctx)
	require.NoError(e.t, err)
	for attempt := 1; ; attempt++ {
		final, err := e.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{})
		if err == nil {
			require.Equal(e.t, store.BulkDone, final.Status, final.Error)
			return final, attempt
		}
		require.NotEqual(e.t, store.BulkFailed, final.Status, "bulk sync gave up on a transient fault: %v", err)
		require.Less(e.t, attempt, 200, "bulk sync kept failing: %v", err)
	}
}

// faultData is the seeded data set; indexes give each record's role in the
// burst of changes.
type faultData struct {
	users, contacts     []string // Intercom user ids; Contact ids ("" when none)
	leadsIC, leadsSF    []string
	companies, accounts []string
	pairs               int
}

func seedFaultData(t *testing.T, e *env, scale int) faultData {
	var d faultData
	n, nl, nc := 40*scale, 8*scale, 6*scale
	for i := range nc {
		cid := fmt.Sprintf("co-%04d", i)
		d.companies = append(d.companies, e.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: cid, Name: "Company " + cid, Size: int64(100 * i)}))
		id, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Company " + cid, "AccountNumber": cid, "Industry": "Software"})
		require.NoError(t, err)
		d.accounts = append(d.accounts, id)
		d.pairs++
	}
	for i := range n {
		email := fmt.Sprintf("user%05d@faults.example", i)
		sfID := ""
		if i%10 != 9 {
			phone, title := fmt.Sprintf("+1 555 %05d", i), "Engineer"
			if i%3 == 0 {
				phone, title = "+1 000 00000", "Director" // stale phone, title Intercom lacks
			}
			var err error
			sfID, err = e.Salesforce.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("U%d", i), "Email": email,
				"Phone": phone, "Title": title, "Plan__c": "growth"})
			require.NoError(t, err)
			d.pairs++
		}
		icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Phone: fmt.Sprintf("+1 555 %05d", i),
			CustomAttributes: map[string]any{"plan": "growth"}})
		require.NoError(t, err)
		d.users, d.contacts = append(d.users, icID), append(d.contacts, sfID)
	}
	for i := range nl {
		email := fmt.Sprintf("lead%05d@faults.example", i)
		id, err := e.Salesforce.Insert("Lead", map[string]any{"LastName": fmt.Sprintf("L%d", i), "Company": "Prospect", "Email": email,
			"Status": "Open - Not Contacted", "Title": "Buyer"})
		require.NoError(t, err)
		icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email, Phone: fmt.Sprintf("+44 20 %05d", i)})
		require.NoError(t, err)
		d.leadsIC, d.leadsSF = append(d.leadsIC, icID), append(d.leadsSF, id)
		d.pairs++
	}
	return d
}

// burst changes records on both sides, each field in its owner system,
// plus a few writes to fields the other side owns (which the bridge must
// overwrite).
func burst(t *testing.T, e *env, d faultData) {
	for i, icID := range d.users {
		fields := map[string]any{}
		if i%4 == 0 {
			fields["phone"] = fmt.Sprintf("+1 666 %05d", i)
		}
		if i%5 == 1 {
			fields["custom_attributes"] = map[string]any{"plan": "enterprise"}
		}
		if len(fields) > 0 {
			require.NoError(t, e.Intercom.UpdateContact(icID, fields))
		}
		if d.contacts[i] != "" && i%3 == 2 {
			require.NoError(t, e.Salesforce.Update("Contact", d.contacts[i], map[string]any{"Title": fmt.Sprintf("Staff Engineer %d", i)}))
		}
	}
	for i, id := range d.companies {
		if i%2 == 0 {
			require.NoError(t, e.Intercom.UpdateCompany(id, map[string]any{"size": 5000 + i}))
		}
		if i%3 == 0 {
			require.NoError(t, e.Salesforce.Update("Account", d.accounts[i], map[string]any{"Industry": "Retail"}))
		}
	}
	for i := range d.leadsIC {
		if i%2 == 0 {
			require.NoError(t, e.Intercom.UpdateContact(d.leadsIC[i], map[string]any{"phone": fmt.Sprintf("+44 20 9%04d", i)}))
		}
		if i%3 == 0 {
			require.NoError(t, e.Salesforce.Update("Lead", d.leadsSF[i], map[string]any{"Status": "Working - Contacted"}))
		}
	}
}

// snapshot reads the mapped fields of every record of both simulators and
// the links, keyed by natural keys.
func snapshot(t *testing.T, e *env) faultSnapshot {
	s := faultSnapshot{Salesforce: map[string]map[string]any{}, Intercom: map[string]map[string]any{}, Counts: map[string]int{}}
	sfKey := map[string]string{}
	for _, obj := range []string{"Contact", "Lead", "Account"} {
		recs := e.Salesforce.All(obj)
		s.Counts["salesforce "+obj] = len(recs)
		for _, r := range recs {
			var key string
			var fields map[string]any
			switch obj {
			case "Account":
				key = fmt.Sprint(r["AccountNumber"])
				fields = map[string]any{"NumberOfEmployees": r["NumberOfEmployees"], "Industry": r["Industry"]}
			default:
				key = fmt.Sprint(r["Email"])
				fields = map[string]any{"Phone": r["Phone"], "Plan__c": r["Plan__c"], "Title": r["Title"]}
				if obj == "Lead" {
					fields["Status"] = r["Status"]
				}
			}
			k := obj + "/" + key
			require.NotContains(t, s.Salesforce, k, "two Salesforce records with one key")
			s.Salesforce[k] = fields
			sfKey[fmt.Sprint(r["Id"])] = k
		}
	}
	icKey := map[string]string{}
	contacts := e.Intercom.Contacts()
	s.Counts["intercom contacts"] = len(contacts)
	for _, c := range contacts {
		k := fmt.Sprintf("%v/%v", c["role"], c["email"])
		require.NotContains(t, s.Intercom, k, "two Intercom contacts with one key")
		s.Intercom[k] = map[string]any{"phone": c["phone"], "plan": customAttr(c, "plan"),
			"job_title": customAttr(c, "job_title"), "sf_lead_status": customAttr(c, "sf_lead_status")}
		icKey[fmt.Sprint(c["id"])] = k
	}
	companies := e.Intercom.Companies()
	s.Counts["intercom companies"] = len(companies)
	for _, c := range companies {
		k := fmt.Sprintf("company/%v", c["company_id"])
		s.Intercom[k] = map[string]any{"size": c["size"], "industry": c["industry"]}
		icKey[fmt.Sprint(c["id"])] = k
	}
	links, err := e.App.Store.ListLinks(context.Background(), store.ListLinksParams{Installation: tandem.DefaultInstallation, Limit: 1 << 20})
	require.NoError(t, err)
	for _, l := range links {
		s.Links = append(s.Links, fmt.Sprintf("%s %s = %s", l.Object, icKey[l.IntercomID], sfKey[l.SalesforceID]))
	}
	sort.Strings(s.Links)
	return s
}

// requireAligned checks the snapshot against the mapping directions: the
// fault-free run is itself checked, so two equally wrong runs still fail.
func requireAligned(t *testing.T, s faultSnapshot, d faultData) {
	t.Helper()
	require.Len(t, s.Links, d.pairs, "links: %v", s.Links)
	for _, l := range s.Links {
		obj, rest, _ := strings.Cut(l, " ")
		icK, sfK, ok := strings.Cut(rest, " = ")
		require.True(t, ok, l)
		ic, sf := s.Intercom[icK], s.Salesforce[sfK]
		require.NotNil(t, ic, l)
		require.NotNil(t, sf, l)
		switch tandem.Object(obj) {
		case tandem.ObjectAccount:
			employees, _ := sf["NumberOfEmployees"].(float64)
			require.EqualValues(t, ic["size"], employees, "NumberOfEmployees of %s", l)
			require.Equal(t, sf["Industry"], ic["industry"], "industry of %s", l)
		default:
			require.Equal(t, ic["phone"], sf["Phone"], "Phone of %s", l)
			require.Equal(t, ic["plan"], sf["Plan__c"], "Plan__c of %s", l)
			require.Equal(t, sf["Title"], ic["job_title"], "job_title of %s", l)
			if tandem.Object(obj) == tandem.ObjectLead {
				require.Equal(t, sf["Status"], ic["sf_lead_status"], "sf_lead_status of %s", l)
			}
		}
	}
}

// faultRun is what one run of the scenario observed.
type faultRun struct {
	afterEvents, final faultSnapshot
	data               faultData
	bulk               store.BulkSync
	bulkAttempts       int
}

// runFaultScenario seeds, links, turns the profile's faults on (nil: none),
// bursts changes, lets event sync settle, runs a bulk sync and snapshots
// both stages. Faults stay on until the final snapshot is taken.
func runFaultScenario(t *testing.T, dbURL string, p *faultProfile) faultRun {
	e := startFaultEnv(t, dbURL)
	var r faultRun
	r.data = seedFaultData(t, e, *faultScale)
	ctx := context.Background()
	// Generous: ten scenarios run at once, and a loaded machine starves
	// them; the wait ends as soon as every pair is linked.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		n, err := e.App.Store.CountLinks(ctx, tandem.DefaultInstallation, "")
		require.NoError(t, err)
		if n == r.data.pairs {
			break
		}
		require.False(t, time.Now().After(deadline), "timed out linking: %d of %d links", n, r.data.pairs)
		time.Sleep(20 * time.Millisecond)
	}
	e.settle()
	e.pollUntilOK()
	e.settle()

	if p != nil {
		stop := p.apply(e)
		defer stop()
	}
	burst(t, e, r.data)
	e.settle()
	e.pollUntilOK()
	e.settle()
	r.afterEvents = snapshot(t, e)
	r.bulk, r.bulkAttempts = e.bulkUntilDone()
	e.settle()
	r.final = snapshot(t, e)
	return r
}

// dbFactory gives each scenario its own database on one engine.
type dbFactory func(t *testing.T) string

func faultEngines(t *testing.T, fn func(t *testing.T, newDB dbFactory)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, func(*testing.T) string { return "" })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		storetest.PostgresURL(t) // skips the engine when Postgres is not configured
		fn(t, func(t *testing.T) string { return storetest.PostgresURL(t) })
	})
}

func TestFaultsFinalStateEqualsFaultFree(t *testing.T) {
	t.Parallel()
	faultEngines(t, func(t *testing.T, newDB dbFactory) {
		// Every scenario runs at once, the fault-free one too; the
		// comparisons follow once all have ended.
		profiles := faultProfiles()
		runs := make([]faultRun, len(profiles))
		var base faultRun
		t.Run("run", func(t *testing.T) {
			t.Run("fault-free", func(t *testing.T) {
				t.Parallel()
				base = runFaultScenario(t, newDB(t), nil)
			})
			for i, p := range profiles {
				t.Run(p.name, func(t *testing.T) {
					t.Parallel()
					runs[i] = runFaultScenario(t, newDB(t), &p)
					t.Logf("%s: bulk sync done after %d attempt(s), changed %d, failed %d", p.name, runs[i].bulkAttempts, runs[i].bulk.Changed, runs[i].bulk.Failed)
				})
			}
		})
		if t.Failed() {
			return
		}
		requireAligned(t, base.final, base.data)
		require.Zero(t, base.bulk.Failed)
		t.Logf("fault-free: %d pairs, %d records, bulk changed %d", base.data.pairs, len(base.final.Salesforce)+len(base.final.Intercom), base.bulk.Changed)
		for i, p := range profiles {
			t.Run(p.name, func(t *testing.T) {
				got := runs[i]
				if p.events {
					require.Empty(t, cmp.Diff(base.afterEvents, got.afterEvents), "state after event sync differs from the fault-free run (-want +got)")
				}
				require.Empty(t, cmp.Diff(base.final, got.final), "final state differs from the fault-free run (-want +got)")
			})
		}
	})
}
