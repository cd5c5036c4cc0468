package salesforce

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// instancePrefix is a path the instance URL carries in tests, so that a
// request built against the server root instead of the instance fails.
const instancePrefix = "/inst"

const testToken = "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxez"

// apiPath prefixes p with the data API root of the default version.
func apiPath(p string) string { return "/services/data/v62.0/" + p }

// setup starts a test server and returns a client pointed at it and the mux
// API handlers register on (paths start at /services/...).
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(instancePrefix+"/", http.StripPrefix(instancePrefix, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the instance URL: %s %s", r.Method, r.URL)
		http.Error(w, "outside instance", http.StatusTeapot)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	base := []Option{
		WithInstanceURL(srv.URL + instancePrefix),
		WithAccessToken(testToken),
		WithHTTPClient(srv.Client()),
		WithBackoff(1, 1),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, mux
}

func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	require.Equal(t, want, r.Header.Get(name), "header %s", name)
}

// testJSONBody decodes the request body and compares it with want (a JSON
// document).
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.JSONEq(t, want, string(b))
}

func writeJSON(w http.ResponseWriter, status int, v string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, v)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
