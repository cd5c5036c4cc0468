package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

func syncErr(field, code string, at time.Time) tandem.SyncError {
	return tandem.SyncError{
		InstallationID: inst, Object: tandem.ObjectContact, Operation: "update_salesforce",
		IntercomID: "ic1", SalesforceID: "003A", Field: field, System: "salesforce", Code: code,
		Message: "msg " + code, Reason: "reason " + code, Payload: `{"n":1}`, LastSeen: at,
	}
}

func exerciseSyncErrors(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	t.Run("SyncErrors/Grouping", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		first, err := db.RecordSyncError(ctx, syncErr("Phone", "STRING_TOO_LONG", t0))
		require.NoError(t, err)
		require.Positive(t, first.ID)
		require.Equal(t, 1, first.Count)
		require.Equal(t, t0, first.FirstSeen)
		require.Equal(t, t0, first.LastSeen)
		require.Nil(t, first.ResolvedAt)

		again := syncErr("Phone", "STRING_TOO_LONG", t0.Add(time.Minute))
		again.Message, again.Reason, again.Payload = "newer message", "newer reason", `{"n":2}`
		second, err := db.RecordSyncError(ctx, again)
		require.NoError(t, err)
		require.Equal(t, first.ID, second.ID)
		require.Equal(t, 2, second.Count)
		require.Equal(t, t0, second.FirstSeen)
		require.Equal(t, t0.Add(time.Minute), second.LastSeen)
		require.Equal(t, "newer message", second.Message)
		require.Equal(t, "newer reason", second.Reason)
		require.Equal(t, `{"n":2}`, second.Payload)

		got, err := db.GetSyncError(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, second, got)

		// Any differing key part makes a separate entry.
		for _, e := range []tandem.SyncError{
			syncErr("Title", "STRING_TOO_LONG", t0),
			syncErr("Phone", "INVALID_FIELD", t0),
			func() tandem.SyncError { e := syncErr("Phone", "STRING_TOO_LONG", t0); e.IntercomID = "ic2"; return e }(),
			func() tandem.SyncError {
				e := syncErr("Phone", "STRING_TOO_LONG", t0)
				e.Operation = "create_lead"
				return e
			}(),
			func() tandem.SyncError {
				e := syncErr("Phone", "STRING_TOO_LONG", t0)
				e.InstallationID = "other"
				return e
			}(),
		} {
			other, err := db.RecordSyncError(ctx, e)
			require.NoError(t, err)
			require.NotEqual(t, first.ID, other.ID)
			require.Equal(t, 1, other.Count)
		}

		// Once resolved, the same failure starts a new entry.
		require.NoError(t, db.ResolveSyncError(ctx, first.ID))
		third, err := db.RecordSyncError(ctx, syncErr("Phone", "STRING_TOO_LONG", t0.Add(time.Hour)))
		require.NoError(t, err)
		require.NotEqual(t, first.ID, third.ID)
		require.Equal(t, 1, third.Count)
		resolved, err := db.GetSyncError(ctx, first.ID)
		require.NoError(t, err)
		require.NotNil(t, resolved.ResolvedAt)
		require.Equal(t, 2, resolved.Count)
	})

	t.Run("SyncErrors/DefaultsAndValidation", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		before := time.Now().Add(-time.Second)
		e, err := db.RecordSyncError(ctx, syncErr("Phone", "X", time.Time{}))
		require.NoError(t, err)
		require.True(t, e.LastSeen.After(before), "LastSeen defaults to now")
		_, err = db.RecordSyncError(ctx, tandem.SyncError{Code: "X"})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
		_, err = db.GetSyncError(ctx, 999999)
		requireNotFound(t, err)
		requireNotFound(t, db.ResolveSyncError(ctx, 999999))
		_, err = db.ResolveSyncErrors(ctx, store.ResolveParams{})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})

	t.Run("SyncErrors/ResolveMatching", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mk := func(obj tandem.Object, op, ic, sf, field string) tandem.SyncError {
			return tandem.SyncError{InstallationID: inst, Object: obj, Operation: tandem.Operation(op), IntercomID: ic, SalesforceID: sf, Field: field, Code: "E", LastSeen: t0}
		}
		for _, e := range []tandem.SyncError{
			mk(tandem.ObjectContact, "update_salesforce", "ic1", "003A", "Phone"),
			mk(tandem.ObjectContact, "update_salesforce", "ic1", "003A", "Title"),
			mk(tandem.ObjectContact, "update_intercom", "ic1", "003A", "Title"),
			mk(tandem.ObjectContact, "update_salesforce", "ic2", "003B", "Phone"),
			mk(tandem.ObjectLead, "create_lead", "ic3", "", ""),
			func() tandem.SyncError {
				e := mk(tandem.ObjectContact, "update_salesforce", "ic1", "003A", "Phone")
				e.InstallationID = "other"
				return e
			}(),
		} {
			_, err := db.RecordSyncError(ctx, e)
			require.NoError(t, err)
		}
		n, err := db.ResolveSyncErrors(ctx, store.ResolveParams{Installation: inst, Object: tandem.ObjectContact, Operation: "update_salesforce", IntercomID: "ic1"})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = db.ResolveSyncErrors(ctx, store.ResolveParams{Installation: inst, Object: tandem.ObjectContact, Operation: "update_salesforce", IntercomID: "ic1"})
		require.NoError(t, err)
		require.Zero(t, n, "already resolved")
		n, err = db.ResolveSyncErrors(ctx, store.ResolveParams{Installation: inst, SalesforceID: "003B"})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		open, err := db.ListSyncErrors(ctx, store.ListSyncErrorsParams{Installation: inst})
		require.NoError(t, err)
		require.Len(t, open, 2)
		n, err = db.ResolveSyncErrors(ctx, store.ResolveParams{Installation: inst})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		open, err = db.ListSyncErrors(ctx, store.ListSyncErrorsParams{Installation: "other"})
		require.NoError(t, err)
		require.Len(t, open, 1, "other installations are untouched")
	})

	t.Run("SyncErrors/ListOrderAndPages", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var ids []int64
		for i := range 5 {
			e := syncErr(fmt.Sprint("F", i), "E", t0.Add(time.Duration(i)*time.Minute))
			if i == 4 {
				e.Object = tandem.ObjectLead
			}
			got, err := db.RecordSyncError(ctx, e)
			require.NoError(t, err)
			ids = append(ids, got.ID)
		}
		// Same last_seen as F3: ties go by id, newest first.
		tie, err := db.RecordSyncError(ctx, syncErr("tie", "E", t0.Add(3*time.Minute)))
		require.NoError(t, err)
		require.NoError(t, db.ResolveSyncError(ctx, ids[1]))

		listIDs := func(p store.ListSyncErrorsParams) []int64 {
			t.Helper()
			p.Installation = inst
			es, err := db.ListSyncErrors(ctx, p)
			require.NoError(t, err)
			out := []int64{}
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		require.Equal(t, []int64{ids[4], tie.ID, ids[3], ids[2], ids[0]}, listIDs(store.ListSyncErrorsParams{}))
		require.Equal(t, []int64{ids[4], tie.ID, ids[3], ids[2], ids[1], ids[0]}, listIDs(store.ListSyncErrorsParams{IncludeResolved: true}))
		require.Equal(t, []int64{ids[4]}, listIDs(store.ListSyncErrorsParams{Object: tandem.ObjectLead}))
		require.Equal(t, []int64{ids[4], tie.ID}, listIDs(store.ListSyncErrorsParams{Limit: 2}))
		require.Equal(t, []int64{ids[3], ids[2]}, listIDs(store.ListSyncErrorsParams{Limit: 2, AfterID: tie.ID}))
		require.Equal(t, []int64{ids[0]}, listIDs(store.ListSyncErrorsParams{Limit: 2, AfterID: ids[2]}))
	})

	t.Run("SyncErrors/Groups", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		record := func(e tandem.SyncError, times int) {
			for range times {
				_, err := db.RecordSyncError(ctx, e)
				require.NoError(t, err)
			}
		}
		a := syncErr("Phone", "STRING_TOO_LONG", t0)
		// Same cause (system, code, field) on another record: its reason
		// names that record, yet it belongs to a's group.
		a2 := syncErr("Phone", "STRING_TOO_LONG", t0.Add(time.Minute))
		a2.IntercomID, a2.SalesforceID, a2.Reason = "ic2", "003B", "reason STRING_TOO_LONG for ann@example.com"
		b := syncErr("Title", "STRING_TOO_LONG", t0)
		c := syncErr("Phone", "INVALID_EMAIL", t0)
		c.System, c.Reason = "intercom", "bad email"
		resolved := syncErr("Other", "STRING_TOO_LONG", t0)
		record(a, 3)
		record(a2, 1)
		record(b, 1)
		record(c, 2)
		r, err := db.RecordSyncError(ctx, resolved)
		require.NoError(t, err)
		require.NoError(t, db.ResolveSyncError(ctx, r.ID))

		groups, err := db.SyncErrorGroups(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, []store.SyncErrorGroup{
			{System: "salesforce", Code: "STRING_TOO_LONG", Field: "Phone", Reason: "reason STRING_TOO_LONG for ann@example.com", Errors: 2, Occurrences: 4},
			{System: "intercom", Code: "INVALID_EMAIL", Field: "Phone", Reason: "bad email", Errors: 1, Occurrences: 2},
			{System: "salesforce", Code: "STRING_TOO_LONG", Field: "Title", Reason: "reason STRING_TOO_LONG", Errors: 1, Occurrences: 1},
		}, groups)
		groups, err = db.SyncErrorGroups(ctx, "nobody")
		require.NoError(t, err)
		require.Empty(t, groups)
	})
}

func exerciseAudit(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Audit/InsertAndList", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		t0 := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
		var in []tandem.AuditEntry
		for i := range 5 {
			in = append(in, tandem.AuditEntry{
				InstallationID: inst, Direction: tandem.ToSalesforce, Object: tandem.ObjectContact,
				IntercomID: "ic1", SalesforceID: "003A", Field: "Phone",
				OldValue: fmt.Sprint(i), NewValue: fmt.Sprint(i + 1), Cause: tandem.CauseWebhook,
				At: t0.Add(time.Duration(i) * time.Second),
			})
		}
		require.NoError(t, db.InsertAudit(ctx, in...))
		require.NoError(t, db.InsertAudit(ctx))
		require.NoError(t, db.InsertAudit(ctx, tandem.AuditEntry{InstallationID: "other", Field: "x"}))

		page1, err := db.ListAudit(ctx, store.ListAuditParams{Installation: inst, Limit: 3})
		require.NoError(t, err)
		require.Len(t, page1, 3)
		for i, e := range page1 {
			want := in[4-i]
			want.ID = e.ID
			require.Equal(t, want, e)
		}
		page2, err := db.ListAudit(ctx, store.ListAuditParams{Installation: inst, Limit: 3, AfterID: page1[2].ID})
		require.NoError(t, err)
		require.Len(t, page2, 2)
		require.Equal(t, "1", page2[0].OldValue)
		require.Equal(t, "0", page2[1].OldValue)
		require.Less(t, page2[1].ID, page2[0].ID)

		other, err := db.ListAudit(ctx, store.ListAuditParams{Installation: "other"})
		require.NoError(t, err)
		require.Len(t, other, 1)
		require.False(t, other[0].At.IsZero(), "At defaults to now")
	})
}

func exerciseBulkSyncs(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("BulkSyncs/Lifecycle", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.LatestBulkSync(ctx, inst)
		requireNotFound(t, err)

		b, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		require.Positive(t, b.ID)
		require.Equal(t, store.BulkRunning, b.Status)
		require.False(t, b.StartedAt.IsZero())
		require.Nil(t, b.FinishedAt)

		b.Phase, b.Checkpoint = "contacts", `{"after":"003A"}`
		b.Total, b.Done, b.Changed, b.Failed, b.Linked = 100, 40, 7, 1, 35
		require.NoError(t, db.UpdateBulkSync(ctx, b))
		got, err := db.GetBulkSync(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, "contacts", got.Phase)
		require.JSONEq(t, `{"after":"003A"}`, got.Checkpoint)
		require.Equal(t, [5]int64{100, 40, 7, 1, 35}, [5]int64{got.Total, got.Done, got.Changed, got.Failed, got.Linked})
		require.Equal(t, b.StartedAt, got.StartedAt)
		require.False(t, got.UpdatedAt.Before(b.UpdatedAt))
		require.Nil(t, got.FinishedAt)

		got.Status, got.Error = store.BulkFailed, "budget exhausted"
		require.NoError(t, db.UpdateBulkSync(ctx, got))
		got, err = db.GetBulkSync(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, store.BulkFailed, got.Status)
		require.Equal(t, "budget exhausted", got.Error)
		require.NotNil(t, got.FinishedAt, "a finished run is stamped")

		next, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		_, err = db.CreateBulkSync(ctx, "other")
		require.NoError(t, err)
		latest, err := db.LatestBulkSync(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, next, latest)
	})

	t.Run("BulkSyncs/Errors", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.GetBulkSync(ctx, 999999)
		requireNotFound(t, err)
		requireNotFound(t, db.UpdateBulkSync(ctx, store.BulkSync{ID: 999999, Status: store.BulkDone}))
		b, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		b.Status = "paused"
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(db.UpdateBulkSync(ctx, b)))
		_, err = db.CreateBulkSync(ctx, "")
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})
}
