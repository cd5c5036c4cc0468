// Package bench measures tandem end to end against the simulators: the
// cost of a bulk sync (Run) and how long a change takes to cross the bridge
// in each direction (Latency).
//
// Run starts a Salesforce and an Intercom simulator and the bridge in one
// process, seeds both systems with pairs of matching records (a chosen
// fraction of them out of sync, plus records that exist on one side only),
// turns on a per-call latency and an Intercom rate limit, runs one bulk sync
// and reports what it cost: wall time, API calls per endpoint, Salesforce
// calls per changed record against the target formula, Intercom write
// throughput against the rate limit, and peak memory.
//
// Everything runs in one process, so the runtime's memory figures include
// the simulators. Result gives two views of the sync's share: the peak seen
// during the sync minus the heap after seeding (an upper bound: garbage the
// simulators make while answering counts as the sync's), and the bridge's
// live heap by the heap profile, which leaves out every object a simulator
// allocated. `tandem bench` and BenchmarkBulkSync10k are the two ways to run it.
//
// Latency starts the demo set-up with webhooks on, makes changes one at a
// time on each side and times each until the other system shows it;
// `tandem bench latency` prints the median and p95 per direction.
package bench
