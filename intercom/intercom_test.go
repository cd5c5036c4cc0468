package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testToken   = "tok_secret_value"
	baseURLPath = "/api-v2"
)

// setup starts a test server whose API lives under baseURLPath, so that a
// request built with an absolute path fails loudly, and returns a client
// pointed at it plus the mux to register handlers on.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "client used an absolute path: "+r.URL.Path, http.StatusBadGateway)
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	all := append([]Option{WithBaseURL(srv.URL + baseURLPath), WithBackoff(time.Millisecond, time.Millisecond)}, opts...)
	return NewClient(testToken, all...), mux
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	require.Equal(t, want, r.Method)
}

func testHeader(t *testing.T, r *http.Request, header, want string) {
	t.Helper()
	require.Equal(t, want, r.Header.Get(header))
}

// testJSONBody checks that the request body is JSON equal to want.
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.JSONEq(t, want, string(got))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func errorBody(code, message string) string {
	b, _ := json.Marshal(map[string]any{
		"type": "error.list", "request_id": "req-1",
		"errors": []map[string]string{{"code": code, "message": message}},
	})
	return string(b)
}

// testErrorPaths checks that call turns an Intercom error.list answer into
// a typed error carrying the request id, and a dead server into a
// transport error that does not leak the token.
func testErrorPaths(t *testing.T, call func(*Client) error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody("not_found", "Resource Not Found"))
	}))
	t.Cleanup(srv.Close)
	err := call(NewClient(testToken, WithBaseURL(srv.URL), WithBackoff(time.Millisecond, time.Millisecond)))
	require.ErrorIs(t, err, ErrNotFound)
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, "req-1", er.RequestID)
	require.Equal(t, "not_found", er.Code())

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	err = call(NewClient(testToken, WithBaseURL(dead.URL), WithBackoff(time.Millisecond, time.Millisecond)))
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrNotFound)
	require.NotContains(t, err.Error(), testToken)
}

func TestNewClient_Defaults(t *testing.T) {
	t.Parallel()
	c := NewClient("t")
	require.Equal(t, BaseURLUS, c.BaseURL())
	require.Equal(t, DefaultVersion, c.Version())
	require.Equal(t, "2.14", c.Version())
	require.True(t, c.rateLimitWait)
	require.NotNil(t, c.Contacts)
	require.NotNil(t, c.Companies)
	require.NotNil(t, c.Conversations)
	require.NotNil(t, c.Admins)
	require.NotNil(t, c.DataAttributes)
	require.NotNil(t, c.Tags)
	require.NotNil(t, c.Notes)

	eu := NewClient("t", WithBaseURL(BaseURLEU+"/"), WithVersion("2.16"))
	require.Equal(t, BaseURLEU, eu.BaseURL())
	require.Equal(t, "2.16", eu.Version())
}

func TestClient_SendsHeaders(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithVersion("2.16"))
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Authorization", "Bearer "+testToken)
		testHeader(t, r, "Accept", "application/json")
		testHeader(t, r, "Intercom-Version", "2.16")
		writeJSON(w, 200, `{"type":"admin","id":"1"}`)
	})
	mux.HandleFunc("/tags", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Content-Type", "application/json")
		testHeader(t, r, "Intercom-Version", "2.16")
		writeJSON(w, 200, `{"type":"tag","id":"9","name":"vip"}`)
	})
	_, _, err := c.Admins.Me(context.Background())
	require.NoError(t, err)
	_, _, err = c.Tags.Create(context.Background(), "vip")
	require.NoError(t, err)
}

func TestClient_RateHeadersAndHook(t *testing.T) {
	t.Parallel()
	var hooked atomic.Int32
	c, mux := setup(t, WithResponseHook(func(r *Response) {
		hooked.Add(1)
		require.Equal(t, 167, r.Rate.Limit)
	}))
	mux.HandleFunc("/admins", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "167")
		w.Header().Set("X-RateLimit-Remaining", "150")
		w.Header().Set("X-RateLimit-Reset", "1717200010")
		writeJSON(w, 200, `{"type":"admin.list","admins":[]}`)
	})
	_, resp, err := c.Admins.List(context.Background())
	require.NoError(t, err)
	require.Equal(t, Rate{Limit: 167, Remaining: 150, Reset: time.Unix(1717200010, 0)}, resp.Rate)
	require.Equal(t, int32(1), hooked.Load())
}

func rateLimited(w http.ResponseWriter, reset time.Time) {
	w.Header().Set("X-RateLimit-Limit", "10")
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	writeJSON(w, http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "Exceeded rate limit of 10 in 10_seconds"))
}

func TestClient_RateLimitWaitAndRetry(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var hooked atomic.Int32
	c, mux := setup(t, WithResponseHook(func(*Response) { hooked.Add(1) }))
	mux.HandleFunc("/contacts", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"email":"a@example.com"}`)
		if calls.Add(1) == 1 {
			rateLimited(w, time.Now().Add(time.Second))
			return
		}
		writeJSON(w, 200, `{"type":"contact","id":"c1","email":"a@example.com"}`)
	})
	got, _, err := c.Contacts.Create(context.Background(), &ContactRequest{Email: Ptr("a@example.com")})
	require.NoError(t, err)
	require.Equal(t, "c1", got.ID)
	require.Equal(t, int32(2), calls.Load(), "the body is replayed on the retry")
	require.Equal(t, int32(2), hooked.Load())
}

func TestClient_RateLimitRetriesWithinMaxRetries(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c, mux := setup(t)
	mux.HandleFunc("/admins", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rateLimited(w, time.Now().Add(-time.Second))
	})
	_, _, err := c.Admins.List(context.Background())
	require.ErrorIs(t, err, ErrRateLimited)
	var rle *RateLimitError
	require.ErrorAs(t, err, &rle)
	require.Equal(t, 10, rle.Rate.Limit)
	var ree *RetriesExhaustedError
	require.ErrorAs(t, err, &ree)
	require.Equal(t, 3, ree.Attempts)
	require.Equal(t, "429 rate limit exceeded", ree.LastReason)
	require.Equal(t, int32(3), calls.Load(), "the first attempt and two retries")
}

func TestClient_RateLimitNoWait(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c, mux := setup(t, WithRateLimitWait(false))
	mux.HandleFunc("/admins", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rateLimited(w, time.Now().Add(time.Hour))
	})
	_, resp, err := c.Admins.List(context.Background())
	require.ErrorIs(t, err, ErrRateLimited)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, int32(1), calls.Load())
}

func TestClient_RateLimitWaitHonoursContext(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the 429 has arrived, while the client waits for the reset.
	c, mux := setup(t, WithResponseHook(func(*Response) { cancel() }))
	mux.HandleFunc("/admins", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rateLimited(w, time.Now().Add(30*time.Second))
	})
	_, _, err := c.Admins.List(ctx)
	require.ErrorIs(t, err, ErrRateLimited)
	require.Equal(t, int32(1), calls.Load())
}

func TestClient_RateLimitResetTooFar(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c, mux := setup(t)
	mux.HandleFunc("/admins", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rateLimited(w, time.Now().Add(2*time.Hour))
	})
	_, _, err := c.Admins.List(context.Background())
	require.ErrorIs(t, err, ErrRateLimited)
	require.Equal(t, int32(1), calls.Load())
}

func TestClient_ErrorsNeverContainToken(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, errorBody("unauthorized", "Access Token Invalid"))
	})
	_, _, err := c.Admins.Me(context.Background())
	require.ErrorIs(t, err, ErrUnauthorized)
	require.NotContains(t, err.Error(), testToken)
	require.Contains(t, err.Error(), "unauthorized")
	require.Contains(t, err.Error(), "req-1")
}

func TestClient_ContextCanceled(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{}`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.Admins.Me(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestClient_BadJSON(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":`)
	})
	_, _, err := c.Admins.Me(context.Background())
	require.Error(t, err)
	require.Contains(t, err.Error(), "decode")
}

func TestClient_AbsolutePathsFail(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	req, err := c.NewRequest(context.Background(), http.MethodGet, "/me", nil)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(req.URL.Path, baseURLPath+"/me"), req.URL.Path)
	_, err = c.NewRequest(context.Background(), http.MethodPost, "x", map[string]any{"bad": func() {}})
	require.Error(t, err)
	_, err = c.NewRequest(context.Background(), http.MethodGet, ":%zz", nil)
	require.Error(t, err)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
