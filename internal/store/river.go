package store

import (
	"time"

	"github.com/riverqueue/river"
)

// RiverSettings are the River client and pool settings measured for a
// dialect under tandem's write load (docs/storage.md has the numbers).
type RiverSettings struct {
	// FetchPollInterval is how often a River producer polls for new jobs;
	// on SQLite (no LISTEN/NOTIFY) it bounds insert→work latency.
	FetchPollInterval time.Duration
	// FetchCooldown is the minimum time between two fetches.
	FetchCooldown time.Duration
	// MaxOpenConns is the pool size [Open] sets; 0 leaves database/sql's
	// default (unlimited).
	MaxOpenConns int
}

// RiverTuning returns the settings chosen for a dialect (DialectSQLite or
// DialectPostgres).
func RiverTuning(dialect string) RiverSettings {
	if dialect == DialectSQLite {
		return RiverSettings{
			FetchPollInterval: 50 * time.Millisecond,
			FetchCooldown:     20 * time.Millisecond,
			MaxOpenConns:      1,
		}
	}
	// The database/sql Postgres driver polls too (no LISTEN); Postgres
	// copes with frequent fetches from several replicas.
	return RiverSettings{
		FetchPollInterval: 100 * time.Millisecond,
		FetchCooldown:     50 * time.Millisecond,
	}
}

// Apply copies the fetch settings into a River client configuration.
func (s RiverSettings) Apply(cfg *river.Config) {
	cfg.FetchPollInterval = s.FetchPollInterval
	cfg.FetchCooldown = s.FetchCooldown
}
