package bench

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// sims are the two simulators the bridge talks to during a run, served by
// the simulator process (ServeSimulators).
//
// app.StartDemo builds its Intercom simulator with the default rate limit
// and in the bridge's process, so the benchmark serves simulators of its
// own (configured like the demo's) and points the bridge at them through
// DemoOptions.Configure. The demo's own simulators stay idle and empty.
type sims struct {
	sf      *sfsim.Server
	ic      *intercomsim.Server
	icCalls *callRecorder
	sfURL   string
	icURL   string
	servers []*http.Server
}

func startSims(o Options) (*sims, error) {
	s := &sims{
		sf: sfsim.New(sfsim.Options{Token: app.DemoToken, CustomFields: sfsim.DefaultCustomFields()}),
		ic: intercomsim.New(intercomsim.Options{Token: app.DemoToken, ClientSecret: app.DemoToken,
			RateLimit: o.IntercomRateLimit, RateWindow: o.IntercomRateWindow}),
		icCalls: &callRecorder{},
	}
	// The same data attributes the demo defines, so the default mappings
	// validate.
	for _, name := range []string{"plan", "job_title", "sf_lead_status"} {
		if err := s.ic.DefineDataAttribute("contact", name, "string"); err != nil {
			return nil, err
		}
	}
	var err error
	if s.sfURL, err = s.serve(s.sf); err != nil {
		return nil, err
	}
	if s.icURL, err = s.serve(s.icCalls.wrap(s.ic)); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *sims) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

func (s *sims) close() error {
	var errs []error
	s.ic.Close()
	for _, srv := range s.servers {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		cancel()
	}
	return errors.Join(errs...)
}

// callRecorder counts Intercom requests as reads or writes and keeps the
// completion time of every write, while it is on.
type callRecorder struct {
	on      atomic.Bool
	mu      sync.Mutex
	reads   int
	writes  []time.Time // completed writes with a 2xx answer
	failed  int         // writes answered with anything else
	limited int         // requests answered 429
}

func (c *callRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.on.Load() {
			h.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		now := time.Now()
		c.mu.Lock()
		defer c.mu.Unlock()
		if sw.status == http.StatusTooManyRequests {
			c.limited++
		}
		switch {
		case !isWrite(r):
			c.reads++
		case sw.status < 300:
			c.writes = append(c.writes, now)
		default:
			c.failed++
		}
	})
}

// start zeroes the counters and turns recording on.
func (c *callRecorder) start() {
	c.mu.Lock()
	c.reads, c.writes, c.failed, c.limited = 0, nil, 0, 0
	c.mu.Unlock()
	c.on.Store(true)
}

func (c *callRecorder) stop() { c.on.Store(false) }

// isWrite tells Intercom writes from reads: searches and lists are POSTs
// that change nothing.
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return false
	case http.MethodPost:
		p := strings.TrimSuffix(r.URL.Path, "/")
		return !strings.HasSuffix(p, "/search") && !strings.HasSuffix(p, "/list")
	}
	return true
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
