package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestMigrateConcurrently starts several replicas (separate pools) on one
// fresh, empty database at the same time: every one of them must migrate
// without error and the schema must end up complete.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	const replicas = 4
	fresh := map[string]func(t *testing.T) store.Config{
		store.DialectSQLite: func(t *testing.T) store.Config {
			return store.Config{DataDir: t.TempDir()}
		},
		store.DialectPostgres: func(t *testing.T) store.Config {
			return store.Config{DatabaseURL: storetest.PostgresURL(t)}
		},
	}
	for name, config := range fresh {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cfg := config(t)

			dbs := make([]*store.DB, replicas)
			for i := range dbs {
				db, err := store.Open(ctx, cfg)
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			start := make(chan struct{})
			errs := make([]error, replicas)
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() {
					<-start
					errs[i] = db.Migrate(ctx)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				require.NoError(t, err, "replica %d", i)
			}

			db := dbs[0]
			ms, err := store.Migrations(db.Dialect())
			require.NoError(t, err)
			var n int
			require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM tandem_migrations`).Scan(&n))
			require.Equal(t, len(ms), n, "every tandem migration recorded once")

			migrator, err := rivermigrate.New(db.RiverDriver(), nil)
			require.NoError(t, err)
			res, err := migrator.Validate(ctx, nil)
			require.NoError(t, err)
			require.True(t, res.OK, "River's migrations: %v", res.Messages)
			require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_migration`).Scan(&n))
			require.Len(t, migrator.AllVersions(), n, "every River migration recorded once")

			// The schema works: a write and River's job table.
			require.NoError(t, db.SetState(ctx, "i", "k", "v"))
			require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&n))
		})
	}
}
