package console

import (
	"context"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
)

// Health is the state of one connection.
type Health struct {
	Name    string
	OK      bool
	Reason  string // why it is down, fit to show (no secrets)
	Checked time.Time
}

// healthCache runs each check at most once per ttl, so that reloading the
// overview does not cost an API call each time.
type healthCache struct {
	mu     sync.Mutex
	checks []HealthCheck
	ttl    time.Duration
	now    func() time.Time
	last   []Health
	at     time.Time
}

func newHealthCache(checks []HealthCheck, ttl time.Duration, now func() time.Time) *healthCache {
	return &healthCache{checks: checks, ttl: ttl, now: now}
}

func (h *healthCache) get(ctx context.Context) []Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last != nil && h.now().Sub(h.at) < h.ttl {
		return h.last
	}
	out := make([]Health, len(h.checks))
	var wg sync.WaitGroup
	for i, c := range h.checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			err := c.Check(ctx)
			out[i] = Health{Name: c.Name, OK: err == nil, Checked: h.now()}
			if err != nil {
				out[i].Reason = reason(err)
			}
		})
	}
	wg.Wait()
	h.last, h.at = out, h.now()
	return out
}

// reason is an error fit to show: a domain error's message, or the vendor
// client's error, whose text the clients keep free of tokens and secrets.
func reason(err error) string {
	if tandem.ErrorCode(err) != tandem.EINTERNAL {
		return tandem.ErrorMessage(err)
	}
	return err.Error()
}
