package syncer

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
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
	run, err := db.CreateBulkSync(ctx, tandem.DefaultInstallation)
	require.NoError(t, err)
	s := New(Config{Installation: tandem.DefaultInstallation}, db, nil, nil, nil, nil, Hooks{})
	b := &bulkRun{s: s, run: run, scratch: newScratch(run.ID, true, 1<<20), writers: &icWriters{},
		page: &pageWrites{}, tally: newTally(false)}
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
