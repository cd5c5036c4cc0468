package intercomsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixedNow is the clock of most tests: 2026-03-10 12:00:00 UTC.
var fixedNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

type testBundle struct {
	sim *Server
	srv *httptest.Server
}

func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	sim := New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	return &testBundle{sim: sim, srv: srv}
}

// call performs one request and decodes the JSON answer.
func (b *testBundle) call(t *testing.T, method, path, version string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	if version != "" {
		req.Header.Set("Intercom-Version", version)
	}
	resp, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return resp, out
}

// errCode returns the first error code of an error.list body.
func errCode(t *testing.T, body map[string]any) string {
	t.Helper()
	require.Equal(t, "error.list", body["type"])
	errs, ok := body["errors"].([]any)
	require.True(t, ok)
	require.NotEmpty(t, errs)
	return errs[0].(map[string]any)["code"].(string)
}

func stringsReader(s string) io.Reader { return bytes.NewReader([]byte(s)) }
