package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

func exerciseIntents(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()
	claim := func(kind, key string) store.ClaimIntentParams {
		return store.ClaimIntentParams{Installation: inst, Kind: kind, Key: key}
	}

	t.Run("Intents/ClaimCompleteGet", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.GetIntent(ctx, inst, "lead", "ic1")
		requireNotFound(t, err)

		p := claim("lead", "ic1")
		p.Note = "from the inbox"
		in, created, err := db.ClaimIntent(ctx, p)
		require.NoError(t, err)
		require.True(t, created)
		require.Positive(t, in.ID)
		require.Equal(t, store.Intent{ID: in.ID, InstallationID: inst, Kind: "lead", Key: "ic1", State: store.IntentPending,
			Attempts: 1, Note: "from the inbox", CreatedAt: in.CreatedAt, UpdatedAt: in.CreatedAt}, in)
		require.False(t, in.CreatedAt.IsZero())

		again, created, err := db.ClaimIntent(ctx, claim("lead", "ic1"))
		require.NoError(t, err)
		require.False(t, created, "a second claim gets the existing intent")
		require.Equal(t, in, again)

		done, err := db.CompleteIntent(ctx, in.ID, "00Q000000000001")
		require.NoError(t, err)
		require.Equal(t, store.IntentDone, done.State)
		require.Equal(t, "00Q000000000001", done.RemoteID)
		require.Equal(t, 1, done.Attempts)

		got, err := db.GetIntent(ctx, inst, "lead", "ic1")
		require.NoError(t, err)
		require.Equal(t, done, got)
		got, _, err = db.ClaimIntent(ctx, claim("lead", "ic1"))
		require.NoError(t, err)
		require.Equal(t, done, got, "a claim of a done intent returns its remote id")

		// The key is per installation and kind.
		_, created, err = db.ClaimIntent(ctx, claim("case", "ic1"))
		require.NoError(t, err)
		require.True(t, created)
		_, created, err = db.ClaimIntent(ctx, store.ClaimIntentParams{Installation: "other", Kind: "lead", Key: "ic1"})
		require.NoError(t, err)
		require.True(t, created)

		_, err = db.CompleteIntent(ctx, 424242, "x")
		requireNotFound(t, err)
		_, _, err = db.ClaimIntent(ctx, claim("", "k"))
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})

	t.Run("Intents/DeadHolder", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		db.SetProcess("host/1/a", nil)
		in, created, err := db.ClaimIntent(ctx, claim("case", "c1"))
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, "host/1/a", in.Holder)

		// Another process that knows the holder died takes it over at once,
		// once.
		db.SetProcess("host/2/b", func(h string) bool { return h == "host/1/a" })
		require.True(t, db.IntentAbandoned(in))
		got, ok, err := db.RetryIntent(ctx, in.ID, time.Hour)
		require.NoError(t, err)
		require.True(t, ok, "a dead holder's pending intent is taken over")
		require.Equal(t, "host/2/b", got.Holder)
		require.Equal(t, 2, got.Attempts)
		require.False(t, db.IntentAbandoned(got), "this process holds it now")
		_, ok, err = db.RetryIntent(ctx, in.ID, time.Hour)
		require.NoError(t, err)
		require.False(t, ok, "a second taker finds it held by a live process")

		// A third process that cannot tell waits for it to go stale.
		db.SetProcess("host/3/c", nil)
		require.False(t, db.IntentAbandoned(got))
		_, ok, err = db.RetryIntent(ctx, in.ID, time.Hour)
		require.NoError(t, err)
		require.False(t, ok)
		done, err := db.CompleteIntent(ctx, in.ID, "500A")
		require.NoError(t, err)
		require.False(t, db.IntentAbandoned(done), "only a pending intent is abandoned")

		// Intents of processes that do not name themselves are never
		// taken for a dead holder's.
		db.SetProcess("", func(string) bool { return true })
		anon, _, err := db.ClaimIntent(ctx, claim("case", "c2"))
		require.NoError(t, err)
		require.Empty(t, anon.Holder)
		require.False(t, db.IntentAbandoned(anon))
		_, ok, err = db.RetryIntent(ctx, anon.ID, time.Hour)
		require.NoError(t, err)
		require.False(t, ok)
	})

	t.Run("Intents/HasIntentWithPrefix", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		for _, key := range []string{"conv:12:003A", "conv:123:003B", "conv:12é:003C"} {
			_, _, err := db.ClaimIntent(ctx, claim("task", key))
			require.NoError(t, err)
		}
		for prefix, want := range map[string]bool{"conv:12:": true, "conv:123:": true, "conv:1234:": false, "conv:1:": false,
			"conv:12é:": true, "conv:12": true} {
			got, err := db.HasIntentWithPrefix(ctx, inst, "task", prefix)
			require.NoError(t, err)
			require.Equal(t, want, got, prefix)
		}
		got, err := db.HasIntentWithPrefix(ctx, inst, "case", "conv:12:")
		require.NoError(t, err)
		require.False(t, got, "another kind")
		got, err = db.HasIntentWithPrefix(ctx, "other", "task", "conv:12:")
		require.NoError(t, err)
		require.False(t, got, "another installation")
	})

	t.Run("Intents/FailAndRetry", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		in, _, err := db.ClaimIntent(ctx, claim("task", "conv1:person1"))
		require.NoError(t, err)

		// A fresh pending intent belongs to its claimer.
		got, ok, err := db.RetryIntent(ctx, in.ID, time.Hour)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, in, got)
		// A stale one is taken over.
		time.Sleep(5 * time.Millisecond)
		got, ok, err = db.RetryIntent(ctx, in.ID, time.Millisecond)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, store.IntentPending, got.State)
		require.Equal(t, 2, got.Attempts)

		failed, err := db.FailIntent(ctx, in.ID, "REQUIRED_FIELD_MISSING: Subject")
		require.NoError(t, err)
		require.Equal(t, store.IntentFailed, failed.State)
		require.Equal(t, "REQUIRED_FIELD_MISSING: Subject", failed.Note)
		same, err := db.FailIntent(ctx, in.ID, "again")
		require.NoError(t, err)
		require.Equal(t, failed, same, "only a pending intent fails")

		// A failed intent may be retried at once.
		got, ok, err = db.RetryIntent(ctx, in.ID, time.Hour)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 3, got.Attempts)
		require.Equal(t, store.IntentPending, got.State)

		done, err := db.CompleteIntent(ctx, in.ID, "00T1")
		require.NoError(t, err)
		unchanged, err := db.FailIntent(ctx, in.ID, "deferred release")
		require.NoError(t, err)
		require.Equal(t, done, unchanged, "failing a done intent changes nothing")

		_, _, err = db.RetryIntent(ctx, 424242, time.Hour)
		requireNotFound(t, err)
		_, err = db.FailIntent(ctx, 424242, "")
		requireNotFound(t, err)

		require.NoError(t, db.DeleteIntent(ctx, in.ID))
		require.NoError(t, db.DeleteIntent(ctx, in.ID))
		_, err = db.GetIntent(ctx, inst, "task", "conv1:person1")
		requireNotFound(t, err)
	})

	t.Run("Intents/List", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var ids []int64
		for i := range 5 {
			in, _, err := db.ClaimIntent(ctx, claim("case", fmt.Sprint("conv", i)))
			require.NoError(t, err)
			ids = append(ids, in.ID)
		}
		_, _, err := db.ClaimIntent(ctx, claim("lead", "ic1"))
		require.NoError(t, err)
		_, err = db.CompleteIntent(ctx, ids[1], "500A")
		require.NoError(t, err)
		_, err = db.FailIntent(ctx, ids[3], "boom")
		require.NoError(t, err)

		keys := func(ins []store.Intent) []string {
			out := []string{}
			for _, in := range ins {
				out = append(out, in.Key)
			}
			return out
		}
		all, err := db.ListIntents(ctx, store.ListIntentsParams{Installation: inst, Kind: "case"})
		require.NoError(t, err)
		require.Equal(t, []string{"conv0", "conv1", "conv2", "conv3", "conv4"}, keys(all))
		pending, err := db.ListIntents(ctx, store.ListIntentsParams{Installation: inst, Kind: "case", State: store.IntentPending})
		require.NoError(t, err)
		require.Equal(t, []string{"conv0", "conv2", "conv4"}, keys(pending))
		page, err := db.ListIntents(ctx, store.ListIntentsParams{Installation: inst, Kind: "case", State: store.IntentPending,
			AfterID: pending[0].ID, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{"conv2"}, keys(page))
		every, err := db.ListIntents(ctx, store.ListIntentsParams{Installation: inst})
		require.NoError(t, err)
		require.Len(t, every, 6)
		none, err := db.ListIntents(ctx, store.ListIntentsParams{Installation: "other"})
		require.NoError(t, err)
		require.Empty(t, none)
	})

	t.Run("Intents/ClaimAndRetryRace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const workers = 12
		created := make([]bool, workers)
		retried := make([]bool, workers)
		ids := make([]int64, workers)
		errs := make([]error, workers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				<-start
				in, c, err := db.ClaimIntent(ctx, claim("lead", "race"))
				if err != nil {
					errs[i] = err
					return
				}
				ids[i], created[i] = in.ID, c
				if c {
					_, errs[i] = db.FailIntent(ctx, in.ID, "first attempt failed")
					return
				}
				// Everyone else tries to take the intent over; of those who
				// see it failed, only one may.
				_, retried[i], errs[i] = db.RetryIntent(ctx, in.ID, time.Hour)
			})
		}
		close(start)
		wg.Wait()
		winners, takeovers := 0, 0
		for i := range workers {
			require.NoError(t, errs[i])
			require.Equal(t, ids[0], ids[i], "everyone got the same intent")
			if created[i] {
				winners++
			}
			if retried[i] {
				takeovers++
			}
		}
		require.Equal(t, 1, winners)
		require.LessOrEqual(t, takeovers, 1)
		in, err := db.GetIntent(ctx, inst, "lead", "race")
		require.NoError(t, err)
		require.Equal(t, 1+takeovers, in.Attempts)
	})

	t.Run("Intents/InTx", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.Error(t, db.InTx(ctx, func(tx *store.Tx) error {
			in, _, err := tx.ClaimIntent(ctx, claim("case", "conv1"))
			require.NoError(t, err)
			_, err = tx.CompleteIntent(ctx, in.ID, "500A")
			require.NoError(t, err)
			return fmt.Errorf("roll back")
		}))
		_, err := db.GetIntent(ctx, inst, "case", "conv1")
		requireNotFound(t, err)
	})
}
