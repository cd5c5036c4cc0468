package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// benchArgs is a job that writes a link and a shadow, as a sync job does.
type benchArgs struct {
	N          int   `json:"n"`
	InsertedAt int64 `json:"inserted_at"` // unix nanoseconds, just before InsertTx
}

func (benchArgs) Kind() string { return "store_bench" }

// BenchmarkRiverSQLite measures River on SQLite under tandem's write load:
// jobs each writing a link and shadows, inserted together with a link write,
// while another goroutine keeps writing links. "paced" inserts 500 jobs at
// 200/s and reports insert→work latency; "burst" inserts 1000 jobs from 4
// goroutines as fast as possible and reports jobs/s; "remote" is "paced"
// with the jobs inserted by another client, so only polling finds them.
// Run with
//
//	go test -run '^$' -bench RiverSQLite -benchtime 1x ./internal/store/
func BenchmarkRiverSQLite(b *testing.B) {
	for _, conns := range []int{1, 4} {
		for _, poll := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond} {
			for _, mode := range []string{"paced", "burst", "remote"} {
				b.Run(fmt.Sprintf("conns=%d/poll=%s/%s", conns, poll, mode), func(b *testing.B) {
					for range b.N {
						benchRiver(b, conns, poll, mode)
					}
				})
			}
		}
	}
}

func benchRiver(b *testing.B, conns int, poll time.Duration, mode string) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	db.SQL().SetMaxOpenConns(conns)

	jobs := 500
	if mode == "burst" {
		jobs = 1000
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		workErrs  atomic.Int64
		done      = make(chan struct{})
	)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[benchArgs]) error {
		lat := time.Since(time.Unix(0, job.Args.InsertedAt))
		err := db.InTx(ctx, func(tx *store.Tx) error {
			l, err := tx.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectLead,
				IntercomID: fmt.Sprint("job-ic-", job.Args.N), SalesforceID: fmt.Sprint("job-sf-", job.Args.N)})
			if err != nil {
				return err
			}
			return tx.SetShadows(ctx, l.ID, map[string]string{"Phone": fmt.Sprint(job.Args.N)})
		})
		if err != nil {
			workErrs.Add(1)
			return err
		}
		mu.Lock()
		latencies = append(latencies, lat)
		if len(latencies) == jobs {
			close(done)
		}
		mu.Unlock()
		return nil
	}))
	cfg := &river.Config{
		Logger:  slog.New(slog.DiscardHandler),
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Workers: workers,
	}
	store.RiverTuning(store.DialectSQLite).Apply(cfg)
	cfg.FetchPollInterval = poll
	client, err := river.NewClient(db.RiverDriver(), cfg)
	require.NoError(b, err)
	require.NoError(b, client.Start(ctx))
	defer func() {
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		require.NoError(b, client.Stop(stopCtx))
	}()

	// Background link writes, as webhooks and pollers make.
	stopWriter := make(chan struct{})
	var writerWG sync.WaitGroup
	var writes, writeErrs atomic.Int64
	writerWG.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stopWriter:
				return
			default:
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				l, err := tx.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
					IntercomID: fmt.Sprint("bg-ic-", i%200), SalesforceID: fmt.Sprint("bg-sf-", i%200)})
				if err != nil {
					return err
				}
				return tx.SetShadows(ctx, l.ID, map[string]string{"Title": fmt.Sprint(i)})
			})
			if err != nil {
				writeErrs.Add(1)
			} else {
				writes.Add(1)
			}
			time.Sleep(2 * time.Millisecond)
		}
	})

	// "remote" inserts through a second, never started client, as another
	// process (or replica) would: the working client learns of those jobs
	// only by polling.
	inserter := client
	if mode == "remote" {
		inserter, err = river.NewClient(db.RiverDriver(), &river.Config{Logger: cfg.Logger})
		require.NoError(b, err)
	}
	var insertErrs atomic.Int64
	insert := func(n int) {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			l, err := tx.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectAccount,
				IntercomID: fmt.Sprint("ins-ic-", n), SalesforceID: fmt.Sprint("ins-sf-", n)})
			if err != nil {
				return err
			}
			_, err = inserter.InsertTx(ctx, tx.SQLTx(), benchArgs{N: n, InsertedAt: time.Now().UnixNano()}, &river.InsertOpts{MaxAttempts: 25})
			_ = l
			return err
		})
		if err != nil {
			insertErrs.Add(1)
		}
	}

	b.ResetTimer()
	start := time.Now()
	if mode != "burst" {
		tick := time.NewTicker(5 * time.Millisecond)
		for n := range jobs {
			<-tick.C
			insert(n)
		}
		tick.Stop()
	} else {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for n := g; n < jobs; n += 4 {
					insert(n)
				}
			})
		}
		wg.Wait()
	}
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		b.Fatalf("only %d of %d jobs worked (insert errors %d, work errors %d)", len(latencies), jobs, insertErrs.Load(), workErrs.Load())
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stopWriter)
	writerWG.Wait()

	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(jobs)/elapsed.Seconds(), "jobs/s")
	b.ReportMetric(float64(writes.Load())/elapsed.Seconds(), "bg-writes/s")
	b.ReportMetric(float64(insertErrs.Load()+workErrs.Load()+writeErrs.Load()), "errors")
}
