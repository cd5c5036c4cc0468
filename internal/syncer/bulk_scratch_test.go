package syncer

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

func scratchRecord(obj tandem.Object, id, key string, updated int64) store.BulkRecord {
	return store.BulkRecord{RunID: 7, Object: obj, IntercomID: id, MatchKey: key, UpdatedAt: updated, Data: `{"id":"` + id + `"}`}
}

func intercomIDs(rs []store.BulkRecord) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.IntercomID)
	}
	return ids
}

// Held in memory, the scratch records answer the alignment's lookups as
// the store's table answers them.
func TestScratchInMemoryAnswersAsTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)

	contact, lead, account := tandem.ObjectContact, tandem.ObjectLead, tandem.ObjectAccount
	batches := [][]store.BulkRecord{
		{scratchRecord(contact, "c1", "a@x", 10), scratchRecord(contact, "c2", "a@x", 30), scratchRecord(contact, "c3", "b@x", 20),
			scratchRecord(lead, "l1", "a@x", 5), scratchRecord(account, "co1", "acme", 1)},
		{
			scratchRecord(contact, "c4", "a@x", 30), // as recent as c2: the id decides
			scratchRecord(contact, "c1", "c@x", 40), // listed again under another key
			scratchRecord(contact, "c3", "b@x", 25), // listed again under the same key
			scratchRecord(contact, "c5", "a@x", 1),
		},
	}
	inMemory, inStore := newScratch(7, true, 1<<20), newScratch(7, false, 0)
	require.True(t, inMemory.inMemory())
	require.False(t, inStore.inMemory())
	for _, recs := range batches {
		require.Empty(t, inMemory.add(recs), "held in memory, nothing to store")
		require.Equal(t, recs, inStore.add(recs))
		require.NoError(t, db.PutBulkRecords(ctx, recs))
	}

	keys := []string{"a@x", "b@x", "c@x", "acme", "none", "a@x"}
	ids := []string{"c1", "c2", "c3", "c4", "c5", "l1", "co1", "none"}
	for _, obj := range []tandem.Object{contact, lead, account} {
		want, err := inStore.byKeys(ctx, db, obj, keys)
		require.NoError(t, err)
		got, err := inMemory.byKeys(ctx, db, obj, keys)
		require.NoError(t, err)
		require.Equal(t, want, got, "%s by keys", obj)

		wantByID, err := inStore.byIntercomIDs(ctx, db, obj, ids)
		require.NoError(t, err)
		gotByID, err := inMemory.byIntercomIDs(ctx, db, obj, ids)
		require.NoError(t, err)
		require.Equal(t, wantByID, gotByID, "%s by Intercom id", obj)
	}

	byKey, err := inMemory.byKeys(ctx, db, contact, keys)
	require.NoError(t, err)
	require.Equal(t, []string{"c2", "c4", "c5"}, intercomIDs(byKey["a@x"]), "newest first, then by id; c1 moved away")
	require.Equal(t, []string{"c3"}, intercomIDs(byKey["b@x"]))
	require.Equal(t, int64(25), byKey["b@x"][0].UpdatedAt, "the copy listed last")
	require.Equal(t, []string{"c1"}, intercomIDs(byKey["c@x"]))
	require.NotContains(t, byKey, "none")
}

// Past its limit, the scratch hands every record held so far to the store
// and from then on keeps none.
func TestScratchMovesToTheStorePastItsLimit(t *testing.T) {
	t.Parallel()
	contact := tandem.ObjectContact
	r := func(id string) store.BulkRecord { return scratchRecord(contact, id, id+"@x", 1) }
	s := newScratch(7, true, 3*memRecordSize(r("a")))
	require.Empty(t, s.add([]store.BulkRecord{r("a"), r("b")}))
	require.Empty(t, s.add([]store.BulkRecord{r("a")}), "a copy listed again takes no more room")
	require.True(t, s.inMemory())

	moved := s.add([]store.BulkRecord{r("c"), r("d")})
	require.False(t, s.inMemory())
	require.ElementsMatch(t, []store.BulkRecord{r("a"), r("b"), r("c"), r("d")}, moved)
	require.Equal(t, []store.BulkRecord{r("e")}, s.add([]store.BulkRecord{r("e")}))

	require.False(t, newScratch(7, true, -1).inMemory(), "a negative limit holds none")
	require.False(t, newScratch(7, false, 0).inMemory())
}

// The allowance counts what holding the records costs: the heap a run's
// scratch keeps (records listed page by page, as the scan makes them) is
// no more than its estimate, and not far below it. Not parallel, so that
// no other test allocates while the heap is read.
func TestScratchEstimateCoversItsHeap(t *testing.T) {
	const pages, perPage = 400, 150 // 60,000 records: many chunks
	data := `{"companies":{"data":[{"id":"%024x"}]},"custom_attributes":{"job_title":"Engineer","plan":"pro"},` +
		`"email":"person.%[2]d@example.com","id":"%024[3]x","phone":"+1 555 %07[2]d","role":"user","updated_at":1700000000}`
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := newScratch(7, true, 1<<30)
	for p := range pages {
		page := make([]store.BulkRecord, perPage)
		for i := range page {
			n := p*perPage + i
			id := fmt.Sprintf("%024x", n)
			page[i] = store.BulkRecord{RunID: 7, Object: tandem.ObjectContact, IntercomID: id,
				MatchKey: fmt.Sprintf("person.%d@example.com", n), UpdatedAt: int64(n), Data: fmt.Sprintf(data, n%97, n, n)}
		}
		require.Empty(t, s.add(page))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int(after.HeapAlloc) - int(before.HeapAlloc)
	t.Logf("%d records: estimated %d bytes, held %d (%d a record)", pages*perPage, s.size, held, held/(pages*perPage))
	require.LessOrEqual(t, held, s.size, "the heap held is within the estimate")
	require.GreaterOrEqual(t, held, s.size*2/3, "the estimate is not far above the heap held")
	got, err := s.byIntercomIDs(context.Background(), nil, tandem.ObjectContact, []string{fmt.Sprintf("%024x", 59_999)})
	require.NoError(t, err)
	require.Len(t, got, 1)
	runtime.KeepAlive(s)
}
