package bench

import (
	"context"
	"testing"
)

// BenchmarkBulkSync10k runs one bulk sync of 10 000 pairs, 10 % out of sync,
// at the default latencies and Intercom rate limit, per iteration:
//
//	go test ./internal/bench -run '^$' -bench BulkSync10k -benchtime 1x
func BenchmarkBulkSync10k(b *testing.B) {
	o := DefaultOptions()
	var r Result
	for b.Loop() {
		o.DataDir = b.TempDir()
		var err error
		if r, err = Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.SalesforcePerChanged, "sf-calls/changed")
	b.ReportMetric(float64(r.SalesforceTotal), "sf-calls")
	b.ReportMetric(r.SalesforceTarget, "sf-target")
	b.ReportMetric(float64(r.IntercomWrites+r.IntercomReads), "ic-calls")
	b.ReportMetric(r.IntercomThroughput*100, "ic-throughput-%")
	b.ReportMetric(float64(r.Memory.PeakHeapInuse)/(1<<20), "peak-MB")
	b.ReportMetric(float64(r.Memory.SyncHeap())/(1<<20), "sync-MB")
	b.ReportMetric(r.RecordsPerSecond, "records/s")
}
