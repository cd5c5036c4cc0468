package syncertest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store"
)

// migrated holds a freshly migrated SQLite database file, made once per
// test binary: copying it is much cheaper than migrating every harness's
// database again.
var migrated struct {
	once sync.Once
	file []byte
	err  error
}

// SQLite returns a migrated SQLite database in a file under t.TempDir(),
// closed when the test ends. The file is a copy of one migrated database;
// Migrate still runs on it (and finds nothing to do), so a copy that
// lacked a migration would be caught up.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	migrated.once.Do(func() { migrated.file, migrated.err = migrateOnce(ctx) })
	require.NoError(t, migrated.err, "migrate the template database")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, store.SQLiteFile), migrated.file, 0o600))
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Migrate(ctx))
	return db
}

func migrateOnce(ctx context.Context) ([]byte, error) {
	dir, err := os.MkdirTemp("", "syncertest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Closing the last connection checkpoints the write-ahead log into
	// the file.
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, store.SQLiteFile))
}
