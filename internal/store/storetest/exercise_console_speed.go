package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// exerciseConsoleSpeed covers what keeps the console's pages fast: the
// per-minute activity counts kept by the database as rows are inserted, the
// audit filters built from the filters given, and the bounded look-ups of
// the person page.
func exerciseConsoleSpeed(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	m := base.Unix() / 60

	t.Run("Console/ActivityCountedOnInsert", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var many []tandem.AuditEntry
		for i := range 250 { // more than one insert statement
			d := tandem.ToSalesforce
			if i%5 == 0 {
				d = tandem.ToIntercom
			}
			many = append(many, tandem.AuditEntry{InstallationID: inst, Direction: d, Object: tandem.ObjectContact,
				IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", Cause: tandem.CauseBulk, At: base.Add(time.Duration(i) * 300 * time.Millisecond)})
		}
		require.NoError(t, db.InsertAudit(ctx, many...))
		_, err := db.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToIntercom, Field: "x",
			Cause: tandem.CauseAction, At: base.Add(2 * time.Minute)})
		require.NoError(t, err)
		require.NoError(t, db.InsertAudit(ctx, tandem.AuditEntry{InstallationID: "other", Direction: tandem.ToIntercom, Field: "x", At: base}))
		rollback := errors.New("rolled back")
		require.ErrorIs(t, db.InTx(ctx, func(tx *store.Tx) error {
			require.NoError(t, tx.InsertAudit(ctx, tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToIntercom, Field: "x", At: base}))
			return rollback
		}), rollback)

		// 250 entries 0.3 s apart: 200 in the first minute, 50 in the next.
		got, err := db.WritesPerMinute(ctx, inst, base)
		require.NoError(t, err)
		require.Equal(t, []store.MinuteCount{
			{Minute: m, Series: string(tandem.ToIntercom), Count: 40},
			{Minute: m, Series: string(tandem.ToSalesforce), Count: 160},
			{Minute: m + 1, Series: string(tandem.ToIntercom), Count: 10},
			{Minute: m + 1, Series: string(tandem.ToSalesforce), Count: 40},
			{Minute: m + 2, Series: string(tandem.ToIntercom), Count: 1},
		}, got)
		got, err = db.WritesPerMinute(ctx, inst, base.Add(61*time.Second))
		require.NoError(t, err)
		require.Equal(t, []store.MinuteCount{{Minute: m + 2, Series: string(tandem.ToIntercom), Count: 1}}, got, "from the next whole minute")

		for i, at := range []time.Time{base, base.Add(time.Second), base.Add(time.Minute)} {
			fresh, err := db.MarkDelivery(ctx, inst, fmt.Sprintf("n%d", i), at)
			require.NoError(t, err)
			require.True(t, fresh)
		}
		fresh, err := db.MarkDelivery(ctx, inst, "n0", base.Add(time.Minute))
		require.NoError(t, err)
		require.False(t, fresh, "a duplicate")
		_, err = db.PruneDeliveries(ctx, base.Add(time.Hour))
		require.NoError(t, err)
		got, err = db.DeliveriesPerMinute(ctx, inst, base)
		require.NoError(t, err)
		require.Equal(t, []store.MinuteCount{{Minute: m, Count: 2}, {Minute: m + 1, Count: 1}}, got,
			"a duplicate is not counted; pruned deliveries stay counted")
	})

	t.Run("Console/FilterAuditByRecordAndPair", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		e := func(ic, sf, field string, cause tandem.Cause) tandem.AuditEntry {
			return tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce, Object: tandem.ObjectContact,
				IntercomID: ic, SalesforceID: sf, Field: field, Cause: cause, At: base}
		}
		require.NoError(t, db.InsertAudit(ctx,
			e("ic1", "003OLD", "Phone", tandem.CauseWebhook), // an earlier link of ic1
			e("ic1", "003A", "Phone", tandem.CauseBulk),
			e("ic2", "003A", "Title", tandem.CausePoll), // a later link of 003A
			e("ic1", "003A", "Title", tandem.CauseWebhook),
			e("ic9", "003Z", "Phone", tandem.CauseWebhook),
		))
		type fc = struct{ ic, sf, field string }
		find := func(f store.AuditFilter) []fc {
			f.Installation = inst
			es, err := db.FilterAudit(ctx, f)
			require.NoError(t, err)
			out := []fc{}
			for _, e := range es {
				out = append(out, fc{e.IntercomID, e.SalesforceID, e.Field})
			}
			return out
		}
		require.Equal(t, []fc{{"ic1", "003A", "Title"}, {"ic2", "003A", "Title"}, {"ic1", "003A", "Phone"}},
			find(store.AuditFilter{Record: "003A"}), "either side, newest first")
		require.Equal(t, []fc{{"ic1", "003A", "Title"}, {"ic1", "003A", "Phone"}, {"ic1", "003OLD", "Phone"}},
			find(store.AuditFilter{Record: "ic1"}))
		require.Equal(t, []fc{{"ic1", "003A", "Phone"}, {"ic1", "003OLD", "Phone"}}, find(store.AuditFilter{Record: "ic1", Field: "Phone"}))
		require.Equal(t, []fc{{"ic1", "003OLD", "Phone"}}, find(store.AuditFilter{Record: "ic1", Cause: tandem.CauseWebhook, Field: "Phone"}))
		page := find(store.AuditFilter{Record: "003A", Limit: 2})
		require.Equal(t, []fc{{"ic1", "003A", "Title"}, {"ic2", "003A", "Title"}}, page, "a page over both sides")
		all, err := db.FilterAudit(ctx, store.AuditFilter{Installation: inst, Record: "003A", Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []fc{{"ic1", "003A", "Phone"}}, find(store.AuditFilter{Record: "003A", AfterID: all[1].ID}), "the next page")
		require.Equal(t, []fc{{"ic1", "003A", "Title"}, {"ic1", "003A", "Phone"}}, find(store.AuditFilter{IntercomID: "ic1", SalesforceID: "003A"}), "one pair")
		require.Equal(t, []fc{{"ic1", "003A", "Phone"}}, find(store.AuditFilter{IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", Limit: 1}))
		require.Equal(t, []fc{}, find(store.AuditFilter{Record: "nobody"}))
	})

	t.Run("Console/OpenSyncErrorsOfRecords", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mk := func(ic, sf, field string, seen time.Time) tandem.SyncError {
			e, err := db.RecordSyncError(ctx, tandem.SyncError{InstallationID: inst, Object: tandem.ObjectContact, Operation: tandem.OpUpdateSalesforce,
				IntercomID: ic, SalesforceID: sf, Field: field, System: "salesforce", Code: "X", FirstSeen: seen, LastSeen: seen})
			require.NoError(t, err)
			return e
		}
		a := mk("ic1", "003A", "Phone", base)
		b := mk("", "003A", "Title", base.Add(time.Minute))
		c := mk("ic1", "", "Plan", base.Add(2*time.Minute))
		mk("ic2", "003B", "Phone", base)
		resolved := mk("ic1", "003A", "Fax", base.Add(3*time.Minute))
		require.NoError(t, db.ResolveSyncError(ctx, resolved.ID))

		ids := func(ic, sf string, n int) []int64 {
			es, err := db.OpenSyncErrorsOfRecords(ctx, inst, ic, sf, n)
			require.NoError(t, err)
			out := []int64{}
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		require.Equal(t, []int64{c.ID, b.ID, a.ID}, ids("ic1", "003A", 10), "either record, most recently seen first, open only")
		require.Equal(t, []int64{c.ID, b.ID}, ids("ic1", "003A", 2))
		require.Equal(t, []int64{b.ID, a.ID}, ids("", "003A", 10), "an empty id names nothing")
		require.Equal(t, []int64{}, ids("", "", 10))
	})
}
