package app

import (
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem/internal/store"
)

// riverConfig is the River configuration every client of tandem starts
// from: its logger and the fetch tuning measured for the dialect.
func riverConfig(dialect string, log *slog.Logger) *river.Config {
	cfg := &river.Config{Logger: log.With(slog.String("component", "river"))}
	store.RiverTuning(dialect).Apply(cfg)
	return cfg
}
