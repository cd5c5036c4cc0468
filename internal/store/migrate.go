package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrationLockID is the Postgres advisory lock key that serialises
// concurrent `Migrate` calls from several replicas.
const migrationLockID = 0x74616e64656d // "tandem"

// Migration is one embedded schema migration.
type Migration struct {
	Version int    // from the file name prefix, e.g. 1 for 0001_init.sql
	Name    string // file name
	SQL     string
}

// Migrations returns the embedded migrations of a dialect in the order
// they apply.
func Migrations(dialect string) ([]Migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", dialect, err)
	}
	var out []Migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", e.Name())
		}
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies tandem's pending migrations (recorded in
// tandem_migrations, all in one transaction) and then River's. It is safe
// to run repeatedly and, on Postgres, from several replicas at once.
func (db *DB) Migrate(ctx context.Context) error {
	migrations, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if db.dialect == DialectPostgres {
			if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockID)); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tandem_migrations (
			version    BIGINT PRIMARY KEY,
			name       TEXT   NOT NULL,
			applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create migrations table: %w", err)
		}
		applied := map[int]bool{}
		rows, err := tx.tx.QueryContext(ctx, `SELECT version FROM tandem_migrations`)
		if err != nil {
			return fmt.Errorf("read applied migrations: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("read applied migrations: %w", err)
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read applied migrations: %w", err)
		}
		for _, m := range migrations {
			if applied[m.Version] {
				continue
			}
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO tandem_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, tx.nowMicros()); err != nil {
				return fmt.Errorf("record migration %s: %w", m.Name, err)
			}
			db.logger.InfoContext(ctx, "applied migration", slog.String("migration", m.Name))
		}
		return nil
	})
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(db.driver, &rivermigrate.Config{Logger: db.logger})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	for _, v := range res.Versions {
		db.logger.InfoContext(ctx, "applied river migration", slog.Int("version", v.Version), slog.String("name", v.Name))
	}
	return nil
}
