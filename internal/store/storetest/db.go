package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store"
)

// Environment variables read by [Postgres].
const (
	EnvDatabaseURL     = "TANDEM_TEST_DATABASE_URL"
	EnvRequirePostgres = "TANDEM_REQUIRE_POSTGRES"
)

// SQLite returns a migrated SQLite database in a file under t.TempDir(),
// closed when the test ends.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Migrate(ctx))
	return db
}

// Postgres returns a migrated Postgres database living in a fresh schema
// with a random name (River's tables land there too, through search_path);
// the schema is dropped when the test ends. Without TANDEM_TEST_DATABASE_URL
// the test is skipped, or fails when TANDEM_REQUIRE_POSTGRES=1; an
// unreachable database fails the test.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, store.Config{DatabaseURL: PostgresURL(t)})
	require.NoError(t, err)
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Migrate(ctx))
	return db
}

// Engines returns an opener per engine ("sqlite", "postgres") so a test can
// run against both:
//
//	for name, open := range storetest.Engines() {
//		t.Run(name, func(t *testing.T) { t.Parallel(); db := open(t); … })
//	}
func Engines() map[string]func(testing.TB) *store.DB {
	return map[string]func(testing.TB) *store.DB{
		store.DialectSQLite:   SQLite,
		store.DialectPostgres: Postgres,
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
