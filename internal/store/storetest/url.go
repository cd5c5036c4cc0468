package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// PostgresURL returns the URL of a fresh, empty Postgres schema (through
// search_path) for a test that opens the database itself, such as an
// end-to-end test of the whole application. The schema is dropped when the
// test ends. Skipping and failing follow the same rules as [Postgres].
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("%s not set and %s=1", EnvDatabaseURL, EnvRequirePostgres)
		}
		t.Skip("Postgres is not configured: set " + EnvDatabaseURL + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the Postgres tests; " +
			EnvRequirePostgres + "=1 makes this a failure")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	require.NoError(t, admin.PingContext(ctx), "connect to %s", EnvDatabaseURL)

	schema := "tandem_test_" + randomHex(8)
	_, err = admin.ExecContext(ctx, `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Dropping a schema locks every object in it; a concurrent test's
		// catalog work can make Postgres pick this statement as a deadlock
		// victim, which rolls it back whole: try again.
		var err error
		for attempt := 0; attempt < 5; attempt++ {
			if _, err = admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err == nil || !strings.Contains(err.Error(), "40P01") {
				break
			}
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
