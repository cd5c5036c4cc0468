package syncer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
)

// TestRelinking: links follow the matching key (email). A changed email
// moves a link, duplicates link the most recently modified record once,
// and a lead that signed up moves to its Contact.
func TestRelinking(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// run seeds records, names them and syncs.
		run        func(t *testing.T, h *syncertest.Harness, n names)
		wantPairs  []string
		wantEvents []string // link events during run, after the first link
		wantNote   string   // the note of the user's link, when it has one
	}{
		{
			name: "an email changed in Intercom moves the link to the Contact with the new email",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, a := linkedUser(t, h, person{Email: "old@example.com", Plan: "growth"}, person{Email: "old@example.com"})
				b := h.SalesforceContact(person{Email: "new@example.com", Title: "CFO"})
				n[ic], n[a], n[b] = "user", "old", "new"
				h.UpdateIntercom(ic, map[string]any{"email": "new@example.com"})
				require.NoError(t, h.Webhook(ic))
				requireEqual(t, "the new pair is aligned both ways",
					[2]person{{Email: "new@example.com", Plan: "growth", Title: "CFO"}, {Email: "new@example.com", Plan: "growth", Title: "CFO"}},
					[2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", b)})
			},
			wantPairs:  []string{"contact user = new"},
			wantEvents: []string{"dropped contact user = old", "made contact user = new"},
		},
		{
			name: "an email changed on both sides keeps the link",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, a := linkedUser(t, h, person{Email: "old@example.com"}, person{Email: "old@example.com"})
				n[ic], n[a] = "user", "contact"
				h.UpdateSalesforce("Contact", a, map[string]any{"Email": "new@example.com"})
				h.UpdateIntercom(ic, map[string]any{"email": "New@Example.com "})
				require.NoError(t, h.Webhook(ic))
				l, _ := h.Link(tandem.ObjectContact, ic)
				require.Equal(t, "new@example.com", l.MatchKey, "the link's key follows")
			},
			wantPairs:  []string{"contact user = contact"},
			wantEvents: []string{},
		},
		{
			name: "an email changed to one no Salesforce record has drops the link",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, a := linkedUser(t, h, person{Email: "old@example.com"}, person{Email: "old@example.com"})
				n[ic], n[a] = "user", "contact"
				h.UpdateIntercom(ic, map[string]any{"email": "elsewhere@example.com"})
				require.NoError(t, h.Webhook(ic))
				requireEqual(t, "the Contact is left as it was", person{Email: "old@example.com"}, sfPerson(t, h, "Contact", a))
			},
			wantPairs:  []string{},
			wantEvents: []string{"dropped contact user = contact"},
		},
		{
			name: "an email changed in Salesforce alone keeps the link (Intercom's key decides)",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, a := linkedUser(t, h, person{Email: "old@example.com"}, person{Email: "old@example.com"})
				n[ic], n[a] = "user", "contact"
				h.UpdateSalesforce("Contact", a, map[string]any{"Email": "new@example.com", "Title": "CTO"})
				require.NoError(t, h.Poll())
				require.Equal(t, "CTO", icPerson(t, h, ic).Title, "the pair keeps syncing")
			},
			wantPairs:  []string{"contact user = contact"},
			wantEvents: []string{},
		},
		{
			name: "two Contacts with the user's email: the most recently modified is linked",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				older := h.SalesforceContact(person{Email: "dup@example.com"})
				h.Clock.Shift(time.Second)
				newer := h.SalesforceContact(person{Email: "dup@example.com"})
				ic := h.IntercomUser(person{Email: "dup@example.com"})
				n[older], n[newer], n[ic] = "older", "newer", "user"
				require.NoError(t, h.Webhook(ic))
			},
			wantPairs:  []string{"contact user = newer"},
			wantEvents: []string{"made contact user = newer"},
			wantNote:   "2 candidates; the most recently modified was chosen",
		},
		{
			name: "two leads with a Lead's email: the poll links the most recently updated, the other stays unlinked",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				older := h.IntercomLead(person{Email: "dup@example.com"})
				h.Clock.Shift(2 * time.Second) // updated_at counts seconds
				newer := h.IntercomLead(person{Email: "dup@example.com"})
				sf := h.SalesforceLead(person{Email: "dup@example.com"})
				n[older], n[newer], n[sf] = "older", "newer", "lead"
				require.NoError(t, h.Poll())
				require.NoError(t, h.Webhook(older))
				require.NoError(t, h.Webhook(newer))
			},
			wantPairs:  []string{"lead newer = lead"},
			wantEvents: []string{"made lead newer = lead"},
		},
		{
			name: "an email matches whatever its case and surrounding spaces",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				sf := h.SalesforceContact(person{Email: "pat@example.com"})
				ic := h.IntercomUser(person{Email: " Pat@Example.COM"})
				n[sf], n[ic] = "contact", "user"
				require.NoError(t, h.Webhook(ic))
			},
			wantPairs:  []string{"contact user = contact"},
			wantEvents: []string{"made contact user = contact"},
		},
		{
			name: "a lead that became a user moves from its Lead to the Contact with its email",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, lead := linkedLead(t, h, person{Email: "lee@example.com", Phone: "+1 555 0100"}, person{Email: "lee@example.com"})
				contact := h.SalesforceContact(person{Email: "lee@example.com", Title: "Buyer"})
				n[ic], n[lead], n[contact] = "user", "lead", "contact"
				h.UpdateIntercom(ic, map[string]any{"role": "user"})
				require.NoError(t, h.Webhook(ic))
				requireEqual(t, "the new pair is aligned both ways",
					[2]person{{Email: "lee@example.com", Phone: "+1 555 0100", Title: "Buyer"}, {Email: "lee@example.com", Phone: "+1 555 0100", Title: "Buyer"}},
					[2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", contact)})
			},
			wantPairs:  []string{"contact user = contact"},
			wantEvents: []string{"dropped lead user = lead", "made contact user = contact"},
		},
		{
			name: "a lead that became a user stays with its Lead while no Contact has its email",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, lead := linkedLead(t, h, person{Email: "lee@example.com"}, person{Email: "lee@example.com"})
				n[ic], n[lead] = "user", "lead"
				h.UpdateIntercom(ic, map[string]any{"role": "user", "phone": "+44 20 7946 0000"})
				require.NoError(t, h.Webhook(ic))
				require.Equal(t, "+44 20 7946 0000", sfPerson(t, h, "Lead", lead).Phone, "the Lead keeps syncing")
			},
			wantPairs:  []string{"lead user = lead"},
			wantEvents: []string{},
		},
		{
			name: "a lead that became a user stays with its Lead while the Contact with its email is linked to someone else",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				// The Contact is linked to another Intercom user (linked
				// before its email changed, say).
				other, contact := h.IntercomUser(person{Email: "lee.old@example.com"}), h.SalesforceContact(person{Email: "lee@example.com"})
				_, err := h.Store.UpsertLink(h.Ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
					IntercomID: other, SalesforceID: contact, MatchedBy: "email", MatchKey: "lee@example.com"})
				require.NoError(t, err)
				ic, lead := linkedLead(t, h, person{Email: "lee@example.com"}, person{Email: "lee@example.com"})
				n[ic], n[lead], n[other], n[contact] = "user", "lead", "other", "contact"
				h.Events.Take()
				h.UpdateIntercom(ic, map[string]any{"role": "user", "phone": "+44 20 7946 0000"})
				require.NoError(t, h.Webhook(ic))
				require.Equal(t, "+44 20 7946 0000", sfPerson(t, h, "Lead", lead).Phone, "the Lead keeps syncing")
			},
			wantPairs:  []string{"contact other = contact", "lead user = lead"},
			wantEvents: []string{},
		},
		{
			name: "a deleted Intercom contact drops its link and leaves the Contact",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, sf := linkedUser(t, h, person{Email: "gone@example.com"}, person{Email: "gone@example.com"})
				n[ic], n[sf] = "user", "contact"
				require.NoError(t, h.Intercom.DeleteContact(ic))
				require.NoError(t, h.Webhook(ic))
				sfPerson(t, h, "Contact", sf)
			},
			wantPairs:  []string{},
			wantEvents: []string{"dropped contact user = contact"},
		},
		{
			name: "a deleted Contact drops its link when a write finds it gone",
			run: func(t *testing.T, h *syncertest.Harness, n names) {
				ic, sf := linkedUser(t, h, person{Email: "gone@example.com"}, person{Email: "gone@example.com"})
				n[ic], n[sf] = "user", "contact"
				require.NoError(t, h.Salesforce.Delete("Contact", sf))
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0111"})
				require.NoError(t, h.Webhook(ic))
			},
			wantPairs:  []string{},
			wantEvents: []string{"dropped contact user = contact"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := syncertest.New(t, syncertest.Options{})
			n := names{}
			tc.run(t, h, n)
			requireEqual(t, "links", tc.wantPairs, n.pairs(h.Pairs()))
			events := n.linkEvents(h.Events.Take())
			requireEqual(t, "link events", tc.wantEvents, events)
			if tc.wantNote != "" {
				ls, err := h.Store.LinkByIntercomID(h.Ctx, tandem.DefaultInstallation, tandem.ObjectContact, h.Pairs()[0].IntercomID)
				require.NoError(t, err)
				require.Equal(t, tc.wantNote, ls.Note)
			}
		})
	}
}
