package bench

import (
	"math"
	"runtime"
	"strings"
)

// The simulators share the process with the bridge, so the runtime's heap
// figures hold both. The heap profile tells them apart: every sampled
// allocation comes with the stack that made it, and whatever the
// simulators allocate (their records, and the answers they render) has a
// simulator package or the HTTP server that serves them on its stack.

// simulatorFrames are the function-name prefixes of the code that runs on
// the simulators' side of the HTTP connection, and of the seeding, which
// keeps what it seeded to check the run against.
var simulatorFrames = []string{
	"github.com/tandemhq/tandem/intercom/intercomsim.",
	"github.com/tandemhq/tandem/salesforce/sfsim.",
	"net/http.(*conn).serve",
	"github.com/tandemhq/tandem/internal/bench.seed",
}

// heapAttribution splits the live heap of the heap profile between the
// simulators and the bridge. It remembers the verdict of each stack.
type heapAttribution struct {
	records   []runtime.MemProfileRecord
	simulator map[[32]uintptr]bool
}

func newHeapAttribution() *heapAttribution {
	return &heapAttribution{simulator: map[[32]uintptr]bool{}}
}

// bridgeLive returns the bytes of the heap profile's live objects (as of
// the last completed GC) that the simulators did not allocate.
func (h *heapAttribution) bridgeLive() uint64 {
	n, ok := runtime.MemProfile(h.records, false)
	for !ok {
		h.records = make([]runtime.MemProfileRecord, n+n/4+64)
		n, ok = runtime.MemProfile(h.records, false)
	}
	rate := runtime.MemProfileRate
	var total float64
	for i := range h.records[:n] {
		r := &h.records[i]
		objects, bytes := r.InUseObjects(), r.InUseBytes()
		if objects <= 0 || bytes <= 0 {
			continue
		}
		sim, known := h.simulator[r.Stack0]
		if !known {
			sim = simulatorStack(r.Stack())
			h.simulator[r.Stack0] = sim
		}
		if !sim {
			total += unsampled(objects, bytes, rate)
		}
	}
	return uint64(total)
}

// unsampled estimates the bytes that objects sampled objects of bytes
// bytes stand for, as pprof does: an allocation of size s is sampled with
// probability 1 - exp(-s/rate).
func unsampled(objects, bytes int64, rate int) float64 {
	if rate <= 1 {
		return float64(bytes)
	}
	avg := float64(bytes) / float64(objects)
	return float64(bytes) / (1 - math.Exp(-avg/float64(rate)))
}

func simulatorStack(stack []uintptr) bool {
	frames := runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		for _, p := range simulatorFrames {
			if strings.HasPrefix(f.Function, p) {
				return true
			}
		}
		if !more {
			return false
		}
	}
}
