package console_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/browsertest"
)

// pollJS waits until a JavaScript expression is true.
func pollJS(expr string) chromedp.Action[chromedp.Void] {
	wait := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := wait(ctx, t)
		return chromedp.Void{}, err
	}
}

// fits asserts that the page has no horizontal scroll on a screen width
// px wide: anything wider scrolls inside its own container. (A phone
// widens its window to a page that overflows, hence both checks.)
func fits(t *testing.T, ctx context.Context, width int, what string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	require.NoError(t, err)
	require.LessOrEqual(t, got[0], got[1], "%s: the page is %d px wide in a window of %d px", what, got[0], got[1])
	require.LessOrEqual(t, got[0], width, "%s: the page is %d px wide on a screen of %d px", what, got[0], width)
}

// TestConsoleBrowserWidths opens every page of the console on a phone
// (390 × 844) and on a laptop (1280 × 900): none scrolls sideways. The
// records hold long values, the worst case for a narrow screen.
func TestConsoleBrowserWidths(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	d := startDemo(t)
	db := d.App.Store
	bg := context.Background()

	l, err := db.UpsertLink(bg, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: "6650000000000000000000aa", SalesforceID: "003000000000001AAA", MatchedBy: "email",
		MatchKey: "ada.lovelace.countess.of.lovelace@analytical-engine.example"})
	require.NoError(t, err)
	require.NoError(t, db.SetShadows(bg, l.ID, map[string]string{"sf:LastName": "Lovelace", "sf:FirstName": "Ada",
		"sf:Email": "ada.lovelace.countess.of.lovelace@analytical-engine.example", "ic:name": "Ada Lovelace"}))
	now := time.Now()
	require.NoError(t, db.InsertAudit(bg, tandem.AuditEntry{InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
		Object: l.Object, IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: "Description",
		OldValue: strings.Repeat("An old description that goes on and on. ", 6), NewValue: strings.Repeat("https://example.com/a-very-long-address/", 4),
		Cause: tandem.CauseWebhook, At: now}))
	_, err = db.RecordSyncError(bg, tandem.SyncError{InstallationID: tandem.DefaultInstallation, Object: l.Object,
		Operation: "update_salesforce", IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: "Phone", System: "salesforce",
		Code: "STRING_TOO_LONG", Message: "Phone: data value too large: " + strings.Repeat("+15550100", 12),
		Reason: "The phone number is longer than the 40 characters Salesforce allows.", FirstSeen: now.Add(-time.Hour), LastSeen: now})
	require.NoError(t, err)

	pages := []struct{ name, path, ready string }{
		{"overview", "/admin/", `svg.gauge`},
		{"errors", "/admin/errors?category=" + l.Object.Category(), `li.syncerror`},
		{"bulk", "/admin/bulk", `#plan-bulk`},
		{"people", "/admin/people?q=" + l.IntercomID, `#people-results`},
		{"person", "/admin/people/" + strconv.FormatInt(l.ID, 10), `#person-fields`},
		{"audit", "/admin/audit", `#audit-entries`},
		{"jobs", "/admin/jobs?state=completed", `h1`},
	}
	screens := []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"phone", 390, 844, true}, {"1280", 1280, 900, false}}

	for _, s := range screens {
		require.NoError(t, chromedp.Do(ctx, viewport(s.w, s.h, s.mobile), chromedp.Navigate(d.URL+"/admin/signin"),
			chromedp.WaitVisible(`input[name=token]`)))
		fits(t, ctx, int(s.w), "signin at "+s.name)
		shot(t, ctx, "width-"+s.name+"-signin")
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(`input[name=token]`, app.DemoToken), chromedp.Submit(`input[name=token]`),
		chromedp.WaitVisible(`[data-health="Salesforce"]`)))
	for _, s := range screens {
		require.NoError(t, chromedp.Do(ctx, viewport(s.w, s.h, s.mobile)))
		for _, p := range pages {
			browsertest.Visit(t, ctx, d.URL+p.path, p.ready)
			fits(t, ctx, int(s.w), fmt.Sprintf("%s at %s", p.name, s.name))
			shot(t, ctx, "width-"+s.name+"-"+p.name)
		}
	}
}
