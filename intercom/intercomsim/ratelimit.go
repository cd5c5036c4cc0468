package intercomsim

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter enforces a fixed window per token, as Intercom does.
type rateLimiter struct {
	mu      sync.Mutex
	windows map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

// allow counts one request, sets the X-RateLimit-* headers and, when the
// window is exhausted, writes a 429 and returns false.
func (l *rateLimiter) allow(w http.ResponseWriter, o Options, token string) bool {
	now := o.Now()
	l.mu.Lock()
	win := l.windows[token]
	if win == nil || now.Sub(win.start) >= o.RateWindow || now.Before(win.start) {
		win = &rateWindow{start: now.Truncate(o.RateWindow)}
		l.windows[token] = win
	}
	win.count++
	remaining := o.RateLimit - win.count
	reset := win.start.Add(o.RateWindow)
	l.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(o.RateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(remaining, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if remaining < 0 {
		writeError(w, errorf(http.StatusTooManyRequests, "rate_limit_exceeded",
			"Exceeded rate limit of %d in %d_seconds", o.RateLimit, int(o.RateWindow.Seconds())))
		return false
	}
	return true
}
