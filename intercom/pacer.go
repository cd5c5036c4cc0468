package intercom

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Pacing selects the requests the client spaces out by Intercom's
// rate-limit headers (see WithPacing).
type Pacing int

const (
	// PaceOff sends every request at once (the default).
	PaceOff Pacing = iota
	// PaceWrites paces requests that change data: PUT, DELETE and every
	// POST other than searches and lists.
	PaceWrites
	// PaceAll paces every request.
	PaceAll
)

// WithPacing makes the client spend Intercom's rate limit evenly instead
// of running into 429s. Every response's X-RateLimit-Limit, -Remaining and
// -Reset tell the client how many requests the current window has left
// and when it ends; the paced requests are then spread over what remains
// of the window, one slot each, and wait for the next window when none is
// left. Until a response has reported the window, requests go at once.
// Requests that are not paced still count against the window.
//
// Pacing suits bulk work with many concurrent writers; a single request
// waits at most one slot.
func WithPacing(p Pacing) Option {
	return func(c *Client) {
		c.pacing = p
		if p != PaceOff && c.pacer == nil {
			c.pacer = newPacer()
		}
	}
}

// paced reports whether req waits for the pacer.
func (c *Client) paced(req *http.Request) bool {
	switch c.pacing {
	case PaceAll:
		return true
	case PaceWrites:
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return false
		case http.MethodPost:
			rel := c.relPath(req.URL.Path)
			return !(rel == "companies/list" || hasLastSegment(rel, "search"))
		}
		return true
	}
	return false
}

// pacer spreads the requests a rate-limit window has left over the time
// until it resets. What the window has left for new requests is the lowest
// X-RateLimit-Remaining reported in it (the server's count only falls
// within a window, so an answer overtaken by a later one cannot raise it)
// minus the requests this client has in flight, which the server may not
// have counted yet.
type pacer struct {
	mu    sync.Mutex
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	known     bool          // a response has reported the current window
	remaining int           // lowest X-RateLimit-Remaining of the window
	reset     time.Time     // when the window ends
	inflight  int           // requests sent (or about to be) and not answered
	next      time.Time     // earliest time for the next paced request
	changed   chan struct{} // closed when an answer arrives
}

func newPacer() *pacer {
	return &pacer{now: time.Now, sleep: sleepCtx, changed: make(chan struct{})}
}

// start counts a request that is not paced but uses the window.
func (p *pacer) start() {
	p.mu.Lock()
	p.inflight++
	p.mu.Unlock()
}

// wait blocks until the caller may send one paced request, and counts it
// as in flight; the caller reports its answer with done.
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		now := p.now()
		if !p.known || !now.Before(p.reset) {
			// A new window: go until an answer describes it.
			p.known = false
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		avail := p.remaining - p.inflight
		at := now
		if p.next.After(at) {
			at = p.next
		}
		if avail <= 0 || !at.Before(p.reset) {
			// Nothing left for now: wait for the reset, or for an answer
			// that shows an in-flight request was already counted.
			d, changed := p.reset.Sub(now), p.changed
			p.mu.Unlock()
			if err := p.waitChange(ctx, d, changed); err != nil {
				return err
			}
			continue
		}
		// Take the slot at `at`; the rest of the window is shared by the
		// requests it has left.
		p.next = at.Add(p.reset.Sub(at) / time.Duration(avail))
		p.inflight++
		p.mu.Unlock()
		if err := p.sleep(ctx, at.Sub(now)); err != nil {
			p.done(Rate{})
			return err
		}
		return nil
	}
}

func (p *pacer) waitChange(ctx context.Context, d time.Duration, changed <-chan struct{}) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-changed:
			cancel()
		case <-sctx.Done():
		}
	}()
	err := p.sleep(sctx, d)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// done records the answer to a request counted by wait or start; r is
// the zero Rate when there was no answer.
func (p *pacer) done(r Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = max(p.inflight-1, 0)
	if r.Limit != 0 && !r.Reset.IsZero() {
		switch {
		case !p.known || r.Reset.After(p.reset):
			p.known, p.remaining, p.reset, p.next = true, r.Remaining, r.Reset, time.Time{}
		case r.Reset.Equal(p.reset) && r.Remaining < p.remaining:
			p.remaining = r.Remaining
		}
	}
	close(p.changed)
	p.changed = make(chan struct{})
}
