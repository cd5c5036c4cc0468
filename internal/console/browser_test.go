package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/browsertest"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/usecase"
)

// EnvScreenshots is where the console's screenshots go (default
// internal/console/testdata/screenshots, ignored by git). Chromium is
// found, or the tests skipped, by internal/browsertest.
const EnvScreenshots = "TANDEM_SCREENSHOTS"

func screenshotDir(t *testing.T) string {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// browser opens a tab of its own in the shared headless Chromium.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, 1280, 900, 3*time.Minute)
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(screenshotDir(t), name+".png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot %s", path)
}

func viewport(w, h int64, mobile bool) chromedp.Action[chromedp.Void] {
	if mobile {
		return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(w, h)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	require.NoError(t, err)
	return s
}

func TestConsoleBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	d := startDemo(t)
	db := d.App.Store
	bg := context.Background()
	var txt string

	// Sign in.
	require.NoError(t, chromedp.Do(ctx, viewport(1280, 900, false),
		chromedp.Navigate(d.URL+"/"),
		chromedp.WaitVisible(`input[name=token]`),
	))
	shot(t, ctx, "signin")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=token]`, "wrong"), chromedp.Submit(`input[name=token]`),
		chromedp.WaitVisible(`.error`),
	))
	txt = text(t, ctx, `.error`)
	require.Contains(t, txt, "not the admin token")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=token]`, app.DemoToken), chromedp.Submit(`input[name=token]`),
		chromedp.WaitVisible(`[data-health="Salesforce"]`),
	))

	// Run a bulk sync and watch it finish.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(d.URL+"/admin/bulk"), chromedp.WaitVisible(`#plan-bulk`),
		chromedp.Click(`#plan-bulk`), chromedp.WaitVisible(`#bulk-plan`),
	))
	shot(t, ctx, "bulk-dry-run")
	// Each Salesforce call takes a while, so that the run is still going
	// when its page opens: the page follows it through server-sent events
	// and reloads itself when they say it is done (nothing else reloads
	// it).
	d.Salesforce.Faults().SetLatency(150 * time.Millisecond)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`#start-bulk`), chromedp.WaitVisible(`.flash`), chromedp.WaitVisible(`#bulk-progress`),
	))
	shot(t, ctx, "bulk-running")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(`#bulk-history .tag.done`)))
	d.Salesforce.Faults().SetLatency(0)
	txt = text(t, ctx, `#bulk-history tbody tr:first-child`)
	require.Contains(t, txt, "done")
	shot(t, ctx, "bulk")

	// River's UI, linked from the jobs page, lists the finished run.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/jobs"), chromedp.WaitVisible(`a[href="/admin/jobs/river/"]`),
		chromedp.Navigate(d.URL+"/admin/jobs/river/"), pollJS(`document.body.innerText.includes("Running")`)))
	shot(t, ctx, "river-ui")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/jobs/river/jobs?state=completed"),
		pollJS(`document.body.innerText.includes("tandem.intercom_change")`)))
	shot(t, ctx, "river-ui-completed")
	bulkJobs, err := d.App.River.JobList(bg, river.NewJobListParams().Kinds(jobs.BulkSyncArgs{}.Kind()).First(1))
	require.NoError(t, err)
	require.Len(t, bulkJobs.Jobs, 1)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/jobs/river/jobs/"+strconv.FormatInt(bulkJobs.Jobs[0].ID, 10)),
		pollJS(`document.body.innerText.includes("tandem.bulk_sync") && document.body.innerText.toLowerCase().includes("completed")`)))
	shot(t, ctx, "river-ui-job")

	// The overview shows the writes the bulk sync made.
	browsertest.Visit(t, ctx, d.URL+"/admin/", `svg.gauge`)
	txt = text(t, ctx, `[data-health="Intercom"]`)
	require.Contains(t, txt, "Connected")
	shot(t, ctx, "overview")

	// Retry a sync error.
	page, err := d.App.UseCases.ListAudit(bg, auditParams())
	require.NoError(t, err)
	require.NotEmpty(t, page.Entries, "the bulk sync wrote something")
	w := page.Entries[0]
	now := time.Now()
	e, err := db.RecordSyncError(bg, tandem.SyncError{InstallationID: tandem.DefaultInstallation, Object: w.Object,
		Operation: "update_salesforce", IntercomID: w.IntercomID, SalesforceID: w.SalesforceID, Field: "Phone", System: "salesforce",
		Code: "STRING_TOO_LONG", Message: "Phone: data value too large: +1 555 0100 0100 0100 0100 0100 0100 0100 0100",
		Reason: "The phone number is longer than the 40 characters Salesforce allows.", FirstSeen: now.Add(-time.Hour), LastSeen: now})
	require.NoError(t, err)
	sel := `li.syncerror[data-id="` + strconv.FormatInt(e.ID, 10) + `"]`
	browsertest.Visit(t, ctx, d.URL+"/admin/errors?category="+w.Object.Category(), sel)
	shot(t, ctx, "errors")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(sel+` form[action$="/retry"] button`),
		chromedp.WaitVisible(`.flash`)))
	txt = text(t, ctx, `.flash`)
	require.Contains(t, txt, "queued")

	// People: search and open a person.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/people"),
		chromedp.SendKeys(`input[name=q]`, w.IntercomID), chromedp.Submit(`input[name=q]`),
		chromedp.WaitVisible(`#people-results`)))
	shot(t, ctx, "people")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`#people-results tbody a`), chromedp.WaitVisible(`#person-fields`)))
	shot(t, ctx, "person")

	// Audit log, jobs, settings.
	browsertest.Visit(t, ctx, d.URL+"/admin/audit", `#audit-entries`)
	shot(t, ctx, "audit")

	// Revert a field from the audit log: a phone changed in Intercom went
	// to Salesforce; the revert puts the old one back on both sides.
	sfID, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": "Hopper", "FirstName": "Grace", "Email": "grace@revert.example"})
	require.NoError(t, err)
	icID, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "grace@revert.example", Name: "Grace Hopper", Phone: "+1 555 0100"})
	require.NoError(t, err)
	sfPhone := func() any { rec, _ := d.Salesforce.Get("Contact", sfID); return rec["Phone"] }
	eventually(t, "first alignment", func() bool { return sfPhone() == "+1 555 0100" })
	idle(t, d)
	require.NoError(t, d.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0199"}))
	eventually(t, "the new phone in Salesforce", func() bool { return sfPhone() == "+1 555 0199" })
	idle(t, d)
	phone := lastWrite(t, db, icID, "Phone")
	row := `#audit-entries tr[data-id="` + strconv.FormatInt(phone.ID, 10) + `"]`
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/audit?record="+icID), chromedp.WaitVisible(row),
		chromedp.Click(`details.help summary`)))
	shot(t, ctx, "audit-before-revert")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(row+` form.revert button`), chromedp.WaitVisible(`.flash`)))
	txt = text(t, ctx, `.flash`)
	require.Contains(t, txt, "Audit entry "+strconv.FormatInt(phone.ID, 10)+" reverted")
	txt = text(t, ctx, `#audit-entries tbody tr:first-child`)
	require.Contains(t, txt, "revert of audit entry "+strconv.FormatInt(phone.ID, 10))
	require.Equal(t, "+1 555 0100", sfPhone())
	shot(t, ctx, "audit-revert")
	browsertest.Visit(t, ctx, d.URL+"/admin/jobs?state=completed", `#jobs`)
	shot(t, ctx, "jobs")
	browsertest.Visit(t, ctx, d.URL+"/admin/settings", `#settings`)
	txt = text(t, ctx, `#settings`)
	require.Contains(t, txt, "[redacted]")
	require.NotContains(t, txt, "\t"+app.DemoToken+"\t")
	shot(t, ctx, "settings")

	// Phone width.
	require.NoError(t, chromedp.Do(ctx, viewport(390, 844, true), chromedp.Navigate(d.URL+"/admin/"), chromedp.WaitVisible(`svg.gauge`)))
	shot(t, ctx, "overview-phone")
	browsertest.Visit(t, ctx, d.URL+"/admin/errors?category="+w.Object.Category(), `h1`)
	shot(t, ctx, "errors-phone")

	// The overview charts the sync lag of the changes above, once this
	// process has added its lags to the database.
	eventually(t, "sync lag recorded", func() bool {
		a, err := d.App.UseCases.Activity(bg, usecase.ActivityParams{})
		require.NoError(t, err)
		return a.Lag[tandem.ToSalesforce].Samples > 0
	})
	require.NoError(t, chromedp.Do(ctx, viewport(1280, 900, false), chromedp.Navigate(d.URL+"/admin/"), chromedp.WaitVisible(`#lag svg.lag g`)))
	txt = text(t, ctx, `#lag table`)
	require.Contains(t, txt, "≤ ", "a p50 and p95 for Intercom → Salesforce")
	shot(t, ctx, "overview-lag")

	// A form on another site that posts to the console carries the
	// browser's cookie but not the page's CSRF token: refused.
	runs, err := d.App.UseCases.ListBulkSyncs(bg, 20)
	require.NoError(t, err)
	job, err := d.App.River.Insert(bg, jobs.ReconcileArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/fetch" {
			// River's UI takes JSON from its own page; a page elsewhere
			// can send it without reading the answer.
			fmt.Fprintf(w, `<script>fetch(%q, {method: "POST", mode: "no-cors", credentials: "include", body: '{"ids":["%d"]}'})
				.finally(() => document.title = "sent")</script>`, d.URL+"/admin/jobs/river/api/jobs/cancel", job.Job.ID)
			return
		}
		fmt.Fprintf(w, `<form method="post" action="%s/admin/bulk"><input name="csrf" value="guess"></form><script>document.forms[0].submit()</script>`, d.URL)
	}))
	t.Cleanup(evil.Close)
	browsertest.Visit(t, ctx, evil.URL+"/form", `.error`)
	txt = text(t, ctx, `.error`)
	require.Contains(t, txt, "did not come from this console")
	shot(t, ctx, "csrf-refused")
	after, err := d.App.UseCases.ListBulkSyncs(bg, 20)
	require.NoError(t, err)
	require.Len(t, after, len(runs), "no bulk sync started")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(evil.URL+"/fetch"), pollJS(`document.title === "sent"`)))
	got, err := d.App.River.JobGet(bg, job.Job.ID)
	require.NoError(t, err)
	require.Equal(t, rivertype.JobStateScheduled, got.State, "the job was not cancelled")

	// A session that has expired sends the browser to sign in, and back
	// to the page it asked for.
	cookies, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
	require.NoError(t, err)
	expired := false
	for _, ck := range cookies.Cookies {
		if ck.Name == "tandem_session" {
			sum := sha256.Sum256([]byte(ck.Value))
			require.NoError(t, db.SetState(bg, tandem.DefaultInstallation, "console_session:"+hex.EncodeToString(sum[:]),
				`{"csrf":"x","expires":"2020-01-01T00:00:00Z"}`))
			expired = true
		}
	}
	require.True(t, expired, "a session cookie")
	browsertest.Visit(t, ctx, d.URL+"/admin/audit", `input[name=token]`)
	shot(t, ctx, "session-expired")
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(`input[name=token]`, app.DemoToken), chromedp.Submit(`input[name=token]`),
		chromedp.WaitVisible(`#audit-entries`)))

	// Signing out ends the session.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`.signout button`),
		chromedp.WaitVisible(`input[name=token]`), chromedp.Navigate(d.URL+"/admin/audit"), chromedp.WaitVisible(`input[name=token]`)))
	browsertest.Visit(t, ctx, d.URL+"/admin/jobs/river/", `input[name=token]`)
}

func auditParams() usecase.ListAuditParams { return usecase.ListAuditParams{Limit: 10} }
