package app_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/app"
)

// Rounds of concurrent calls to one host, as the bulk sync's 16 Intercom
// writers make, reuse their connections instead of opening new ones
// (with TLS, a handshake each) for all but two.
func TestTransportKeepsConnectionsOfConcurrentCalls(t *testing.T) {
	t.Parallel()
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("{}"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	hc := &http.Client{Transport: app.NewTransport()}
	const workers, rounds = 16, 10
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				resp, err := hc.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			})
		}
		wg.Wait()
	}
	// One per worker, and a few more where a call dialed before the
	// connection a call of the previous round was done with came back to
	// the pool; the standard library's two idle connections opened 142.
	require.LessOrEqual(t, opened.Load(), int64(2*workers), "connections opened for %d rounds of %d calls", rounds, workers)
}
