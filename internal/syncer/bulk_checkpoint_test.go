package syncer

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/salesforce"
)

// TestCheckpointWaitsForEveryWrite: an aligned page's checkpoint passes
// neither a record whose Intercom write is running nor one whose
// Salesforce write waits for a full collection, from the first page on.
func TestCheckpointWaitsForEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	b, run := testRun(t, db)
	page := func(from int) []salesforce.Record {
		var recs []salesforce.Record
		for i := from; i < from+10; i++ {
			recs = append(recs, salesforce.NewRecord("Contact", map[string]any{"Id": sfID(i)}))
		}
		return recs
	}

	// Page 1: record 3 has an Intercom write running, and the Salesforce
	// batch starts after record 5.
	b.page.wg.Add(1)
	first := b.page
	b.batch, b.batchFrom = []pendingSF{{}}, sfID(5)
	require.NoError(t, b.checkpointPage(ctx, page(1)))
	require.NoError(t, b.waitSaved())
	require.Empty(t, b.cp.LastID, "the checkpoint stays before the first page")

	// Page 2: page 1's write is done; the batch still waits.
	first.wg.Done()
	<-first.done
	require.NoError(t, b.checkpointPage(ctx, page(11)))
	require.NoError(t, b.waitSaved())
	require.Equal(t, sfID(5), b.cp.LastID, "up to the batch")

	// Page 3: the batch was written.
	b.batch = nil
	require.NoError(t, b.checkpointPage(ctx, page(21)))
	require.NoError(t, b.waitSaved())
	// (Pages without writes are marked done by a goroutine of their own:
	// the checkpoint may lag a page behind them.)
	require.Greater(t, b.cp.LastID, sfID(5), "past the batch")
	saved, err := db.GetBulkSync(ctx, run.ID)
	require.NoError(t, err)
	require.Contains(t, saved.Checkpoint, b.cp.LastID)
}

func sfID(i int) string { return fmt.Sprintf("003%015d", i) }

// testRun is a bulk sync run on db, with no Intercom writer, for tests of
// its checkpoint and saves.
func testRun(t *testing.T, db *store.DB) (*bulkRun, store.BulkSync) {
	t.Helper()
	run, err := db.CreateBulkSync(context.Background(), tandem.DefaultInstallation)
	require.NoError(t, err)
	s := New(Config{Installation: tandem.DefaultInstallation}, db, nil, nil, nil, nil, Hooks{})
	return &bulkRun{s: s, run: run, scratch: newScratch(run.ID, true, 1<<20), writers: &icWriters{},
		page: &pageWrites{}, tally: newTally(false)}, run
}

// TestFailedSaveStopsTheRun: a save that failed behind the alignment is
// not forgotten when a save in between (the phase shown while the API
// budget pauses the run) collects its error: the next checkpoint fails
// instead of passing the pairs whose shadows that save lost.
func TestFailedSaveStopsTheRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	b, run := testRun(t, db)
	l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: "ic-1", SalesforceID: sfID(1), MatchedBy: "email", MatchKey: "a@example.com"})
	require.NoError(t, err)
	recs := func(from int) []salesforce.Record {
		var out []salesforce.Record
		for i := from; i < from+10; i++ {
			out = append(out, salesforce.NewRecord("Contact", map[string]any{"Id": sfID(i)}))
		}
		return out
	}

	// Page 1's save fails (its context ends before it commits).
	b.shadows = map[int64]map[string]string{l.ID: {"sf:Phone": "+1 555 0100"}}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	require.NoError(t, b.checkpointPage(gone, recs(1)), "the save commits behind: its error comes later")
	// A phase change saves, and collects that error without returning it.
	b.setPhase(ctx, "paused: Salesforce API budget")
	// Page 2's checkpoint must not pass page 1.
	require.ErrorIs(t, b.checkpointPage(ctx, recs(11)), context.Canceled)
	require.Error(t, b.waitSaved())
	saved, err := db.GetBulkSync(ctx, run.ID)
	require.NoError(t, err)
	require.NotContains(t, saved.Checkpoint, sfID(10), "no checkpoint past page 1")
	shadows, err := db.Shadows(ctx, l.ID)
	require.NoError(t, err)
	require.Empty(t, shadows)
}

// TestInSyncShadowsKeepNewerSync: shadows of a pair found in sync are
// saved with the page, after event sync may have synced a newer version of
// the pair and stored its own; those stay.
func TestInSyncShadowsKeepNewerSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	b, _ := testRun(t, db)
	const title = "ic:custom_attributes.job_title"
	var links []tandem.Link
	for i, seen := range []string{"000000000000200", "000000000000050"} {
		l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
			IntercomID: fmt.Sprint("ic-", i), SalesforceID: sfID(i)})
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{title: "B", seenSalesforceKey: seen}))
		links = append(links, l)
	}
	// Both pairs were read at Salesforce version 100 and found in sync at
	// "A"; event sync has since synced version 200 of the first.
	read := map[string]string{seenSalesforceKey: "000000000000100", seenIntercomKey: "000000000100"}
	for _, l := range links {
		b.setShadows(l.ID, map[string]string{title: "A"}, read)
	}
	require.NoError(t, b.checkpointPage(ctx, []salesforce.Record{salesforce.NewRecord("Contact", map[string]any{"Id": sfID(1)})}))
	require.NoError(t, b.waitSaved())
	for i, want := range []string{"B", "A"} {
		v, _, err := db.Shadow(ctx, links[i].ID, title)
		require.NoError(t, err)
		require.Equal(t, want, v, "pair %d", i)
	}
}
