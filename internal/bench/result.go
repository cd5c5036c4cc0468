package bench

import (
	"sort"
	"strings"
	"time"
)

// Result is the report of one run. Durations are in seconds, memory in
// bytes.
type Result struct {
	// Pairs, OutOfSync, the latencies and the rate limit repeat the
	// options the run used.
	Pairs              int     `json:"pairs"`
	OutOfSync          float64 `json:"out_of_sync"`
	SalesforceLatency  float64 `json:"salesforce_latency_seconds"`
	IntercomLatency    float64 `json:"intercom_latency_seconds"`
	IntercomRateLimit  int     `json:"intercom_rate_limit"`
	IntercomRateWindow float64 `json:"intercom_rate_window_seconds"`
	Database           string  `json:"database"`

	// Seeded is what the run put into the simulators.
	Seeded Seeded `json:"seeded"`

	// Status, Compared, Changed, Linked and Failed are the bulk sync's own
	// counters at the end.
	Status   string `json:"status"`
	Compared int64  `json:"compared"`
	Changed  int64  `json:"changed"`
	Linked   int64  `json:"linked"`
	Failed   int64  `json:"failed"`

	// WallSeconds is the bulk sync's duration; RecordsPerSecond is
	// Salesforce records compared per second of it.
	WallSeconds      float64 `json:"wall_seconds"`
	RecordsPerSecond float64 `json:"records_per_second"`
	// CPUSeconds is the CPU time (user and system) the bridge's process
	// used during the bulk sync; unlike the wall time it hardly depends on
	// what else the machine runs. SimulatorCPUSeconds is the simulator
	// process's over the same span: on a machine with few cores the two
	// compete.
	CPUSeconds          float64 `json:"cpu_seconds"`
	SimulatorCPUSeconds float64 `json:"simulator_cpu_seconds"`

	// SalesforceCalls counts Salesforce calls per endpoint
	// ("GET query", "PATCH composite/sobjects", …).
	SalesforceCalls   map[string]int `json:"salesforce_calls"`
	SalesforceTotal   int            `json:"salesforce_total"`
	SalesforceQueries int            `json:"salesforce_queries"`
	SalesforceWrites  int            `json:"salesforce_writes"`
	// SalesforceIdealWrites is Σ per object ⌈pairs needing a Salesforce
	// write / 200⌉: the fewest collection calls that can carry them.
	SalesforceIdealWrites int `json:"salesforce_ideal_writes"`
	// SalesforcePerChanged is Salesforce calls per changed pair (either
	// direction); SalesforcePerSalesforceChange per pair written to
	// Salesforce.
	SalesforcePerChanged          float64 `json:"salesforce_calls_per_changed"`
	SalesforcePerSalesforceChange float64 `json:"salesforce_calls_per_salesforce_change"`
	// SalesforceTarget is 1.05 × (changed/200 + records/2000 + constant),
	// with changed the pairs written to Salesforce and records the
	// Salesforce records read.
	SalesforceTarget    float64 `json:"salesforce_target"`
	SalesforceTargetMet bool    `json:"salesforce_target_met"`
	TargetConstant      float64 `json:"target_constant"`

	// IntercomCalls counts Intercom requests per route pattern.
	IntercomCalls map[string]int `json:"intercom_calls"`
	IntercomReads int            `json:"intercom_reads"`
	// IntercomWrites are writes answered 2xx; IntercomFailedWrites the
	// others; IntercomRateLimited the requests answered 429.
	IntercomWrites       int `json:"intercom_writes"`
	IntercomFailedWrites int `json:"intercom_failed_writes"`
	IntercomRateLimited  int `json:"intercom_429s"`
	// IntercomWritePhase runs from the first successful write to the last.
	IntercomWritePhase float64 `json:"intercom_write_phase_seconds"`
	// IntercomWriteRate is writes per second over the write phase;
	// IntercomLimitRate is the rate limit per second.
	IntercomWriteRate float64 `json:"intercom_writes_per_second"`
	IntercomLimitRate float64 `json:"intercom_limit_per_second"`
	// IntercomThroughput is IntercomWriteRate / IntercomLimitRate; the
	// target is ≥ 0.9. It applies only when IntercomLimitBinding: a limit
	// that never binds cannot be kept up with, so IntercomThroughputMet is
	// then false without anything being missed.
	IntercomThroughput    float64 `json:"intercom_throughput"`
	IntercomThroughputMet bool    `json:"intercom_throughput_met"`
	// IntercomLimitBinding tells whether there were more writes than one
	// rate window allows; when false the limit cannot slow the sync and the
	// throughput figure says little.
	IntercomLimitBinding bool `json:"intercom_limit_binding"`
	// IntercomBusiestWindow is the most writes in one of the simulator's
	// fixed rate windows.
	IntercomBusiestWindow int `json:"intercom_busiest_window"`

	// Phases are the bulk sync's phases in the order it went through
	// them, with the wall time spent in each.
	Phases []Phase `json:"phases"`

	Memory Memory `json:"memory"`
}

// Phase is one phase of the bulk sync ("reading Intercom contacts",
// "aligning Contacts", …), its wall time and the bridge's process's CPU
// time in it.
type Phase struct {
	Name       string  `json:"name"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
}

// salesforceCallKinds splits the call counts into queries and writes.
func salesforceCallKinds(calls map[string]int) (total, queries, writes int) {
	for k, v := range calls {
		total += v
		method, path, _ := strings.Cut(k, " ")
		switch {
		case method == "GET" && path == "query":
			queries += v
		case method == "POST" && strings.HasPrefix(path, "oauth2"):
		case method != "GET" && method != "HEAD":
			writes += v
		}
	}
	return total, queries, writes
}

func idealWrites(perObject map[string]int) int {
	n := 0
	for _, v := range perObject {
		n += (v + 199) / 200
	}
	return n
}

// busiestWindow counts writes per fixed window (aligned as the simulator
// aligns them) and returns the largest count.
func busiestWindow(ts []time.Time, window time.Duration) int {
	counts := map[int64]int{}
	best := 0
	for _, t := range ts {
		k := t.Truncate(window).UnixNano()
		counts[k]++
		best = max(best, counts[k])
	}
	return best
}

func sortedTimes(ts []time.Time) []time.Time {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
