package app

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

func TestRiverRoutineLogsAtDebug(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rlog := riverConfig("sqlite", log).Logger

	rlog.Info("producer: Producer job counts", slog.Int("num_jobs_running", 0))
	rlog.Info("JobCleaner: Ran successfully", slog.Int("num_jobs_deleted", 3))
	require.Empty(t, buf.String(), "routine, periodic lines are debug")

	rlog.Info("River client started")
	rlog.Warn("producer: something odd")
	require.Contains(t, buf.String(), "River client started")
	require.Contains(t, buf.String(), "something odd")
	require.Contains(t, buf.String(), "component=river")

	buf.Reset()
	debug := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	riverConfig("sqlite", debug).Logger.Info("producer: Producer job counts")
	require.Contains(t, buf.String(), "level=DEBUG")
}

// TestRiverProducerQuietAtInfo runs a real River client with a worker: its
// producer reports job counts every few seconds, which an info-level log
// must not show.
func TestRiverProducerQuietAtInfo(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := riverConfig(db.Dialect(), log)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[noopArgs]) error { return nil }))
	cfg.Workers = workers
	cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}}
	rc, err := river.NewClient(db.RiverDriver(), cfg)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, rc.Start(ctx))
	_, err = rc.Insert(ctx, noopArgs{}, nil)
	require.NoError(t, err)
	time.Sleep(6 * time.Second) // River reports producer counts every 5 s
	stop, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, rc.Stop(stop))
	require.Contains(t, buf.String(), "River client started")
	require.NotContains(t, buf.String(), "Producer job counts")
}

type noopArgs struct{}

func (noopArgs) Kind() string { return "tandem.test_noop" }

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
