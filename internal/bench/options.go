package bench

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os/exec"
	"time"
)

// Options describe one benchmark run. Fields are taken literally: a zero
// latency means none. DefaultOptions returns the realistic defaults.
type Options struct {
	// Pairs is the number of linked record pairs: 85 % Intercom users ↔
	// Contacts, 10 % companies ↔ Accounts and 5 % Intercom leads ↔ Leads.
	Pairs int
	// MaxAccounts caps the companies ↔ Accounts pairs (the rest become
	// users ↔ Contacts); 0 means no cap.
	MaxAccounts int
	// OutOfSync is the fraction of pairs whose mapped values differ, half
	// of them owned by Intercom (a Salesforce write) and half by
	// Salesforce (an Intercom write).
	OutOfSync float64
	// Unlinked is the number of records on each side that have no match on
	// the other, as a fraction of Pairs.
	Unlinked float64
	// SalesforceLatency and IntercomLatency delay every API call.
	SalesforceLatency time.Duration
	IntercomLatency   time.Duration
	// IntercomRateLimit is the number of Intercom requests allowed per
	// IntercomRateWindow (Intercom's windows are 10 seconds).
	IntercomRateLimit  int
	IntercomRateWindow time.Duration
	// IntercomWorkers is how many Intercom writes run at once (0: the
	// bulk sync's default).
	IntercomWorkers int
	// DatabaseURL selects Postgres (an empty database: the run refuses one
	// that already holds links); empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite database; empty means a new temporary
	// directory, removed afterwards.
	DataDir string
	// TargetConstant is the constant of the Salesforce call target
	// 1.05 × (changed/200 + records/2000 + constant).
	TargetConstant float64
	// MemorySampleInterval is how often the heap is sampled.
	MemorySampleInterval time.Duration
	// Log receives the bridge's logs (default: discarded).
	Log *slog.Logger
	// CPUProfile, when set, receives a CPU profile (pprof format) of the
	// bulk sync alone, seeding and start-up left out.
	CPUProfile io.Writer
	// SimulatorCPUProfile, when set, is a file the simulator process
	// writes a CPU profile of itself to, over the same span.
	SimulatorCPUProfile string
	// Simulators builds the command of the simulator process, a process
	// that runs ServeSimulators on its standard input and output
	// (SimulatorProcess gives `tandem bench simulators`). The simulators
	// run apart so that the bridge's process holds the bridge alone.
	Simulators func(context.Context) *exec.Cmd
	// HeapProfile, when set, receives a heap profile (pprof format) taken
	// at the sync's highest live heap: the allocations still reachable
	// after the garbage collection that marked that peak.
	HeapProfile io.Writer
}

// DefaultOptions returns 10 000 pairs, 10 % out of sync, 5 % unlinked on each
// side, 20 ms per Salesforce call, 15 ms per Intercom call and an Intercom
// rate limit of 1000 requests per 10 seconds.
func DefaultOptions() Options {
	return Options{
		Pairs:                10000,
		MaxAccounts:          0,
		OutOfSync:            0.1,
		Unlinked:             0.05,
		SalesforceLatency:    20 * time.Millisecond,
		IntercomLatency:      15 * time.Millisecond,
		IntercomRateLimit:    1000,
		IntercomRateWindow:   10 * time.Second,
		TargetConstant:       10,
		MemorySampleInterval: 5 * time.Millisecond,
	}
}

// Validate reports the first option that cannot work.
func (o Options) Validate() error {
	switch {
	case o.Pairs <= 0:
		return errors.New("pairs must be positive")
	case o.OutOfSync < 0 || o.OutOfSync > 1:
		return errors.New("out-of-sync fraction must be between 0 and 1")
	case o.Unlinked < 0:
		return errors.New("unlinked fraction must not be negative")
	case o.SalesforceLatency < 0 || o.IntercomLatency < 0:
		return errors.New("latencies must not be negative")
	case o.IntercomRateLimit <= 0 || o.IntercomRateWindow <= 0:
		return errors.New("the Intercom rate limit and its window must be positive")
	case o.Simulators == nil:
		return errors.New("no command for the simulator process")
	}
	return nil
}
