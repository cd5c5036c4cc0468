package intercom

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock is a clock whose sleeps advance it.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	if d > 0 {
		f.t = f.t.Add(d)
	}
	return nil
}

func newTestPacer() (*pacer, *fakeClock) {
	clk := &fakeClock{t: time.Unix(1_717_200_000, 0)}
	p := newPacer()
	p.now, p.sleep = clk.now, clk.sleep
	return p, clk
}

func TestPacer_UnknownWindowGoesAtOnce(t *testing.T) {
	t.Parallel()
	p, clk := newTestPacer()
	for range 5 {
		require.NoError(t, p.wait(t.Context()))
	}
	require.Empty(t, clk.sleeps)
	observe(p, Rate{}) // no headers: nothing learned
	require.NoError(t, p.wait(t.Context()))
	require.Empty(t, clk.sleeps)
}

func TestPacer_SpreadsTheRemainingRequestsOverTheWindow(t *testing.T) {
	t.Parallel()
	p, clk := newTestPacer()
	start := clk.now()
	observe(p, Rate{Limit: 10, Remaining: 4, Reset: start.Add(4 * time.Second)})
	var sent []time.Duration
	for range 4 {
		require.NoError(t, p.wait(t.Context()))
		sent = append(sent, clk.now().Sub(start))
	}
	require.Equal(t, []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}, sent)

	// The window is spent: the next request waits for the reset, and
	// then goes at once, the new window being unknown.
	require.NoError(t, p.wait(t.Context()))
	require.Equal(t, 4*time.Second, clk.now().Sub(start))
}

func TestPacer_ObservationsTightenButNeverLoosenTheWindow(t *testing.T) {
	t.Parallel()
	p, clk := newTestPacer()
	start := clk.now()
	reset := start.Add(10 * time.Second)
	observe(p, Rate{Limit: 100, Remaining: 10, Reset: reset})
	observe(p, Rate{Limit: 100, Remaining: 50, Reset: reset}) // an older answer arriving late
	require.Equal(t, 10, p.remaining)
	require.Zero(t, p.inflight)
	observe(p, Rate{Limit: 100, Remaining: 0, Reset: reset}) // a 429, or others spent it
	require.NoError(t, p.wait(t.Context()))
	require.Equal(t, 10*time.Second, clk.now().Sub(start), "waits for the reset")

	// The answer to that request opens a new window, which replaces the old.
	p.done(Rate{Limit: 100, Remaining: 2, Reset: reset.Add(10 * time.Second)})
	require.NoError(t, p.wait(t.Context()))
	require.NoError(t, p.wait(t.Context()))
	require.Equal(t, 15*time.Second, clk.now().Sub(start))
}

func TestPacer_CountsRequestsInFlight(t *testing.T) {
	t.Parallel()
	p, clk := newTestPacer()
	start := clk.now()
	reset := start.Add(10 * time.Second)
	// Three requests went out before the window was known; the first
	// answer says 4 are left, but the other two may not be counted yet.
	for range 3 {
		require.NoError(t, p.wait(t.Context()))
	}
	p.done(Rate{Limit: 6, Remaining: 4, Reset: reset})
	require.NoError(t, p.wait(t.Context()))
	require.Equal(t, time.Duration(0), clk.now().Sub(start), "4 left, 2 in flight: one slot now")
	// The two others were counted already: their answers free a slot.
	p.done(Rate{Limit: 6, Remaining: 4, Reset: reset})
	p.done(Rate{Limit: 6, Remaining: 4, Reset: reset})
	require.Equal(t, 1, p.inflight)
	require.NoError(t, p.wait(t.Context()))
	require.Less(t, clk.now().Sub(start), 10*time.Second)
	require.Equal(t, 2, p.inflight)
}

func TestPacer_HonoursTheContext(t *testing.T) {
	t.Parallel()
	p, clk := newTestPacer()
	observe(p, Rate{Limit: 10, Remaining: 0, Reset: clk.now().Add(time.Hour)})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, p.wait(ctx), context.Canceled)
}

func TestClient_PacedKinds(t *testing.T) {
	t.Parallel()
	c := NewClient(testToken, WithBaseURL("https://api.example/v2"), WithPacing(PaceWrites))
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/v2/contacts/x", false},
		{"POST", "/v2/contacts/search", false},
		{"POST", "/v2/companies/list", false},
		{"POST", "/v2/contacts", true},
		{"PUT", "/v2/contacts/x", true},
		{"PUT", "/v2/companies/x", true},
		{"DELETE", "/v2/contacts/x", true},
		{"POST", "/v2/companies", true},
	} {
		req, err := http.NewRequest(tc.method, "https://api.example"+tc.path, nil)
		require.NoError(t, err)
		require.Equal(t, tc.want, c.paced(req), "%s %s", tc.method, tc.path)
	}
	all := NewClient(testToken, WithPacing(PaceAll))
	off := NewClient(testToken)
	req, _ := http.NewRequest("GET", "https://api.intercom.io/contacts/x", nil)
	require.True(t, all.paced(req))
	require.False(t, off.paced(req))
	require.Nil(t, off.pacer)
}

// TestClient_PacingAvoids429 runs concurrent writers against a server that
// allows 8 requests per 1-second window: paced, none is refused.
func TestClient_PacingAvoids429(t *testing.T) {
	t.Parallel()
	const limit = 8
	var mu sync.Mutex
	windows := map[int64]int{}
	var refused, served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		mu.Lock()
		windows[now.Unix()]++
		n := windows[now.Unix()]
		mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(limit-n, 0)))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(now.Unix()+1, 10))
		if n > limit {
			refused.Add(1)
			writeJSON(w, http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "Exceeded rate limit"))
			return
		}
		served.Add(1)
		writeJSON(w, 200, `{"type":"contact","id":"c"}`)
	}))
	t.Cleanup(srv.Close)
	c := NewClient(testToken, WithBaseURL(srv.URL), WithPacing(PaceWrites), WithMaxRetries(0))

	// Learn the window first, as a bulk run's reads do.
	_, _, err := c.Contacts.Get(t.Context(), "c")
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 4 {
		wg.Go(func() {
			for range 5 {
				_, _, err := c.Contacts.UpdateRaw(t.Context(), "c", map[string]any{"name": "x"})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, refused.Load())
	require.Equal(t, int32(21), served.Load())
}

// observe reports an answer to a request that was not paced.
func observe(p *pacer, r Rate) {
	p.start()
	p.done(r)
}
