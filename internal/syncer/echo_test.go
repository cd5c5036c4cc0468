package syncer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
)

// echoRecords are the records of an echo case.
type echoRecords struct{ ic, sf, company, account string }

// TestEchoSuppression: tandem's own write, seen again as a webhook or in a
// poll, is not written back (the shadows are the loop guard), and a change
// is written once however often it is seen.
func TestEchoSuppression(t *testing.T) {
	t.Parallel()
	// aligned links a user and a Contact whose mapped fields agree already.
	aligned := func(t *testing.T, h *syncertest.Harness) echoRecords {
		p := person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Engineer", Plan: "growth"}
		ic, sf := linkedUser(t, h, p, p)
		return echoRecords{ic: ic, sf: sf}
	}
	for _, tc := range []struct {
		name   string
		seed   func(t *testing.T, h *syncertest.Harness) echoRecords
		change func(h *syncertest.Harness, r echoRecords)       // someone's edit, if any
		carry  func(h *syncertest.Harness, r echoRecords) error // the step that syncs it
		wrote  []string                                         // what carry writes
		echo   func(h *syncertest.Harness, r echoRecords) error // where the written records are seen again
	}{
		{
			name: "an Intercom change written to Salesforce comes back in the poll",
			seed: aligned,
			change: func(h *syncertest.Harness, r echoRecords) {
				h.UpdateIntercom(r.ic, map[string]any{"phone": "+1 555 0199"})
			},
			carry: func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
			wrote: []string{"to_salesforce Phone=+1 555 0199"},
			echo:  func(h *syncertest.Harness, _ echoRecords) error { return h.Poll() },
		},
		{
			name: "a Salesforce change written to Intercom comes back as a webhook",
			seed: aligned,
			change: func(h *syncertest.Harness, r echoRecords) {
				h.UpdateSalesforce("Contact", r.sf, map[string]any{"Title": "CTO"})
			},
			carry: func(h *syncertest.Harness, _ echoRecords) error { return h.Poll(tandem.ObjectContact) },
			wrote: []string{"to_intercom custom_attributes.job_title=CTO"},
			echo:  func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
		},
		{
			name: "the webhook of a change arrives twice",
			seed: aligned,
			change: func(h *syncertest.Harness, r echoRecords) {
				h.UpdateIntercom(r.ic, map[string]any{"custom_attributes": map[string]any{"plan": "enterprise"}})
			},
			carry: func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
			wrote: []string{"to_salesforce Plan__c=enterprise"},
			echo:  func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
		},
		{
			name: "a Salesforce change is polled by two replicas",
			seed: aligned,
			change: func(h *syncertest.Harness, r echoRecords) {
				h.UpdateSalesforce("Contact", r.sf, map[string]any{"Title": "VP"})
			},
			carry: func(h *syncertest.Harness, r echoRecords) error {
				return h.Syncer.SyncSalesforceID(h.Ctx, tandem.ObjectContact, r.sf, tandem.CausePoll)
			},
			wrote: []string{"to_intercom custom_attributes.job_title=VP"},
			echo: func(h *syncertest.Harness, r echoRecords) error {
				return h.Syncer.SyncSalesforceID(h.Ctx, tandem.ObjectContact, r.sf, tandem.CausePoll)
			},
		},
		{
			name: "both directions of a first link come back in the poll and as a webhook",
			seed: func(_ *testing.T, h *syncertest.Harness) echoRecords {
				return echoRecords{ic: h.IntercomUser(person{Email: "pat@example.com", Phone: "+1 555 0100"}),
					sf: h.SalesforceContact(person{Email: "pat@example.com", Title: "Engineer"})}
			},
			change: func(*syncertest.Harness, echoRecords) {},
			carry:  func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
			wrote:  []string{"to_salesforce Phone=+1 555 0100", "to_intercom custom_attributes.job_title=Engineer"},
			echo: func(h *syncertest.Harness, r echoRecords) error {
				if err := h.Poll(); err != nil {
					return err
				}
				return h.Webhook(r.ic)
			},
		},
		{
			name: "a first link made by the poll comes back as a webhook",
			seed: func(_ *testing.T, h *syncertest.Harness) echoRecords {
				return echoRecords{ic: h.IntercomUser(person{Email: "pat@example.com", Plan: "growth"}),
					sf: h.SalesforceContact(person{Email: "pat@example.com", Title: "Engineer"})}
			},
			change: func(*syncertest.Harness, echoRecords) {},
			carry:  func(h *syncertest.Harness, _ echoRecords) error { return h.Poll() },
			wrote:  []string{"to_intercom custom_attributes.job_title=Engineer", "to_salesforce Plan__c=growth"},
			echo:   func(h *syncertest.Harness, r echoRecords) error { return h.Webhook(r.ic) },
		},
		{
			name: "a company and its Account see each other's writes",
			seed: func(_ *testing.T, h *syncertest.Harness) echoRecords {
				return echoRecords{company: h.IntercomCompany("co-1", 40), account: h.SalesforceAccount("co-1", "Software")}
			},
			change: func(*syncertest.Harness, echoRecords) {},
			carry:  func(h *syncertest.Harness, r echoRecords) error { return h.CompanyWebhook(r.company) },
			wrote:  []string{"to_salesforce NumberOfEmployees=40", "to_intercom industry=Software"},
			echo: func(h *syncertest.Harness, r echoRecords) error {
				if err := h.Poll(tandem.ObjectAccount); err != nil {
					return err
				}
				return h.CompanyWebhook(r.company)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := syncertest.New(t, syncertest.Options{})
			r := tc.seed(t, h)
			tc.change(h, r)
			require.NoError(t, tc.carry(h, r))
			requireEqual(t, "fields written", tc.wrote, written(h.Events.Take()))

			calls := h.WriteCalls()
			require.NoError(t, tc.echo(h, r))
			requireEqual(t, "fields written by the echo", []string{}, written(h.Events.Take()))
			require.Equal(t, calls, h.WriteCalls(), "write calls made by the echo")
		})
	}
}
