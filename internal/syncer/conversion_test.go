package syncer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// TestLeadConversion: when a linked Lead is converted, the link follows
// the Contact it became (and the Intercom company is linked to its
// Account), whichever way tandem learns of it, and the new pair is
// aligned.
func TestLeadConversion(t *testing.T) {
	t.Parallel()
	type records struct{ ic, lead, company string }
	// convert converts the Lead and names what it produced.
	convert := func(t *testing.T, h *syncertest.Harness, n names, r records, opts sfsim.ConvertOptions) {
		res, err := h.Salesforce.ConvertLead(r.lead, opts)
		require.NoError(t, err)
		n[res.ContactID], n[res.AccountID] = "contact", "account"
		h.UpdateSalesforce("Contact", res.ContactID, map[string]any{"Title": "Head of Ops"})
	}
	for _, tc := range []struct {
		name string
		// company gives the Intercom lead a company; account makes an
		// existing Account for the conversion to merge into.
		company, account bool
		learn            func(t *testing.T, h *syncertest.Harness, r records) // how tandem learns of the conversion
		wantPairs        []string
		wantEvents       []string
		// wantIntercom and wantContact are the person as each side holds
		// it afterwards.
		wantIntercom, wantContact person
		wantVerdicts              []string
	}{
		{
			name:         "the poll of the converted Lead moves the link",
			learn:        func(t *testing.T, h *syncertest.Harness, _ records) { require.NoError(t, h.Poll()) },
			wantPairs:    []string{"contact lead = contact"},
			wantEvents:   []string{"moved contact lead = contact"},
			wantIntercom: person{Email: "lee@example.com", Phone: "+1 555 0142", Title: "Head of Ops"},
		},
		{
			name: "a write refused by the converted Lead moves the link",
			learn: func(t *testing.T, h *syncertest.Harness, r records) {
				h.UpdateIntercom(r.ic, map[string]any{"phone": "+1 555 0143"})
				require.NoError(t, h.Webhook(r.ic))
			},
			wantPairs:    []string{"contact lead = contact"},
			wantEvents:   []string{"moved contact lead = contact"},
			wantIntercom: person{Email: "lee@example.com", Phone: "+1 555 0143", Title: "Head of Ops"},
			// A link handed over by a conversion is a first link: the
			// Contact's phone (the Lead's, copied by the conversion) is kept
			// until the Intercom phone changes again.
			wantContact:  person{Email: "lee@example.com", Phone: "+1 555 0142", Title: "Head of Ops"},
			wantVerdicts: []string{"to_salesforce Phone kept at first link: +1 555 0143, kept +1 555 0142"},
		},
		{
			name:         "the lead's company is linked to the Account the conversion made",
			company:      true,
			learn:        func(t *testing.T, h *syncertest.Harness, _ records) { require.NoError(t, h.Poll(tandem.ObjectLead)) },
			wantPairs:    []string{"account company = account", "contact lead = contact"},
			wantEvents:   []string{"moved contact lead = contact", "made account company = account"},
			wantIntercom: person{Email: "lee@example.com", Phone: "+1 555 0142", Title: "Head of Ops"},
		},
		{
			name:         "the lead's company is linked to the existing Account the Lead merged into",
			company:      true,
			account:      true,
			learn:        func(t *testing.T, h *syncertest.Harness, _ records) { require.NoError(t, h.Poll(tandem.ObjectLead)) },
			wantPairs:    []string{"account company = account", "contact lead = contact"},
			wantEvents:   []string{"moved contact lead = contact", "made account company = account"},
			wantIntercom: person{Email: "lee@example.com", Phone: "+1 555 0142", Title: "Head of Ops"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := syncertest.New(t, syncertest.Options{})
			n := names{}
			var r records
			r.ic, r.lead = linkedLead(t, h, person{Email: "lee@example.com", Phone: "+1 555 0142"}, person{Email: "lee@example.com"})
			n[r.ic], n[r.lead] = "lead", "Lead"
			if tc.company {
				r.company = h.IntercomCompany("co-lee", 12)
				n[r.company] = "company"
				_, _, err := h.IC.Contacts.AttachCompany(h.Ctx, r.ic, r.company)
				require.NoError(t, err)
				require.NoError(t, h.CompanyWebhook(r.company)) // no Account has its company_id: not linked
			}
			var opts sfsim.ConvertOptions
			if tc.account {
				opts.AccountID = h.SalesforceAccount("another-number", "")
			}
			h.Events.Take()
			convert(t, h, n, r, opts)
			tc.learn(t, h, r)

			requireEqual(t, "links", tc.wantPairs, sortedPairs(n, h))
			events := h.Events.Take()
			requireEqual(t, "link events", tc.wantEvents, n.linkEvents(events))
			requireEqual(t, "verdicts", tc.wantVerdicts, verdicts(events))
			requireEqual(t, "the Intercom lead", tc.wantIntercom, icPerson(t, h, r.ic))
			if tc.wantContact == (person{}) {
				tc.wantContact = tc.wantIntercom
			}
			l, _ := h.Link(tandem.ObjectContact, r.ic)
			requireEqual(t, "the Contact", tc.wantContact, sfPerson(t, h, "Contact", l.SalesforceID))

			calls := h.WriteCalls()
			require.NoError(t, h.Poll())
			require.NoError(t, h.Webhook(r.ic))
			require.Equal(t, calls, h.WriteCalls(), "the moved pair is aligned: syncing again writes nothing")
			requireEqual(t, "links after syncing again", tc.wantPairs, sortedPairs(n, h))
		})
	}

	t.Run("an unlinked Lead's conversion changes no link", func(t *testing.T) {
		t.Parallel()
		h := syncertest.New(t, syncertest.Options{})
		lead := h.SalesforceLead(person{Email: "nobody@example.com"})
		_, err := h.Salesforce.ConvertLead(lead, sfsim.ConvertOptions{})
		require.NoError(t, err)
		require.NoError(t, h.Poll())
		requireEqual(t, "links", []syncertest.Pair{}, h.Pairs())
	})
}
