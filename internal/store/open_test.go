package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("SQLiteFileInDataDir", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "nested", "data")
		db, err := store.Open(ctx, store.Config{DataDir: dir})
		require.NoError(t, err)
		defer db.Close()
		require.Equal(t, store.DialectSQLite, db.Dialect())
		require.NoError(t, db.Migrate(ctx))
		_, err = os.Stat(filepath.Join(dir, store.SQLiteFile))
		require.NoError(t, err)

		var mode string
		require.NoError(t, db.SQL().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
		require.Equal(t, "wal", mode)
		var fk int
		require.NoError(t, db.SQL().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
		require.Equal(t, 1, fk)
		require.Equal(t, 1, db.SQL().Stats().MaxOpenConnections)
	})

	t.Run("Reopen", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		db, err := store.Open(ctx, store.Config{DataDir: dir})
		require.NoError(t, err)
		require.NoError(t, db.Migrate(ctx))
		require.NoError(t, db.SetState(ctx, tandem.DefaultInstallation, "k", "v"))
		require.NoError(t, db.Close())

		db, err = store.Open(ctx, store.Config{DataDir: dir})
		require.NoError(t, err)
		defer db.Close()
		require.NoError(t, db.Migrate(ctx))
		v, ok, err := db.GetState(ctx, tandem.DefaultInstallation, "k")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v", v)
	})

	t.Run("Clock", func(t *testing.T) {
		t.Parallel()
		at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
		db, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Now: func() time.Time { return at }})
		require.NoError(t, err)
		defer db.Close()
		require.NoError(t, db.Migrate(ctx))
		l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: "i", Object: tandem.ObjectLead, IntercomID: "a", SalesforceID: "b"})
		require.NoError(t, err)
		require.Equal(t, at, l.CreatedAt)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		_, err := store.Open(ctx, store.Config{})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
		_, err = store.Open(ctx, store.Config{DatabaseURL: "mysql://localhost/x"})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})

	t.Run("PostgresUnreachable", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := store.Open(ctx, store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"})
		require.Error(t, err)
	})
}

func TestRiverTuning(t *testing.T) {
	t.Parallel()
	s := store.RiverTuning(store.DialectSQLite)
	require.Equal(t, 1, s.MaxOpenConns)
	require.Equal(t, 50*time.Millisecond, s.FetchPollInterval)
	require.Positive(t, store.RiverTuning(store.DialectPostgres).FetchPollInterval)
}
