package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/tandemhq/tandem"
)

// Dialects returned by [DB.Dialect].
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// SQLiteFile is the name of the SQLite database file inside Config.DataDir.
const SQLiteFile = "tandem.db"

// sqliteBusyTimeout is how long a SQLite statement waits for a lock held by
// another process (for example `tandem migrate` next to a running server)
// before failing with SQLITE_BUSY.
const sqliteBusyTimeout = 10 * time.Second

// Config says which database to open.
type Config struct {
	// DatabaseURL selects Postgres when set ("postgres://…" or
	// "postgresql://…"). Empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite file (SQLiteFile); it is created if missing.
	DataDir string
	// Now is the clock used for timestamps; nil means time.Now.
	Now func() time.Time
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

// DB is an open tandem database. Its query methods run outside any
// transaction; use [DB.InTx] to group them.
type DB struct {
	queries
	db      *sql.DB
	stmts   *stmtCache
	dialect string
	driver  riverdriver.Driver[*sql.Tx]
	logger  *slog.Logger
}

// Open opens (but does not migrate) the database described by cfg.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	var (
		sqlDB   *sql.DB
		dialect string
		err     error
	)
	switch {
	case cfg.DatabaseURL == "":
		sqlDB, err = openSQLite(cfg.DataDir)
		dialect = DialectSQLite
	case strings.HasPrefix(cfg.DatabaseURL, "postgres://"), strings.HasPrefix(cfg.DatabaseURL, "postgresql://"):
		sqlDB, err = openPostgres(cfg.DatabaseURL)
		dialect = DialectPostgres
	default:
		return nil, tandem.Errorf(tandem.EINVALID, "database URL must start with postgres:// or postgresql://")
	}
	if err != nil {
		return nil, err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := newDB(sqlDB, dialect, now)
	db.logger = logger
	return db, nil
}

func openSQLite(dir string) (*sql.DB, error) {
	if dir == "" {
		return nil, tandem.Errorf(tandem.EINVALID, "a data directory is required for SQLite")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	dsn := filepath.Join(dir, SQLiteFile) + "?" + strings.Join([]string{
		// busy_timeout first: switching a new file to WAL needs a lock
		// that another process opening it may hold.
		fmt.Sprintf("_pragma=busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()),
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		// The log is copied into the database file (and both synced to
		// disk) once it holds 10,000 pages (40 MB), not SQLite's 1,000:
		// the commit that crosses the mark does the copy while every
		// other writer waits, and a bulk sync's commits crossed it every
		// few pages, rewriting the same index pages each time.
		"_pragma=wal_autocheckpoint(10000)",
		// Statement journals (a multi-row upsert may need to undo part
		// of itself) and temporary b-trees stay in memory instead of
		// temporary files.
		"_pragma=temp_store(MEMORY)",
		// A page cache of 32 MB (the default is 2 MB) holds the indexes a
		// bulk sync works through.
		"_pragma=cache_size(-32768)",
		"_txlock=immediate",
	}, "&")
	sqlDB := sql.OpenDB(newSQLiteConnector(dsn))
	// River's SQLite driver needs a single connection to avoid SQLITE_BUSY
	// between its own concurrent operations; see docs/storage.md.
	sqlDB.SetMaxOpenConns(RiverTuning(DialectSQLite).MaxOpenConns)
	sqlDB.SetConnMaxIdleTime(0)
	sqlDB.SetConnMaxLifetime(0)
	return sqlDB, nil
}

// postgresIdleConns is how many idle Postgres connections the pool keeps.
// database/sql keeps two by default, so a bulk sync's Intercom writers
// (16 at a time, each reading and recording) closed and reopened
// connections all the time: every one a new server process, and every
// statement prepared again on it.
const postgresIdleConns = 32

func openPostgres(url string) (*sql.DB, error) {
	sqlDB, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxIdleConns(postgresIdleConns)
	// Connections idle for a while are closed, so a quiet replica holds
	// few of the server's connection slots.
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return sqlDB, nil
}

func newDB(sqlDB *sql.DB, dialect string, now func() time.Time) *DB {
	db := &DB{db: sqlDB, dialect: dialect, stmts: newStmtCache(sqlDB)}
	if dialect == DialectSQLite {
		db.driver = riversqlite.New(sqlDB)
	} else {
		db.driver = riverdatabasesql.New(sqlDB)
	}
	db.queries = queries{x: cachedDB{db: sqlDB, cache: db.stmts}, raw: sqlDB, sqlite: dialect == DialectSQLite,
		now: now, atomic: db.atomic}
	return db
}

// SetProcess names this process on the intents it claims or retries, and
// gives the test that tells whether another holder has died (nil: never
// known), so that an intent held by a dead process is taken over at once.
// Call it before the DB is used.
func (db *DB) SetProcess(name string, gone func(holder string) bool) {
	db.process, db.processGone = name, gone
}

// SQL returns the underlying pool.
func (db *DB) SQL() *sql.DB { return db.db }

// Dialect returns DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// RiverDriver returns the River driver over the same pool, so River's
// InsertTx accepts a [Tx.SQLTx].
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] { return db.driver }

// Close closes the prepared statements and the pool.
func (db *DB) Close() error {
	db.stmts.close()
	return db.db.Close()
}

// IsNotFound reports whether err is (or wraps) a tandem ENOTFOUND error.
func IsNotFound(err error) bool {
	var e *tandem.Error
	return errors.As(err, &e) && e.Code == tandem.ENOTFOUND
}
