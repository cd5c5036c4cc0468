package sfsim

import (
	"context"
	"math/rand"
	"sync"
	"time"
)

// FaultKind is a failure the simulator can inject.
type FaultKind int

const (
	// Fault503 answers 503 SERVER_UNAVAILABLE.
	Fault503 FaultKind = iota + 1
	// FaultRowLock answers UNABLE_TO_LOCK_ROW; it applies to writes only
	// (per record in Collections results).
	FaultRowLock
	// FaultRequestLimit answers 403 REQUEST_LIMIT_EXCEEDED.
	FaultRequestLimit
	// FaultDropConnection closes the connection without a response.
	FaultDropConnection
)

// String names the kind.
func (k FaultKind) String() string {
	switch k {
	case Fault503:
		return "503"
	case FaultRowLock:
		return "row-lock"
	case FaultRequestLimit:
		return "request-limit"
	case FaultDropConnection:
		return "drop-connection"
	}
	return "none"
}

// Faults injects failures into REST API calls (/services/data/vNN.N/...).
// Injected failures are counted in Calls but not in API usage.
type Faults struct {
	srv     *Server
	mu      sync.Mutex
	latency time.Duration
	pending []FaultKind
	rates   map[FaultKind]float64
	rng     *rand.Rand
}

func newFaults(s *Server, seed int64) *Faults {
	return &Faults{srv: s, rates: map[FaultKind]float64{}, rng: rand.New(rand.NewSource(seed))}
}

// Faults returns the fault injector.
func (s *Server) Faults() *Faults { return s.faults }

// SetLatency delays every API call by d (0 turns it off).
func (f *Faults) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// FailNext makes the next n applicable API calls fail with kind. Calls queue
// up behind earlier FailNext calls.
func (f *Faults) FailNext(n int, kind FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.pending = append(f.pending, kind)
	}
}

// SetFailRate makes each applicable API call fail with kind with
// probability p (0 turns it off). The random source is seeded (Options.Seed).
func (f *Faults) SetFailRate(p float64, kind FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p <= 0 {
		delete(f.rates, kind)
		return
	}
	f.rates[kind] = p
}

// Reset clears latency, pending failures and rates.
func (f *Faults) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency, f.pending, f.rates = 0, nil, map[FaultKind]float64{}
}

// ExpireTokens is Server.ExpireTokens.
func (f *Faults) ExpireTokens() { f.srv.ExpireTokens() }

func (f *Faults) delay(ctx context.Context) bool {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// take reports the fault to inject into this call, if any.
func (f *Faults) take(write bool) (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, k := range f.pending {
		if k == FaultRowLock && !write {
			continue
		}
		f.pending = append(f.pending[:i:i], f.pending[i+1:]...)
		return k, true
	}
	for _, k := range []FaultKind{Fault503, FaultRowLock, FaultRequestLimit, FaultDropConnection} {
		p, ok := f.rates[k]
		if !ok || (k == FaultRowLock && !write) {
			continue
		}
		if f.rng.Float64() < p {
			return k, true
		}
	}
	return 0, false
}

func (s *Server) faultResponse(kind FaultKind, q *apiReq) response {
	switch kind {
	case Fault503:
		return errResp(apiErr(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please try again later."))
	case FaultRequestLimit:
		return errResp(apiErr(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
	case FaultRowLock:
		if len(q.segs) >= 2 && q.segs[0] == "composite" && q.segs[1] == "sobjects" {
			return s.rowLockCollection(q)
		}
		return errResp(badRequest("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records"))
	}
	return response{status: 500}
}
