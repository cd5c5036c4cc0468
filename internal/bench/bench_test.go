package bench

import (
	"context"
	"flag"
	"os"
	"testing"
)

var (
	benchPairs   = flag.Int("bench.pairs", 20000, "pairs of BenchmarkBulkSyncNoLatency")
	benchDB      = flag.String("bench.database-url", "", "an empty Postgres database for BenchmarkBulkSyncNoLatency (default: SQLite)")
	benchProfile = flag.String("bench.cpuprofile", "", "write a CPU profile of the bulk sync alone (not seeding) to this file")
)

// BenchmarkBulkSync10k runs one bulk sync of 10 000 pairs, 10 % out of sync,
// at the default latencies and Intercom rate limit, per iteration:
//
//	go test ./internal/bench -run '^$' -bench BulkSync10k -benchtime 1x
func BenchmarkBulkSync10k(b *testing.B) {
	o := testOptions(b)
	var r Result
	for b.Loop() {
		o.DataDir = b.TempDir()
		var err error
		if r, err = Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
	reportMetrics(b, r)
}

// BenchmarkBulkSyncNoLatency runs one bulk sync with no simulator latency
// and no binding Intercom rate limit, so that it measures tandem (and the
// simulators) alone; -bench.cpuprofile profiles the sync without the
// seeding:
//
//	go test ./internal/bench -run '^$' -bench NoLatency -benchtime 1x -bench.pairs 100000 -bench.cpuprofile cpu.out
func BenchmarkBulkSyncNoLatency(b *testing.B) {
	o := testOptions(b)
	o.Pairs, o.DatabaseURL = *benchPairs, *benchDB
	o.SalesforceLatency, o.IntercomLatency, o.IntercomRateLimit = 0, 0, 100_000_000
	if *benchProfile != "" {
		f, err := os.Create(*benchProfile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		o.CPUProfile = f
	}
	var r Result
	for b.Loop() {
		if o.DatabaseURL == "" {
			o.DataDir = b.TempDir()
		}
		var err error
		if r, err = Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
	reportMetrics(b, r)
}

func reportMetrics(b *testing.B, r Result) {
	b.ReportMetric(r.SalesforcePerChanged, "sf-calls/changed")
	b.ReportMetric(float64(r.SalesforceTotal), "sf-calls")
	b.ReportMetric(r.SalesforceTarget, "sf-target")
	b.ReportMetric(float64(r.IntercomWrites+r.IntercomReads), "ic-calls")
	b.ReportMetric(r.IntercomThroughput*100, "ic-throughput-%")
	b.ReportMetric(float64(r.Memory.PeakHeapInuse)/(1<<20), "peak-MB")
	b.ReportMetric(float64(r.Memory.SyncHeap())/(1<<20), "sync-MB")
	b.ReportMetric(float64(r.Memory.SyncLiveHeap())/(1<<20), "sync-live-MB")
	b.ReportMetric(r.RecordsPerSecond, "records/s")
	b.ReportMetric(r.WallSeconds, "wall-s")
}
