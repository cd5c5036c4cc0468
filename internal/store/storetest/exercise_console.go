package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// exerciseConsole covers the admin console's read queries.
func exerciseConsole(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	t.Run("Console/ActivityPerMinute", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		entry := func(d tandem.Direction, at time.Time) tandem.AuditEntry {
			return tandem.AuditEntry{InstallationID: inst, Direction: d, Object: tandem.ObjectContact, IntercomID: "ic1",
				SalesforceID: "003A", Field: "Phone", NewValue: "1", Cause: tandem.CauseWebhook, At: at}
		}
		require.NoError(t, db.InsertAudit(ctx,
			entry(tandem.ToSalesforce, base.Add(-2*time.Hour)), // before the window
			entry(tandem.ToSalesforce, base.Add(10*time.Second)),
			entry(tandem.ToSalesforce, base.Add(50*time.Second)),
			entry(tandem.ToIntercom, base.Add(30*time.Second)),
			entry(tandem.ToSalesforce, base.Add(70*time.Second)),
		))
		got, err := db.WritesPerMinute(ctx, inst, base.Add(-time.Hour))
		require.NoError(t, err)
		m := base.Unix() / 60
		require.Equal(t, []store.MinuteCount{
			{Minute: m, Series: string(tandem.ToIntercom), Count: 1},
			{Minute: m, Series: string(tandem.ToSalesforce), Count: 2},
			{Minute: m + 1, Series: string(tandem.ToSalesforce), Count: 1},
		}, got)

		for i, at := range []time.Time{base.Add(-2 * time.Hour), base, base.Add(5 * time.Second), base.Add(2 * time.Minute)} {
			_, err := db.MarkDelivery(ctx, inst, "n"+string(rune('a'+i)), at)
			require.NoError(t, err)
		}
		_, err = db.MarkDelivery(ctx, "other", "x", base)
		require.NoError(t, err)
		got, err = db.DeliveriesPerMinute(ctx, inst, base.Add(-time.Hour))
		require.NoError(t, err)
		require.Equal(t, []store.MinuteCount{{Minute: m, Count: 2}, {Minute: m + 2, Count: 1}}, got)
	})

	t.Run("Console/APICallsAndOpenErrors", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		h := base.Unix() / 3600
		require.NoError(t, db.AddAPICalls(ctx, inst, h-30, 9))
		require.NoError(t, db.AddAPICalls(ctx, inst, h-1, 4))
		require.NoError(t, db.AddAPICalls(ctx, inst, h, 3))
		require.NoError(t, db.AddAPICalls(ctx, inst, h, 2))
		hours, err := db.APICallsPerHour(ctx, inst, h-23)
		require.NoError(t, err)
		require.Equal(t, []store.HourCount{{Hour: h - 1, Count: 4}, {Hour: h, Count: 5}}, hours)

		for _, e := range []tandem.SyncError{
			{Object: tandem.ObjectContact, IntercomID: "a", Code: "X"},
			{Object: tandem.ObjectLead, IntercomID: "b", Code: "X"},
			{Object: tandem.ObjectAccount, IntercomID: "c", Code: "X"},
			{Object: tandem.ObjectCase, IntercomID: "d", Code: "X"},
		} {
			e.InstallationID, e.System, e.FirstSeen, e.LastSeen = inst, "salesforce", base, base
			_, err := db.RecordSyncError(ctx, e)
			require.NoError(t, err)
		}
		resolved, err := db.RecordSyncError(ctx, tandem.SyncError{InstallationID: inst, Object: tandem.ObjectContact, IntercomID: "z",
			Code: "Y", System: "salesforce", FirstSeen: base, LastSeen: base})
		require.NoError(t, err)
		require.NoError(t, db.ResolveSyncError(ctx, resolved.ID))
		byCat, err := db.OpenSyncErrorsByCategory(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, map[string]int{tandem.CategoryPeople: 2, tandem.CategoryCompanies: 1, tandem.CategoryCases: 1}, byCat)
	})

	t.Run("Console/Lag", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.Equal(t, 0, store.LagBucket(50*time.Millisecond))
		require.Equal(t, 3, store.LagBucket(time.Second))
		require.Equal(t, len(store.LagBuckets), store.LagBucket(3*time.Hour))
		m := base.Unix() / 60
		require.NoError(t, db.AddLag(ctx, inst, []store.LagCount{
			{Direction: tandem.ToSalesforce, Minute: m - 120, Bucket: 9, Samples: 7}, // outside the window
			{Direction: tandem.ToSalesforce, Minute: m, Bucket: 2, Samples: 3},
			{Direction: tandem.ToIntercom, Minute: m, Bucket: 5, Samples: 1},
		}))
		require.NoError(t, db.AddLag(ctx, inst, []store.LagCount{{Direction: tandem.ToSalesforce, Minute: m + 1, Bucket: 2, Samples: 2}}))
		got, err := db.LagSince(ctx, inst, base.Add(-time.Hour))
		require.NoError(t, err)
		require.Equal(t, []store.LagCount{
			{Direction: tandem.ToIntercom, Bucket: 5, Samples: 1},
			{Direction: tandem.ToSalesforce, Bucket: 2, Samples: 5},
		}, got)

		// Per step: minutes m and m+1 share a step of 15 minutes unless m+1
		// starts the next one.
		first := m - m%15
		steps, err := db.LagPerStep(ctx, inst, base.Add(-time.Hour), 15*time.Minute)
		require.NoError(t, err)
		want := []store.LagCount{{Direction: tandem.ToIntercom, Minute: first, Bucket: 5, Samples: 1}}
		if (m+1)%15 == 0 {
			want = append(want, store.LagCount{Direction: tandem.ToSalesforce, Minute: first, Bucket: 2, Samples: 3},
				store.LagCount{Direction: tandem.ToSalesforce, Minute: m + 1, Bucket: 2, Samples: 2})
		} else {
			want = append(want, store.LagCount{Direction: tandem.ToSalesforce, Minute: first, Bucket: 2, Samples: 5})
		}
		require.Equal(t, want, steps)
		perMinute, err := db.LagPerStep(ctx, inst, base.Add(-time.Hour), 0)
		require.NoError(t, err)
		require.Equal(t, []store.LagCount{
			{Direction: tandem.ToIntercom, Minute: m, Bucket: 5, Samples: 1},
			{Direction: tandem.ToSalesforce, Minute: m, Bucket: 2, Samples: 3},
			{Direction: tandem.ToSalesforce, Minute: m + 1, Bucket: 2, Samples: 2},
		}, perMinute)
	})

	t.Run("Console/SearchLinks", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		ada, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic-ada", "003ADA"))
		require.NoError(t, err)
		bob, err := db.UpsertLink(ctx, link(tandem.ObjectLead, "ic-bob", "00QBOB"))
		require.NoError(t, err)
		acme, err := db.UpsertLink(ctx, tandem.Link{InstallationID: inst, Object: tandem.ObjectAccount, IntercomID: "co-1",
			SalesforceID: "001ACME", MatchedBy: "company_id", MatchKey: "acme-1"})
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, ada.ID, map[string]string{"sf:LastName": "Lovelace", "sf:FirstName": "Ada"}))

		search := func(q string, objs ...tandem.Object) []int64 {
			links, err := db.SearchLinks(ctx, store.SearchLinksParams{Installation: inst, Query: q, Objects: objs})
			require.NoError(t, err)
			ids := []int64{}
			for _, l := range links {
				ids = append(ids, l.ID)
			}
			return ids
		}
		require.Equal(t, []int64{ada.ID}, search("ic-ada@EXAMPLE.com"), "email, any case")
		require.Equal(t, []int64{bob.ID, ada.ID}, search("ic-"), "key prefix, newest first")
		require.Equal(t, []int64{bob.ID}, search("00QBOB"), "Salesforce id")
		require.Equal(t, []int64{acme.ID}, search("co-1"), "Intercom id")
		require.Equal(t, []int64{ada.ID}, search("Lovel"), "synced value prefix")
		require.Equal(t, []int64{}, search("acme", tandem.ObjectLead, tandem.ObjectContact), "object filter")
		require.Equal(t, []int64{acme.ID}, search("acme", tandem.ObjectAccount))
		require.Equal(t, []int64{}, search("  "))
	})

	t.Run("Console/FilterAndGetAudit", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.NoError(t, db.InsertAudit(ctx,
			tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce, Object: tandem.ObjectContact, IntercomID: "ic1",
				SalesforceID: "003A", Field: "Phone", OldValue: "1", NewValue: "2", Cause: tandem.CauseWebhook, At: base},
			tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToIntercom, Object: tandem.ObjectContact, IntercomID: "ic1",
				SalesforceID: "003A", Field: "job_title", OldValue: "", NewValue: "CTO", Cause: tandem.CausePoll, At: base},
			tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce, Object: tandem.ObjectAccount, IntercomID: "co1",
				SalesforceID: "001A", Field: "Website", NewValue: "x", Cause: tandem.CauseBulk, At: base},
			tandem.AuditEntry{InstallationID: "other", Direction: tandem.ToSalesforce, Object: tandem.ObjectContact, IntercomID: "ic1",
				SalesforceID: "003A", Field: "Phone", Cause: tandem.CauseWebhook, At: base},
		))
		fields := func(f store.AuditFilter) []string {
			f.Installation = inst
			es, err := db.FilterAudit(ctx, f)
			require.NoError(t, err)
			out := []string{}
			for _, e := range es {
				out = append(out, e.Field)
			}
			return out
		}
		require.Equal(t, []string{"Website", "job_title", "Phone"}, fields(store.AuditFilter{}))
		require.Equal(t, []string{"job_title", "Phone"}, fields(store.AuditFilter{Record: "003A"}))
		require.Equal(t, []string{"Website", "Phone"}, fields(store.AuditFilter{Direction: tandem.ToSalesforce}))
		require.Equal(t, []string{"job_title"}, fields(store.AuditFilter{Cause: tandem.CausePoll}))
		require.Equal(t, []string{"Website"}, fields(store.AuditFilter{Object: tandem.ObjectAccount}))
		require.Equal(t, []string{"Phone"}, fields(store.AuditFilter{Field: "Phone"}))
		page, err := db.FilterAudit(ctx, store.AuditFilter{Installation: inst, Limit: 2})
		require.NoError(t, err)
		require.Len(t, page, 2)
		require.Equal(t, []string{"Phone"}, fields(store.AuditFilter{AfterID: page[1].ID}))

		e, err := db.GetAudit(ctx, page[1].ID)
		require.NoError(t, err)
		require.Equal(t, "job_title", e.Field)
		require.Equal(t, "CTO", e.NewValue)
		require.Equal(t, base, e.At)
		_, err = db.GetAudit(ctx, 999999)
		requireNotFound(t, err)
	})

	t.Run("Console/ListBulkSyncs", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		first, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		first.Status = store.BulkDone
		require.NoError(t, db.UpdateBulkSync(ctx, first))
		second, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		_, err = db.CreateBulkSync(ctx, "other")
		require.NoError(t, err)
		runs, err := db.ListBulkSyncs(ctx, inst, 10)
		require.NoError(t, err)
		require.Len(t, runs, 2)
		require.Equal(t, second.ID, runs[0].ID)
		require.Equal(t, store.BulkDone, runs[1].Status)
		require.NotNil(t, runs[1].FinishedAt)
	})
}
