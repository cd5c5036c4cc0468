package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

func TestStmtCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(t *testing.T) *DB {
		db, err := Open(ctx, Config{DataDir: t.TempDir()})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, db.Migrate(ctx))
		return db
	}
	cached := func(db *DB, query string) bool {
		_, ok := db.stmts.lookup(query)
		return ok
	}
	const getState = `SELECT value FROM tandem_state WHERE installation_id = $1 AND key = $2`

	t.Run("OutsideTx", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.False(t, cached(db, getState))
		_, _, err := db.GetState(ctx, "i", "k")
		require.NoError(t, err)
		require.True(t, cached(db, getState), "prepared on first use")
	})

	t.Run("InsideTx", func(t *testing.T) {
		t.Parallel()
		db := open(t) // SQLite: the transaction holds the only connection
		get := func(tx *Tx) error {
			for range 3 {
				if _, _, err := tx.GetState(ctx, "i", "k"); err != nil {
					return err
				}
			}
			return nil
		}
		require.NoError(t, db.InTx(ctx, get))
		require.False(t, cached(db, getState), "prepared on the transaction only")
		require.NoError(t, db.InTx(ctx, get))
		require.True(t, cached(db, getState), "prepared on the pool before the next transaction")
		require.NoError(t, db.InTx(ctx, get))
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				for j := range 20 {
					l := tandem.Link{InstallationID: "i", Object: tandem.ObjectContact,
						IntercomID: fmt.Sprint("ic", i, "-", j), SalesforceID: fmt.Sprint("003", i, "-", j)}
					if j%2 == 0 {
						if _, err := db.UpsertLink(ctx, l); err != nil {
							errs[i] = err
							return
						}
						continue
					}
					errs[i] = db.InTx(ctx, func(tx *Tx) error {
						stored, err := tx.UpsertLink(ctx, l)
						if err != nil {
							return err
						}
						return tx.SetShadows(ctx, stored.ID, map[string]string{"Phone": "1"})
					})
					if errs[i] != nil {
						return
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		n, err := db.CountLinks(ctx, "i", "")
		require.NoError(t, err)
		require.Equal(t, 8*20, n)
	})

	t.Run("Full", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		for i := range maxCachedStmts + 10 {
			// Distinct texts, as a varying number of arguments makes.
			var n int
			require.NoError(t, db.x.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n))
			require.Equal(t, i, n)
		}
		require.NoError(t, db.InTx(ctx, func(tx *Tx) error {
			return tx.x.QueryRowContext(ctx, "SELECT 'not cached'").Scan(new(string))
		}))
		require.Len(t, db.stmts.stmts, maxCachedStmts)
	})

	t.Run("Close", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, _, err := db.GetState(ctx, "i", "k")
		require.NoError(t, err)
		require.NoError(t, db.Close())
		require.False(t, cached(db, getState))
	})
}
