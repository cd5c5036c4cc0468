package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// exerciseSettings covers the settings document: versions, the conflict of
// a save based on an old version, and one winner among concurrent saves.
func exerciseSettings(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Settings/SaveWithExpectedVersion", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		s, err := db.GetSettings(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, store.Settings{Installation: inst}, s, "nothing saved yet")
		v, err := db.SettingsVersion(ctx, inst)
		require.NoError(t, err)
		require.Zero(t, v)

		first, err := db.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{"a":1}`, By: "ann"})
		require.NoError(t, err)
		require.Equal(t, int64(1), first.Version)
		require.False(t, first.UpdatedAt.IsZero())

		_, err = db.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{"a":2}`, By: "bob"})
		require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "a first save when one exists conflicts")
		_, err = db.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{"a":2}`, Expected: 7, By: "bob"})
		require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "a save from a version that is not the stored one conflicts")

		second, err := db.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{"a":3}`, Expected: 1, By: "cat"})
		require.NoError(t, err)
		require.Equal(t, int64(2), second.Version)

		got, err := db.GetSettings(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, second, got)
		v, err = db.SettingsVersion(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, int64(2), v)

		other, err := db.GetSettings(ctx, "other")
		require.NoError(t, err)
		require.Zero(t, other.Version, "installations are separate")
	})

	t.Run("Settings/ConcurrentSavesOneWins", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{}`})
		require.NoError(t, err)
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.SaveSettings(ctx, store.SaveSettingsParams{Installation: inst, Document: `{"n":1}`, Expected: 1})
					return err
				})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "%v", err)
			}
		}
		require.Equal(t, 1, won)
		v, err := db.SettingsVersion(ctx, inst)
		require.NoError(t, err)
		require.Equal(t, int64(2), v)
	})
}
