package bench

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// WriteTable prints the result as a readable two-column table.
func (r Result) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, args...)...) }
	yes := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	mb := func(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

	row("setup", "%d pairs (%d Contacts, %d Accounts, %d Leads), %.0f%% out of sync, %d unlinked per side, %s",
		r.Pairs, r.Seeded.Pairs["Contact"], r.Seeded.Pairs["Account"], r.Seeded.Pairs["Lead"], r.OutOfSync*100,
		r.Seeded.IntercomOnly, r.Database)
	row("latency", "Salesforce %.0f ms, Intercom %.0f ms per call; Intercom limit %d per %.0f s",
		r.SalesforceLatency*1000, r.IntercomLatency*1000, r.IntercomRateLimit, r.IntercomRateWindow)
	row("bulk sync", "%s: %d compared, %d changed, %d linked, %d failed", r.Status, r.Compared, r.Changed, r.Linked, r.Failed)
	row("expected", "%d changed (%d to Salesforce, %d to Intercom), %d Salesforce records",
		r.Seeded.Changed(), r.Seeded.ChangedSalesforce(), r.Seeded.ChangedIntercom(), r.Seeded.SalesforceRecords)
	row("wall time", "%.2f s (%.0f records/s)", r.WallSeconds, r.RecordsPerSecond)
	row("CPU time", "%.2f s in the bridge's process (%.2f s in the simulators')", r.CPUSeconds, r.SimulatorCPUSeconds)
	for _, p := range r.Phases {
		row("  "+p.Name, "%.2f s (CPU %.2f s)", p.Seconds, p.CPUSeconds)
	}
	fmt.Fprintln(tw, "\t")
	row("Salesforce calls", "%d (%d query pages, %d writes; fewest possible writes %d)",
		r.SalesforceTotal, r.SalesforceQueries, r.SalesforceWrites, r.SalesforceIdealWrites)
	for _, k := range sortedKeys(r.SalesforceCalls) {
		row("  "+k, "%d", r.SalesforceCalls[k])
	}
	row("  per changed pair", "%.4f (%.4f per Salesforce write)", r.SalesforcePerChanged, r.SalesforcePerSalesforceChange)
	row("  target", "≤ %.1f = 1.05 × (%d/200 + %d/2000 + %.0f): %s", r.SalesforceTarget,
		r.Seeded.ChangedSalesforce(), r.Seeded.SalesforceRecords, r.TargetConstant, yes(r.SalesforceTargetMet))
	fmt.Fprintln(tw, "\t")
	row("Intercom calls", "%d reads, %d writes (%d failed, %d answered 429)",
		r.IntercomReads, r.IntercomWrites, r.IntercomFailedWrites, r.IntercomRateLimited)
	for _, k := range sortedKeys(r.IntercomCalls) {
		row("  "+k, "%d", r.IntercomCalls[k])
	}
	// The ≥ 90 % throughput target is about keeping up with the rate limit;
	// with fewer writes than one window allows, the limit never binds and
	// there is nothing to meet or miss.
	target := "not applicable: the limit never binds (fewer writes than one window allows)"
	if r.IntercomLimitBinding {
		target = yes(r.IntercomThroughputMet)
	}
	row("  write throughput", "%.1f/s over %.2f s vs limit %.1f/s = %.0f%%: %s", r.IntercomWriteRate, r.IntercomWritePhase,
		r.IntercomLimitRate, r.IntercomThroughput*100, target)
	row("  busiest window", "%d writes (limit %d)", r.IntercomBusiestWindow, r.IntercomRateLimit)
	fmt.Fprintln(tw, "\t")
	row("heap baseline", "%s in use, %s live (the started bridge, after a GC; the simulators run apart)",
		mb(r.Memory.BaselineHeapInuse), mb(r.Memory.BaselineHeapLive))
	row("heap peak", "%s in use, %s live", mb(r.Memory.PeakHeapInuse), mb(r.Memory.PeakHeapLive))
	row("sync's own heap", "%s in use, %s live (peak minus baseline)", mb(r.Memory.SyncHeap()), mb(r.Memory.SyncLiveHeap()))
	row("process peak RSS", "%s (the bridge's process over its lifetime, SQLite included)", mb(r.Memory.PeakRSS))
	return tw.Flush()
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
