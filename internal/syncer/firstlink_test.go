package syncer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
)

// contactMappings returns the default mappings with the Contact's phone
// mapping changed by fn.
func contactMappings(fn func(m *tandem.Mapping)) []tandem.Mapping {
	ms := mapping.Defaults()
	for i, m := range ms {
		if m.Object == tandem.ObjectContact && m.Salesforce == "Phone" {
			fn(&ms[i])
		}
	}
	return ms
}

// TestFirstLink: the first alignment of a new pair fills blanks and keeps
// differing values (unless a mapping says overwrite), whether a webhook or
// the poll made the link; a kept value flows once its owner changes it.
func TestFirstLink(t *testing.T) {
	t.Parallel()
	overwrite := contactMappings(func(m *tandem.Mapping) { m.OnFirstLink = tandem.Overwrite })
	blanks := contactMappings(func(m *tandem.Mapping) { m.SyncBlanks = true })
	for _, tc := range []struct {
		name     string
		mappings []tandem.Mapping
		ic, sf   person
		// then, when set, is an Intercom edit synced by a webhook after
		// the first link.
		then         map[string]any
		wantIC       person
		wantSF       person
		wantVerdicts []string // during the first alignment
	}{
		{
			name:   "a blank Salesforce phone is filled",
			ic:     person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:     person{Email: "a@example.com"},
			wantIC: person{Email: "a@example.com", Phone: "+1 555 0100"},
			wantSF: person{Email: "a@example.com", Phone: "+1 555 0100"},
		},
		{
			name:         "a differing Salesforce phone is kept",
			ic:           person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantIC:       person{Email: "a@example.com", Phone: "+1 555 0100"},
			wantSF:       person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantVerdicts: []string{"to_salesforce Phone kept at first link: +1 555 0100, kept +1 555 0999"},
		},
		{
			name:         "a blank Intercom phone does not clear Salesforce's",
			ic:           person{Email: "a@example.com"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantIC:       person{Email: "a@example.com"},
			wantSF:       person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantVerdicts: []string{"to_salesforce Phone blank refused: , kept +1 555 0999"},
		},
		{
			name:     "on_first_link overwrite replaces a differing phone",
			mappings: overwrite,
			ic:       person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:       person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantIC:   person{Email: "a@example.com", Phone: "+1 555 0100"},
			wantSF:   person{Email: "a@example.com", Phone: "+1 555 0100"},
		},
		{
			name:         "on_first_link overwrite still refuses a blank",
			mappings:     overwrite,
			ic:           person{Email: "a@example.com"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantIC:       person{Email: "a@example.com"},
			wantSF:       person{Email: "a@example.com", Phone: "+1 555 0999"},
			wantVerdicts: []string{"to_salesforce Phone blank refused: , kept +1 555 0999"},
		},
		{
			name:         "sync_blanks keeps a value at first link and clears it when the owner clears its own",
			mappings:     blanks,
			ic:           person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			then:         map[string]any{"phone": nil},
			wantIC:       person{Email: "a@example.com"},
			wantSF:       person{Email: "a@example.com"},
			wantVerdicts: []string{"to_salesforce Phone kept at first link: +1 555 0100, kept +1 555 0999"},
		},
		{
			name:   "a blank job_title is filled from Title",
			ic:     person{Email: "a@example.com"},
			sf:     person{Email: "a@example.com", Title: "CTO"},
			wantIC: person{Email: "a@example.com", Title: "CTO"},
			wantSF: person{Email: "a@example.com", Title: "CTO"},
		},
		{
			name:         "a differing job_title is kept",
			ic:           person{Email: "a@example.com", Title: "Founder"},
			sf:           person{Email: "a@example.com", Title: "CTO"},
			wantIC:       person{Email: "a@example.com", Title: "Founder"},
			wantSF:       person{Email: "a@example.com", Title: "CTO"},
			wantVerdicts: []string{"to_intercom custom_attributes.job_title kept at first link: CTO, kept Founder"},
		},
		{
			name:   "equal values are left alone",
			ic:     person{Email: "a@example.com", Phone: "+1 555 0100", Plan: "growth", Title: "CTO"},
			sf:     person{Email: "a@example.com", Phone: "+1 555 0100", Plan: "growth", Title: "CTO"},
			wantIC: person{Email: "a@example.com", Phone: "+1 555 0100", Plan: "growth", Title: "CTO"},
			wantSF: person{Email: "a@example.com", Phone: "+1 555 0100", Plan: "growth", Title: "CTO"},
		},
		{
			name:         "a kept phone flows once the Intercom phone changes",
			ic:           person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			then:         map[string]any{"phone": "+1 555 0123"},
			wantIC:       person{Email: "a@example.com", Phone: "+1 555 0123"},
			wantSF:       person{Email: "a@example.com", Phone: "+1 555 0123"},
			wantVerdicts: []string{"to_salesforce Phone kept at first link: +1 555 0100, kept +1 555 0999"},
		},
		{
			name:         "a kept phone stays kept while another field changes",
			ic:           person{Email: "a@example.com", Phone: "+1 555 0100"},
			sf:           person{Email: "a@example.com", Phone: "+1 555 0999"},
			then:         map[string]any{"custom_attributes": map[string]any{"plan": "enterprise"}},
			wantIC:       person{Email: "a@example.com", Phone: "+1 555 0100", Plan: "enterprise"},
			wantSF:       person{Email: "a@example.com", Phone: "+1 555 0999", Plan: "enterprise"},
			wantVerdicts: []string{"to_salesforce Phone kept at first link: +1 555 0100, kept +1 555 0999"},
		},
	} {
		for _, by := range []string{"webhook", "poll"} {
			t.Run(tc.name+"/linked by "+by, func(t *testing.T) {
				t.Parallel()
				h := syncertest.New(t, syncertest.Options{Mappings: tc.mappings})
				ic, sf := h.IntercomUser(tc.ic), h.SalesforceContact(tc.sf)
				if by == "webhook" {
					require.NoError(t, h.Webhook(ic))
				} else {
					require.NoError(t, h.Poll())
				}
				_, ok := h.Link(tandem.ObjectContact, ic)
				require.True(t, ok, "linked")
				requireEqual(t, "verdicts of the first alignment", tc.wantVerdicts, verdicts(h.Events.Take()))
				if tc.then != nil {
					h.UpdateIntercom(ic, tc.then)
					require.NoError(t, h.Webhook(ic))
				}
				requireEqual(t, "both sides", [2]person{tc.wantIC, tc.wantSF}, [2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", sf)})

				// Nothing was left half done: syncing both ways again writes
				// nothing and reports no kept value again.
				calls := h.WriteCalls()
				require.NoError(t, h.Poll())
				require.NoError(t, h.Webhook(ic))
				require.Equal(t, calls, h.WriteCalls(), "write calls when syncing again")
				requireEqual(t, "verdicts when syncing again", []string{}, verdicts(h.Events.Take()))

				// Nor does a bulk sync, which compares both sides: a value
				// kept at first link stays kept.
				runBulk(t, h)
				require.Equal(t, calls, h.WriteCalls(), "write calls of a bulk sync")
				requireEqual(t, "both sides after a bulk sync", [2]person{tc.wantIC, tc.wantSF}, [2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", sf)})
			})
		}
	}
}

// TestFirstLinkCutShort: a link made just before a crash, never aligned, is
// aligned in both directions by the next event of either side, not only
// in the direction that event flows.
func TestFirstLinkCutShort(t *testing.T) {
	t.Parallel()
	for _, by := range []string{"webhook", "poll"} {
		t.Run("then a "+by, func(t *testing.T) {
			t.Parallel()
			h := syncertest.New(t, syncertest.Options{})
			ic := h.IntercomUser(person{Email: "a@example.com", Phone: "+1 555 0100"})
			sf := h.SalesforceContact(person{Email: "a@example.com", Title: "CTO"})
			_, err := h.Store.UpsertLink(h.Ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
				IntercomID: ic, SalesforceID: sf, MatchedBy: "email", MatchKey: "a@example.com"})
			require.NoError(t, err)
			if by == "webhook" {
				require.NoError(t, h.Webhook(ic))
			} else {
				require.NoError(t, h.Poll())
			}
			want := person{Email: "a@example.com", Phone: "+1 555 0100", Title: "CTO"}
			requireEqual(t, "both sides", [2]person{want, want}, [2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", sf)})

			calls := h.WriteCalls()
			require.NoError(t, h.Poll())
			require.NoError(t, h.Webhook(ic))
			require.Equal(t, calls, h.WriteCalls(), "write calls when syncing again")
		})
	}
}
