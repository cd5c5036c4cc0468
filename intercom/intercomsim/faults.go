package intercomsim

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind is a kind of injected failure.
type FaultKind int

// Fault kinds.
const (
	// Fault500 answers 500 with an error.list body.
	Fault500 FaultKind = iota + 1
	// Fault503 answers 503 with an error.list body.
	Fault503
	// Fault429 answers 429 rate_limit_exceeded with rate-limit headers.
	Fault429
	// FaultDrop closes the connection without an answer.
	FaultDrop
)

// Faults holds the fault-injection knobs of a Server. It is safe for
// concurrent use.
type Faults struct {
	mu       sync.Mutex
	delay    time.Duration
	nextN    int
	nextKind FaultKind
	rate     float64
	rateKind FaultKind
	rnd      *rand.Rand
}

func newFaults() *Faults { return &Faults{rnd: rand.New(rand.NewPCG(7, 11))} }

// Faults returns the fault-injection knobs.
func (s *Server) Faults() *Faults { return s.faults }

// SetLatency delays every request by d (0 turns it off).
func (f *Faults) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

// FailNext makes the next n authenticated requests fail with kind.
func (f *Faults) FailNext(n int, kind FaultKind) {
	f.mu.Lock()
	f.nextN, f.nextKind = n, kind
	f.mu.Unlock()
}

// SetFailRate makes each authenticated request fail with kind with
// probability p (0 turns it off). The random sequence is deterministic.
func (f *Faults) SetFailRate(p float64, kind FaultKind) {
	f.mu.Lock()
	f.rate, f.rateKind = p, kind
	f.mu.Unlock()
}

func (f *Faults) latency() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delay
}

// next reports whether the current request must fail, and how.
func (f *Faults) next() (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nextN > 0 {
		f.nextN--
		return f.nextKind, true
	}
	if f.rate > 0 && f.rnd.Float64() < f.rate {
		return f.rateKind, true
	}
	return 0, false
}

func (s *Server) injectFault(w http.ResponseWriter, _ *http.Request, kind FaultKind) {
	switch kind {
	case Fault503:
		writeError(w, errorf(http.StatusServiceUnavailable, "service_unavailable", "Sorry, the API service is temporarily unavailable"))
	case Fault429:
		reset := s.opts.Now().Add(s.opts.RateWindow).Unix()
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		writeError(w, errorf(http.StatusTooManyRequests, "rate_limit_exceeded",
			"Exceeded rate limit of %d in %d_seconds", s.opts.RateLimit, int(s.opts.RateWindow.Seconds())))
	case FaultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	default:
		writeError(w, errorf(http.StatusInternalServerError, "server_error", "An unexpected error occurred"))
	}
}
