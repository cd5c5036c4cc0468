package intercomsim

import (
	"maps"
	"sync"
)

// callCounter counts authenticated requests per route pattern.
type callCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *callCounter) add(key string) {
	c.mu.Lock()
	c.counts[key]++
	c.mu.Unlock()
}

// Calls returns the number of authenticated requests per endpoint, keyed by
// route pattern such as "GET /contacts/{id}". Faulted and rate-limited
// requests count too.
func (s *Server) Calls() map[string]int {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	return maps.Clone(s.calls.counts)
}

// TotalCalls returns the number of authenticated requests served.
func (s *Server) TotalCalls() int {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	n := 0
	for _, v := range s.calls.counts {
		n += v
	}
	return n
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	clear(s.calls.counts)
}
