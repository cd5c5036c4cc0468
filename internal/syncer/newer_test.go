package syncer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
)

// TestNewerVersionWins: a version of a record older than the one a link
// last synced from is never applied over it, and a late notification
// syncs the record as it is now.
func TestNewerVersionWins(t *testing.T) {
	t.Parallel()
	start := person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Engineer"}
	for _, tc := range []struct {
		name string
		// run changes and syncs the linked pair.
		run            func(t *testing.T, h *syncertest.Harness, ic, sf string)
		wantIC, wantSF person
		wantWritten    []string
	}{
		{
			name: "a Salesforce record read before a newer version was synced is not applied",
			run: func(t *testing.T, h *syncertest.Harness, ic, sf string) {
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Manager"})
				stale, _, err := h.SF.SObjects.Get(h.Ctx, "Contact", sf, []string{"Id", "SystemModstamp", "LastModifiedDate", "Email", "Title"})
				require.NoError(t, err)
				h.Clock.Shift(time.Second)
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Director"})
				require.NoError(t, h.Syncer.SyncSalesforceID(h.Ctx, tandem.ObjectContact, sf, tandem.CausePoll))
				// Another replica's poll page, read before the change above.
				require.NoError(t, h.Syncer.SyncSalesforceRecord(h.Ctx, tandem.ObjectContact, stale, tandem.CausePoll))
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Director"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Director"},
			wantWritten: []string{"to_intercom custom_attributes.job_title=Director"},
		},
		{
			name: "an Intercom read older than the version synced is not applied",
			run: func(t *testing.T, h *syncertest.Harness, ic, _ string) {
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0111"})
				stale := h.StaleIntercomRead(ic)
				h.Clock.Shift(2 * time.Second) // updated_at counts seconds
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0222"})
				require.NoError(t, h.Webhook(ic))
				stale() // the next read returns the version before
				require.NoError(t, h.Webhook(ic))
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantWritten: []string{"to_salesforce Phone=+1 555 0222"},
		},
		{
			name: "an Intercom version newer than the one synced is applied",
			run: func(t *testing.T, h *syncertest.Harness, ic, _ string) {
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0111"})
				require.NoError(t, h.Webhook(ic))
				h.Clock.Shift(time.Minute)
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0222"})
				require.NoError(t, h.Webhook(ic))
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantWritten: []string{"to_salesforce Phone=+1 555 0111", "to_salesforce Phone=+1 555 0222"},
		},
		{
			name: "a late webhook syncs the record as it is now, and its successor writes nothing",
			run: func(t *testing.T, h *syncertest.Harness, ic, _ string) {
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0111"})
				h.Clock.Shift(2 * time.Second)
				h.UpdateIntercom(ic, map[string]any{"phone": "+1 555 0222"})
				require.NoError(t, h.Webhook(ic)) // the notification of the first change
				require.NoError(t, h.Webhook(ic)) // of the second
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0222", Title: "Engineer"},
			wantWritten: []string{"to_salesforce Phone=+1 555 0222"},
		},
		{
			name: "a Salesforce record read before a revert is not applied over it",
			run: func(t *testing.T, h *syncertest.Harness, ic, sf string) {
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Manager"})
				require.NoError(t, h.Syncer.SyncSalesforceID(h.Ctx, tandem.ObjectContact, sf, tandem.CausePoll))
				// A poll reads the record; before it syncs it, the write
				// of Manager is reverted.
				stale, _, err := h.SF.SObjects.Get(h.Ctx, "Contact", sf, []string{"Id", "SystemModstamp", "LastModifiedDate", "Email", "Title"})
				require.NoError(t, err)
				es, err := h.Store.FilterAudit(h.Ctx, store.AuditFilter{Installation: tandem.DefaultInstallation, Record: ic,
					Field: "custom_attributes.job_title", Limit: 1})
				require.NoError(t, err)
				require.Len(t, es, 1)
				h.Clock.Shift(time.Second)
				_, err = h.Syncer.RevertWrite(h.Ctx, es[0], "a test")
				require.NoError(t, err)
				require.NoError(t, h.Syncer.SyncSalesforceRecord(h.Ctx, tandem.ObjectContact, stale, tandem.CausePoll))
			},
			wantIC: person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Engineer"},
			wantSF: person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Engineer"},
			wantWritten: []string{"to_intercom custom_attributes.job_title=Manager",
				"to_salesforce Title=Engineer", "to_intercom custom_attributes.job_title=Engineer"},
		},
		{
			name: "a bulk sync writes a Salesforce change to Intercom",
			run: func(t *testing.T, h *syncertest.Harness, _, sf string) {
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Manager"})
				runBulk(t, h)
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Manager"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Manager"},
			wantWritten: []string{"to_intercom custom_attributes.job_title=Manager"},
		},
		{
			name: "a bulk sync does not write a Salesforce version older than the one event sync synced meanwhile",
			run: func(t *testing.T, h *syncertest.Harness, ic, sf string) {
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Manager"})
				// Event sync has synced a version a minute newer than the
				// one the bulk sync reads (as it would between the bulk
				// sync's read and its write).
				l, ok := h.Link(tandem.ObjectContact, ic)
				require.True(t, ok)
				newer := fmt.Sprintf("%015d", h.Clock.Now().Add(time.Minute).UnixMilli())
				require.NoError(t, h.Store.SetShadows(h.Ctx, l.ID, map[string]string{"seen:salesforce_modstamp": newer}))
				runBulk(t, h)
			},
			wantIC: person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Engineer"},
			wantSF: person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Manager"},
		},
		{
			name: "a poll overlapping the last one handles nothing again",
			run: func(t *testing.T, h *syncertest.Harness, _, sf string) {
				h.UpdateSalesforce("Contact", sf, map[string]any{"Title": "Manager"})
				res, err := h.Syncer.Poll(h.Ctx, tandem.ObjectContact)
				require.NoError(t, err)
				require.Equal(t, 1, res.Handled, "the first poll handles the change")
				res, err = h.Syncer.Poll(h.Ctx, tandem.ObjectContact)
				require.NoError(t, err)
				require.Equal(t, 1, res.Seen, "the overlap reads the record again")
				require.Zero(t, res.Handled, "records handled at the same SystemModstamp are skipped")
			},
			wantIC:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Manager"},
			wantSF:      person{Email: "pat@example.com", Phone: "+1 555 0100", Title: "Manager"},
			wantWritten: []string{"to_intercom custom_attributes.job_title=Manager"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := syncertest.New(t, syncertest.Options{})
			ic, sf := linkedUser(t, h, start, start)
			require.NoError(t, h.Poll()) // the watermarks start after the first link
			h.Events.Take()
			tc.run(t, h, ic, sf)
			requireEqual(t, "fields written", tc.wantWritten, written(h.Events.Take()))
			requireEqual(t, "both sides", [2]person{tc.wantIC, tc.wantSF}, [2]person{icPerson(t, h, ic), sfPerson(t, h, "Contact", sf)})
		})
	}
}

// runBulk runs a bulk sync to its end.
func runBulk(t *testing.T, h *syncertest.Harness) {
	t.Helper()
	run, _, err := h.Syncer.StartBulk(h.Ctx)
	require.NoError(t, err)
	final, err := h.Syncer.RunBulk(h.Ctx, run.ID, syncer.BulkOptions{})
	require.NoError(t, err)
	require.Equal(t, store.BulkDone, final.Status, final.Error)
}
