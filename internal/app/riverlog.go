package app

import (
	"context"
	"log/slog"
	"strings"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem/internal/store"
)

// riverConfig is the River configuration every client of tandem starts
// from: its logger and the fetch tuning measured for the dialect.
func riverConfig(dialect string, log *slog.Logger) *river.Config {
	cfg := &river.Config{
		Logger: slog.New(&riverLogHandler{next: log.With(slog.String("component", "river")).Handler()}),
	}
	store.RiverTuning(dialect).Apply(cfg)
	return cfg
}

// riverRoutine lists the endings of the messages River logs at info level
// over and over while all is well: a producer's job counts every few
// seconds, and each maintenance service's "ran successfully".
var riverRoutine = []string{": Producer job counts", ": Ran successfully"}

// riverLogHandler passes River's log records on, lowering its routine,
// periodic info messages to debug so that an info-level log shows what the
// bridge did rather than the queue's heartbeat.
type riverLogHandler struct {
	next slog.Handler
}

func (h *riverLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	// A routine message arrives at info and may leave at debug: ask the
	// next handler when the record is seen.
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h *riverLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo && routine(r.Message) {
		r.Level = slog.LevelDebug
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *riverLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &riverLogHandler{next: h.next.WithAttrs(as)}
}

func (h *riverLogHandler) WithGroup(name string) slog.Handler {
	return &riverLogHandler{next: h.next.WithGroup(name)}
}

func routine(msg string) bool {
	for _, s := range riverRoutine {
		if strings.HasSuffix(msg, s) {
			return true
		}
	}
	return false
}
