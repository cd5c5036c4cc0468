package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/browsertest"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// The browser tests click through the inbox panel in headless Chromium:
// the Intercom simulator's inbox page renders the canvases the bridge
// returns, exactly as a teammate would see them. They need Chromium; see
// internal/browsertest for when they skip and when they fail.
//
// Screenshots are test artefacts, written to t.ArtifactDir(): kept under
// the output directory with
//
//	go test ./internal/app -run Browser -artifacts -outputdir /tmp/shots
//
// and removed with the test's temporary files otherwise.

// browser opens a tab of its own in the shared headless Chromium.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, 1400, 1250, 2*time.Minute)
}

// canvasShows waits until the panel is drawn and shows text.
func canvasShows(text string) chromedp.Action[chromedp.Void] {
	wait := chromedp.Poll[bool](`(() => { const c = document.getElementById("canvas");
		return !!c && c.getAttribute("aria-busy") === "false" && c.innerText.includes(`+jsString(text)+`); })()`,
		chromedp.WithPollingTimeout(20*time.Second))
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := wait(ctx, t)
		return chromedp.Void{}, err
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// screenshot saves the page as a PNG test artefact.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(t.ArtifactDir(), name+".png")
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot %s", path)
}

// openConversation opens the inbox, then the conversation from the list.
func openConversation(e *panelEnv, convID string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(e.IntercomURL+"/inbox"),
		chromedp.WaitVisible(`a.conv[data-conversation="`+convID+`"]`),
		chromedp.Click(`a.conv[data-conversation="`+convID+`"]`),
		chromedp.WaitVisible(`body[data-conversation="`+convID+`"]`),
	)
}

func TestPanelInBrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := startPanel(t)
	theo := e.InboxConversations[sfsim.SeedTwoOpportunitiesEmail]
	nora := e.InboxConversations[sfsim.SeedSingleOpportunityEmail]

	// Theo: a Contact with two open Opportunities; switch between them.
	require.NoError(t, chromedp.Do(ctx, openConversation(e, theo), canvasShows("Technical Buyer")))
	screenshot(t, ctx, "1-theo-contact-account-opportunity")
	contact, err := chromedp.Run(ctx, chromedp.AttributeValue(`a[data-component-id="open_contact"]`, "href"))
	require.NoError(t, err)
	contactURL := contact.Value
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`[data-component="opportunity"] button[data-option]:not(.on)`),
		canvasShows("Economic Buyer"),
	))
	shown, err := chromedp.Run(ctx, chromedp.Text(`#canvas`))
	require.NoError(t, err)
	require.Contains(t, shown, "Northwind support add-on")
	require.Contains(t, shown, "9,600")
	screenshot(t, ctx, "2-theo-second-opportunity")

	// Nora: the open-case count opens the list; each Case opens in Salesforce.
	require.NoError(t, chromedp.Do(ctx, openConversation(e, nora), canvasShows("1 open case"),
		chromedp.Click(`button[data-component-id="show_cases"]`),
		canvasShows("Invoice shows the wrong VAT rate"),
	))
	caseHref, err := chromedp.Run(ctx, chromedp.AttributeValue(`#canvas .c-list a.c-item`, "href"))
	require.NoError(t, err)
	require.Contains(t, caseHref.Value, "/lightning/r/Case/")
	shown, err = chromedp.Run(ctx, chromedp.Text(`#canvas`))
	require.NoError(t, err)
	require.Contains(t, shown, "Status: Working · Priority: High")
	screenshot(t, ctx, "3-nora-open-cases")

	// New Case for Theo through the form.
	require.NoError(t, chromedp.Do(ctx, openConversation(e, theo), canvasShows("New Case"),
		chromedp.Click(`button[data-component-id="new_case"]`),
		chromedp.WaitVisible(`#cv-f_Subject`),
		chromedp.SetValue(`#cv-f_Subject`, "SSO for the Northwind plan"),
		chromedp.SetValue(`#cv-f_Priority`, "High"),
		chromedp.SetValue(`#cv-f_Description`, "Theo wants SAML single sign-on on the add-on."),
	))
	screenshot(t, ctx, "4-theo-new-case-form")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`button[data-component-id="case_submit"]`),
		canvasShows("created"),
		chromedp.WaitVisible(`#thread .msg.note`),
	))
	var made map[string]any
	for _, k := range e.Salesforce.All("Case") {
		if k["Intercom_Conversation_Id__c"] == theo {
			made = k
		}
	}
	require.NotNil(t, made, "the Case is in Salesforce")
	require.Equal(t, "SSO for the Northwind plan", made["Subject"])
	require.Equal(t, "High", made["Priority"])
	thread, err := chromedp.Run(ctx, chromedp.Text(`#thread`))
	require.NoError(t, err)
	shown, err = chromedp.Run(ctx, chromedp.Text(`#canvas`))
	require.NoError(t, err)
	require.Contains(t, thread, "Salesforce Case "+made["CaseNumber"].(string))
	require.Contains(t, shown, "1 open case")
	screenshot(t, ctx, "5-theo-case-created")

	// Create Lead for a person only in Intercom, with an edit.
	const email = "sophie.boyd@prospect8.example.com"
	require.NoError(t, chromedp.Do(ctx, openConversation(e, e.InboxConversations[email]), canvasShows("not in Salesforce"),
		chromedp.Click(`button[data-component-id="create_lead"]`),
		chromedp.WaitVisible(`#cv-f_Company`),
		chromedp.SetValue(`#cv-f_Company`, "Boyd & Daughters"),
	))
	screenshot(t, ctx, "6-create-lead-form")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`button[data-component-id="lead_submit"]`), canvasShows("Lead created")))
	var lead map[string]any
	for _, l := range e.Salesforce.All("Lead") {
		if l["Email"] == email {
			lead = l
		}
	}
	require.NotNil(t, lead, "the Lead is in Salesforce")
	require.Equal(t, "Boyd & Daughters", lead["Company"])
	screenshot(t, ctx, "7-lead-created")

	// "Open in Salesforce" leads to the record's Lightning page.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(contactURL)))
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	require.Contains(t, title, "Theo Double")
}
