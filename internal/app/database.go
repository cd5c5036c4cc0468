package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/usecase"
)

// Database is the part of an installation that needs only its database:
// the store and an insert-only job queue client, with the use cases that
// run on them. It makes no call to Intercom or Salesforce, so commands
// built on it need no API credentials and work while either system is
// unreachable; jobs they queue are run by the bridge's workers.
type Database struct {
	Config   config.Config
	Store    *store.DB
	River    *river.Client[*sql.Tx] // insert-only
	UseCases *usecase.Service
}

// OpenDatabase opens and migrates the configured database and builds an
// insert-only River client on it. Only cfg's database settings are used
// (see config.LoadDatabase).
func OpenDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*Database, error) {
	db, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL.Reveal(), DataDir: cfg.DataDir})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	rc, err := river.NewClient(db.RiverDriver(), riverConfig(db.Dialect(), log))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Database{Config: cfg, Store: db, River: rc,
		UseCases: usecase.New(usecase.Config{Installation: tandem.DefaultInstallation, Store: db, Jobs: rc})}, nil
}

// Close closes the database. Safe to call twice.
func (d *Database) Close() error {
	if d.Store == nil {
		return nil
	}
	err := d.Store.Close()
	d.Store = nil
	return err
}

// MigrationReport says what Migrate found and did.
type MigrationReport struct {
	Dialect string // store.DialectSQLite or store.DialectPostgres
	// File is the SQLite database file (empty for Postgres), and Created
	// whether this run created it.
	File    string
	Created bool
	// Applied are tandem's migrations applied by this run (file names), and
	// RiverApplied River's (as "NNN name").
	Applied      []string
	RiverApplied []string
}

// Migrate creates the database when needed (SQLite) and applies tandem's
// and River's pending migrations. Only cfg's database settings are used.
func Migrate(ctx context.Context, cfg config.Config) (MigrationReport, error) {
	var rep MigrationReport
	if cfg.DatabaseURL == "" {
		rep.File = filepath.Join(cfg.DataDir, store.SQLiteFile)
		if _, err := os.Stat(rep.File); errors.Is(err, os.ErrNotExist) {
			rep.Created = true
		}
	}
	// The store reports each migration it applies to its logger.
	rec := &migrationRecorder{report: &rep}
	db, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL.Reveal(), DataDir: cfg.DataDir, Logger: slog.New(rec)})
	if err != nil {
		rep.Created = false
		return rep, fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	rep.Dialect = db.Dialect()
	if err := db.Migrate(ctx); err != nil {
		return rep, fmt.Errorf("migrate database: %w", err)
	}
	return rep, nil
}

// migrationRecorder is a slog.Handler that collects the migrations
// store.DB.Migrate reports as applied.
type migrationRecorder struct {
	report *MigrationReport
}

func (r *migrationRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *migrationRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *migrationRecorder) WithGroup(string) slog.Handler            { return r }

func (r *migrationRecorder) Handle(_ context.Context, rec slog.Record) error {
	attrs := map[string]slog.Value{}
	rec.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value
		return true
	})
	switch rec.Message {
	case "applied migration":
		r.report.Applied = append(r.report.Applied, attrs["migration"].String())
	case "applied river migration":
		r.report.RiverApplied = append(r.report.RiverApplied, fmt.Sprintf("%03d %s", attrs["version"].Int64(), attrs["name"].String()))
	}
	return nil
}
