package storetest

import (
	"context"
	"fmt"
	"testing"

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
