package console_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/browsertest"
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

// browser starts a headless Chromium with a fresh profile.
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
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`#start-bulk`), chromedp.WaitVisible(`.flash`),
		chromedp.WaitVisible(`#bulk-history .tag.done`),
	))
	txt = text(t, ctx, `#bulk-history tbody tr:first-child`)
	require.Contains(t, txt, "done")
	shot(t, ctx, "bulk")

	// The overview shows the writes the bulk sync made.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/"), chromedp.WaitVisible(`svg.gauge`)))
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
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/errors?category="+w.Object.Category()), chromedp.WaitVisible(sel)))
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
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/audit"), chromedp.WaitVisible(`#audit-entries`)))
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
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/jobs?state=completed"), chromedp.WaitVisible(`#jobs`)))
	shot(t, ctx, "jobs")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/settings"), chromedp.WaitVisible(`#settings`)))
	txt = text(t, ctx, `#settings`)
	require.Contains(t, txt, "[redacted]")
	require.NotContains(t, txt, "\t"+app.DemoToken+"\t")
	shot(t, ctx, "settings")

	// Phone width.
	require.NoError(t, chromedp.Do(ctx, viewport(390, 844, true), chromedp.Navigate(d.URL+"/admin/"), chromedp.WaitVisible(`svg.gauge`)))
	shot(t, ctx, "overview-phone")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(d.URL+"/admin/errors?category="+w.Object.Category()), chromedp.WaitVisible(`h1`)))
	shot(t, ctx, "errors-phone")

	// Signing out ends the session.
	require.NoError(t, chromedp.Do(ctx, viewport(1280, 900, false), chromedp.Click(`.signout button`),
		chromedp.WaitVisible(`input[name=token]`), chromedp.Navigate(d.URL+"/admin/audit"), chromedp.WaitVisible(`input[name=token]`)))
}

func auditParams() usecase.ListAuditParams { return usecase.ListAuditParams{Limit: 10} }
