package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/browsertest"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
)

// The settings page: a refused change shows the start-up messages next to
// its settings and keeps what was typed; a saved mapping change is in
// force for the next sync.
func TestConsoleSettingsBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour,
		Configure: func(c *config.Config) { c.Given = config.Sources{"sync.placeholder": config.SourceFile} },
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })

	// A linked pair whose job title belongs to Salesforce for now.
	sfID, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": "Lovelace", "FirstName": "Ada", "Email": "ada@settings.example", "Title": "Engineer"})
	require.NoError(t, err)
	icID, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "ada@settings.example", Name: "Ada Lovelace"})
	require.NoError(t, err)
	eventually(t, "first alignment", func() bool {
		c, _ := d.Intercom.Contact(icID)
		ca, _ := c["custom_attributes"].(map[string]any)
		return ca["job_title"] == "Engineer"
	})
	idle(t, d)
	row := -1
	for i, m := range d.App.Config.Mappings {
		if m.Object == tandem.ObjectContact && m.Salesforce == "Title" {
			row = i
		}
	}
	require.GreaterOrEqual(t, row, 0)

	require.NoError(t, chromedp.Do(ctx, viewport(1280, 900, false),
		chromedp.Navigate(d.URL+"/admin/signin"), chromedp.WaitVisible(`input[name=token]`),
		chromedp.SendKeys(`input[name=token]`, app.DemoToken), chromedp.Submit(`input[name=token]`),
		chromedp.WaitVisible(`[data-health="Salesforce"]`),
		chromedp.Navigate(d.URL+"/admin/settings"), chromedp.WaitVisible(`#settings-form`)))
	txt := text(t, ctx, `[id="field-sync.placeholder"]`)
	require.Contains(t, txt, "set in configuration (file)")
	disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("in-sync.placeholder").disabled`))
	require.NoError(t, err)
	require.True(t, disabled, "a locked setting cannot be edited")
	shot(t, ctx, "settings-form")

	// A refused change: both problems shown, with what was typed.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(`[id="in-sync.poll_interval"]`, "-5s"),
		chromedp.SetValue(`tr.new select[name$=".object"]`, "contact"),
		chromedp.SendKeys(`tr.new input[name$=".intercom"]`, "phone"),
		chromedp.SendKeys(`tr.new input[name$=".salesforce"]`, "No_Such_Field__c"),
		chromedp.Click(`#settings-form button[type=submit]`),
		chromedp.WaitVisible(`#settings-problems`)))
	txt = text(t, ctx, `[id="field-sync.poll_interval"]`)
	require.Contains(t, txt, "sync.poll_interval: must be positive, got -5s")
	txt = text(t, ctx, `#section-mappings`)
	require.Contains(t, txt, fmt.Sprintf("mapping %d (Intercom phone → Contact.No_Such_Field__c): Salesforce field Contact.No_Such_Field__c does not exist", len(d.App.Config.Mappings)+1))
	typed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('input[value="No_Such_Field__c"]').value`))
	require.NoError(t, err)
	require.Equal(t, "No_Such_Field__c", typed)
	shot(t, ctx, "settings-invalid")
	v, err := d.App.UseCases.Settings(context.Background())
	require.NoError(t, err)
	require.Zero(t, v.Version, "nothing saved")

	// Job title now goes to Salesforce.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(d.URL+"/admin/settings"), chromedp.WaitVisible(`#settings-form`),
		chromedp.SetValue(fmt.Sprintf(`select[name="m%d.direction"]`, row), "to_salesforce"),
		chromedp.Click(`#settings-form button[type=submit]`),
		chromedp.WaitVisible(`.flash`)))
	txt = text(t, ctx, `.flash`)
	require.Contains(t, txt, "Saved — applied on every replica within a few seconds.")
	txt = text(t, ctx, `#section-mappings .source`)
	require.Contains(t, txt, "changed in console by admin at 127.0.0.1")
	shot(t, ctx, "settings-saved")

	require.NoError(t, d.Intercom.UpdateContact(icID, map[string]any{"custom_attributes": map[string]any{"job_title": "Analyst"}}))
	eventually(t, "the Intercom job title in Salesforce", func() bool {
		rec, _ := d.Salesforce.Get("Contact", sfID)
		return rec["Title"] == "Analyst"
	})

	// The change is in the audit log, without a revert button.
	browsertest.Visit(t, ctx, d.URL+"/admin/audit?cause=settings", `#audit-entries`)
	txt = text(t, ctx, `#audit-entries tbody`)
	require.Contains(t, txt, "mappings")
	require.Contains(t, txt, "changed in console by admin at 127.0.0.1")
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#audit-entries form.revert").length`))
	require.NoError(t, err)
	require.Zero(t, n)
	es, err := d.App.Store.FilterAudit(context.Background(), store.AuditFilter{Installation: tandem.DefaultInstallation, Cause: tandem.CauseSettings})
	require.NoError(t, err)
	require.Len(t, es, 1)

	// Phone width.
	require.NoError(t, chromedp.Do(ctx, viewport(390, 844, true), chromedp.Navigate(d.URL+"/admin/settings"), chromedp.WaitVisible(`#settings-form`)))
	shot(t, ctx, "settings-phone")
	require.NoError(t, chromedp.Do(ctx, chromedp.ScrollIntoView(`#section-mappings`)))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir(t), "settings-phone-mappings.png"), png, 0o644))
}
