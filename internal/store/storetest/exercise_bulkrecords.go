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

func exerciseBulkRecords(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("BulkRecords/PutFindDelete", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var recs []store.BulkRecord
		for i := range 320 { // more than one insert chunk
			recs = append(recs, store.BulkRecord{RunID: 1, Object: tandem.ObjectContact, IntercomID: fmt.Sprintf("ic%03d", i),
				MatchKey: fmt.Sprintf("p%d@example.com", i%300), UpdatedAt: int64(i), Data: fmt.Sprintf(`{"n":%d}`, i)})
		}
		require.NoError(t, db.PutBulkRecords(ctx, recs))
		// A resumed run stores a page again: the copy is replaced.
		recs[5].Data = `{"n":"again"}`
		require.NoError(t, db.PutBulkRecords(ctx, recs[5:6]))
		require.NoError(t, db.PutBulkRecords(ctx, []store.BulkRecord{{RunID: 2, Object: tandem.ObjectContact, IntercomID: "ic005", MatchKey: "x", Data: "{}"}}))

		r, err := db.BulkRecordByIntercomID(ctx, 1, tandem.ObjectContact, "ic005")
		require.NoError(t, err)
		require.Equal(t, `{"n":"again"}`, r.Data)
		require.Equal(t, "p5@example.com", r.MatchKey)
		_, err = db.BulkRecordByIntercomID(ctx, 1, tandem.ObjectLead, "ic005")
		requireNotFound(t, err)

		byKey, err := db.BulkRecordsByKey(ctx, 1, tandem.ObjectContact, "p7@example.com")
		require.NoError(t, err)
		require.Len(t, byKey, 2)
		require.Equal(t, "ic307", byKey[0].IntercomID, "most recently updated first")
		require.Equal(t, "ic007", byKey[1].IntercomID)

		require.NoError(t, db.DeleteBulkRecords(ctx, 1))
		_, err = db.BulkRecordByIntercomID(ctx, 1, tandem.ObjectContact, "ic005")
		requireNotFound(t, err)
		_, err = db.BulkRecordByIntercomID(ctx, 2, tandem.ObjectContact, "ic005")
		require.NoError(t, err, "other runs are kept")
	})
}

func exerciseBatchLookups(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Batch/LinksShadowsRecords", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var sfIDs []string
		var linkIDs []int64
		for i := range 620 { // more than one chunk
			l, err := db.UpsertLink(ctx, link(tandem.ObjectContact, fmt.Sprintf("ic%d", i), fmt.Sprintf("sf%d", i)))
			require.NoError(t, err)
			sfIDs = append(sfIDs, l.SalesforceID)
			linkIDs = append(linkIDs, l.ID)
			if i%2 == 0 {
				require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{"sf:Phone": fmt.Sprint(i)}))
			}
		}
		_, err := db.UpsertLink(ctx, link(tandem.ObjectLead, "icL", "sf7"))
		require.NoError(t, err)

		links, err := db.LinksBySalesforceIDs(ctx, inst, tandem.ObjectContact, append(sfIDs, "missing"))
		require.NoError(t, err)
		require.Len(t, links, 620)
		require.Equal(t, "ic7", links["sf7"].IntercomID, "objects are separate")

		shadows, err := db.ShadowsOfLinks(ctx, linkIDs)
		require.NoError(t, err)
		require.Len(t, shadows, 620)
		require.Equal(t, map[string]string{"sf:Phone": "600"}, shadows[linkIDs[600]])
		require.Empty(t, shadows[linkIDs[601]])

		require.NoError(t, db.PutBulkRecords(ctx, []store.BulkRecord{
			{RunID: 9, Object: tandem.ObjectContact, IntercomID: "a", MatchKey: "k", UpdatedAt: 1, Data: "{}"},
			{RunID: 9, Object: tandem.ObjectLead, IntercomID: "b", MatchKey: "k", UpdatedAt: 1, Data: "{}"},
		}))
		recs, err := db.BulkRecordsByIntercomIDs(ctx, 9, tandem.ObjectContact, []string{"a", "b"})
		require.NoError(t, err)
		require.Len(t, recs, 1)
		require.Equal(t, "k", recs["a"].MatchKey)

		byKey, err := db.BulkRecordsByKeys(ctx, 9, tandem.ObjectLead, []string{"k", "none"})
		require.NoError(t, err)
		require.Len(t, byKey, 1)
		require.Equal(t, "b", byKey["k"][0].IntercomID)

		linked, err := db.LinkedIntercomIDs(ctx, inst, []tandem.Object{tandem.ObjectLead, tandem.ObjectContact}, []string{"ic1", "icL", "nope"})
		require.NoError(t, err)
		require.Equal(t, map[string]bool{"ic1": true, "icL": true}, linked)
		linked, err = db.LinkedIntercomIDs(ctx, inst, []tandem.Object{tandem.ObjectAccount}, []string{"ic1"})
		require.NoError(t, err)
		require.Empty(t, linked)
	})
}

func exerciseBulkLease(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("BulkSyncs/Lease", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		b, err := db.CreateBulkSync(ctx, inst)
		require.NoError(t, err)
		soon := time.Now().Add(time.Minute)
		ok, err := db.ClaimBulkSync(ctx, b.ID, "a", soon)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.ClaimBulkSync(ctx, b.ID, "b", soon)
		require.NoError(t, err)
		require.False(t, ok, "another owner's lease has not expired")
		owner, until, err := db.BulkSyncLease(ctx, b.ID)
		require.NoError(t, err)
		require.Equal(t, "a", owner)
		require.WithinDuration(t, soon, until, time.Millisecond)
		ok, err = db.TakeOverBulkSync(ctx, b.ID, "c", soon, "someone-else")
		require.NoError(t, err)
		require.False(t, ok, "only the named dead owner's lease is taken over")
		ok, err = db.TakeOverBulkSync(ctx, b.ID, "c", soon, "a")
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.ClaimBulkSync(ctx, b.ID, "a", soon)
		require.NoError(t, err)
		require.False(t, ok, "the dead owner lost its lease")
		ok, err = db.TakeOverBulkSync(ctx, b.ID, "a", soon, "c")
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.ClaimBulkSync(ctx, b.ID, "a", soon.Add(time.Minute))
		require.NoError(t, err)
		require.True(t, ok, "the owner renews its lease")
		require.NoError(t, db.ReleaseBulkSync(ctx, b.ID, "a"))
		ok, err = db.ClaimBulkSync(ctx, b.ID, "b", soon)
		require.NoError(t, err)
		require.True(t, ok, "a released lease can be taken")
		b.Status = store.BulkDone
		require.NoError(t, db.UpdateBulkSync(ctx, b))
		ok, err = db.ClaimBulkSync(ctx, b.ID, "b", soon)
		require.NoError(t, err)
		require.False(t, ok, "a finished run cannot be claimed")
	})
}

func exerciseAPIUsage(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("APIUsage/AddAndSum", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.NoError(t, db.AddAPICalls(ctx, inst, 1000, 5))
		require.NoError(t, db.AddAPICalls(ctx, inst, 1000, 7))
		require.NoError(t, db.AddAPICalls(ctx, inst, 1010, 1))
		require.NoError(t, db.AddAPICalls(ctx, "other", 1010, 100))
		n, err := db.APICallsSince(ctx, inst, 1000)
		require.NoError(t, err)
		require.Equal(t, 13, n)
		n, err = db.APICallsSince(ctx, inst, 1001)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.NoError(t, db.AddAPICalls(ctx, inst, 1058, 2)) // hours before 1010 are now over two days old
		n, err = db.APICallsSince(ctx, inst, 0)
		require.NoError(t, err)
		require.Equal(t, 3, n, "old hours are pruned, hour 1010 is kept")
	})
}
