// Package bench measures tandem end to end against the simulators: the
// cost of a bulk sync (Run) and how long a change takes to cross the bridge
// in each direction (Latency).
//
// Run starts a Salesforce and an Intercom simulator in a process of their
// own and the bridge in this one, seeds both systems with pairs of matching
// records (a chosen fraction of them out of sync, plus records that exist on
// one side only), turns on a per-call latency and an Intercom rate limit,
// runs one bulk sync and reports what it cost: wall time, CPU time of each
// process, API calls per endpoint, Salesforce calls per changed record
// against the target formula, Intercom write throughput against the rate
// limit, and the bridge's memory. With the simulators apart, the runtime's
// heap figures are the bridge's alone. `tandem bench` and
// BenchmarkBulkSync10k are the two ways to run it.
//
// Latency starts the demo set-up with webhooks on, makes changes one at a
// time on each side and times each until the other system shows it;
// `tandem bench latency` prints the median and p95 per direction.
package bench
