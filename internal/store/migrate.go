package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
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

// migrationLock is the Postgres advisory lock that serialises concurrent
// [DB.Migrate] calls from several replicas: a fixed key for tandem plus
// the schema being migrated (the first schema of search_path, where
// tandem's and River's tables go), so that replicas of one deployment
// take turns while unrelated schemas of the same database (tests, other
// installations) need not wait for each other.
const migrationLock = `$1::int4, hashtext(COALESCE(current_schema(), ''))`

// migrationLockID is tandem's half of the migration lock's key.
const migrationLockID = 0x74616e64 // "tand"

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
// to run repeatedly and from several processes at once:
//
//   - on Postgres the whole of it runs under a session advisory lock
//     (migrationLock) held on one connection of the pool, so replicas
//     starting together migrate one after the other; River's migrations
//     run on other connections of the pool meanwhile;
//   - on SQLite it is one immediate transaction, River's migrations
//     included, so the database's write lock serialises processes sharing
//     the file.
func (db *DB) Migrate(ctx context.Context) error {
	migrations, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(db.driver, &rivermigrate.Config{Logger: db.logger})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if db.dialect == DialectPostgres {
		return db.migratePostgres(ctx, migrations, migrator)
	}
	var res *rivermigrate.MigrateResult
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := db.applyMigrations(ctx, tx, migrations); err != nil {
			return err
		}
		// MigrateTx is deprecated because some of River's Postgres
		// migrations cannot share a transaction; its SQLite migrations
		// can, and only a transaction makes them safe between processes.
		var err error
		res, err = migrator.MigrateTx(ctx, tx.tx, rivermigrate.DirectionUp, nil) //nolint:staticcheck // see above
		if err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.logRiverMigrations(ctx, res)
	return nil
}

// migratePostgres runs the migrations holding the advisory lock.
func (db *DB) migratePostgres(ctx context.Context, migrations []Migration, migrator *rivermigrate.Migrator[*sql.Tx]) (err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+migrationLock+`)`, migrationLockID); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+migrationLock+`)`, migrationLockID); uerr != nil {
			// The connection may still hold the lock: close it rather
			// than return it to the pool, which ends the session and the
			// lock with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			db.logger.WarnContext(ctx, "unlock migrations", slog.Any("error", uerr))
		}
	}()

	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := db.newTx(sqlTx)
	if err := db.applyMigrations(ctx, tx, migrations); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	// Each of River's migrations runs in its own transaction (some cannot
	// share one), on other connections of the pool, still under the lock.
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	db.logRiverMigrations(ctx, res)
	return nil
}

// applyMigrations applies tandem's migrations not yet recorded, in tx.
func (db *DB) applyMigrations(ctx context.Context, tx *Tx, migrations []Migration) error {
	if _, err := tx.tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tandem_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	applied := map[int]bool{}
	if err := func() error {
		rows, err := tx.tx.QueryContext(ctx, `SELECT version FROM tandem_migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		return rows.Err()
	}(); err != nil {
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
}

func (db *DB) logRiverMigrations(ctx context.Context, res *rivermigrate.MigrateResult) {
	for _, v := range res.Versions {
		db.logger.InfoContext(ctx, "applied river migration", slog.Int("version", v.Version), slog.String("name", v.Name))
	}
}
