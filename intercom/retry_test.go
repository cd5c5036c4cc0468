package intercom

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// failing answers status for the first n calls and then 200 with body.
func failing(t *testing.T, calls *atomic.Int32, n int32, status int, body string) http.HandlerFunc {
	t.Helper()
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			if status == http.StatusTooManyRequests {
				rateLimited(w, time.Now().Add(-time.Second))
				return
			}
			writeJSON(w, status, errorBody("server_error", "boom"))
			return
		}
		writeJSON(w, 200, body)
	}
}

func TestRetry_TransientAnswersAreRetriedWithReasons(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []RetryEvent
	c, mux := setup(t, WithRetryHook(func(e RetryEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }))
	var calls atomic.Int32
	mux.HandleFunc("GET /admins", func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			writeJSON(w, http.StatusServiceUnavailable, errorBody("service_unavailable", "later"))
		case 2:
			writeJSON(w, http.StatusBadGateway, `<html>bad gateway</html>`)
		default:
			writeJSON(w, 200, `{"type":"admin.list","admins":[{"id":"1","email":"a@b.c"}]}`)
		}
	})
	admins, _, err := c.Admins.List(t.Context())
	require.NoError(t, err)
	require.Len(t, admins, 1)
	require.Equal(t, int32(3), calls.Load())
	require.Len(t, events, 2)
	require.Equal(t, RetryEvent{Method: "GET", Path: baseURLPath + "/admins", Attempt: 1, Reason: "503 Service Unavailable", Wait: events[0].Wait}, events[0])
	require.Equal(t, "502 Bad Gateway", events[1].Reason)
	require.Equal(t, 2, events[1].Attempt)
}

func TestRetry_PermanentAnswersAreNot(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusNotImplemented} {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("GET /contacts/x", failing(t, &calls, 5, status, `{}`))
		_, _, err := c.Contacts.Get(t.Context(), "x")
		require.Error(t, err, status)
		require.Equal(t, int32(1), calls.Load(), status)
		var ree *RetriesExhaustedError
		require.False(t, errors.As(err, &ree), status)
	}
}

func TestRetry_GivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts  []Option
		calls int32
	}{
		{nil, 3},
		{[]Option{WithMaxRetries(4)}, 5},
		{[]Option{WithMaxRetries(0)}, 1},
		{[]Option{WithRetryPolicy(NoRetry)}, 1},
		{[]Option{WithRetryPolicy(nil)}, 1},
	} {
		c, mux := setup(t, tc.opts...)
		var calls atomic.Int32
		mux.HandleFunc("GET /contacts/x", failing(t, &calls, 100, http.StatusInternalServerError, `{}`))
		_, resp, err := c.Contacts.Get(t.Context(), "x")
		require.Equal(t, 500, statusOf(t, err), "the last failure is kept")
		require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		require.Equal(t, tc.calls, calls.Load())
		var ree *RetriesExhaustedError
		if tc.calls > 1 {
			require.ErrorAs(t, err, &ree)
			require.Equal(t, int(tc.calls), ree.Attempts)
			require.Equal(t, "500 Internal Server Error", ree.LastReason)
			require.Contains(t, err.Error(), "gave up after")
		} else {
			require.False(t, errors.As(err, &ree))
		}
	}
}

func TestRetry_CreatesAreNotReplayedWhenTheyMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var creates, searches, updates, upserts, notes atomic.Int32
	mux.HandleFunc("POST /contacts", failing(t, &creates, 1, http.StatusInternalServerError, `{"type":"contact","id":"c1"}`))
	mux.HandleFunc("POST /contacts/search", failing(t, &searches, 1, http.StatusInternalServerError, `{"type":"list","data":[]}`))
	mux.HandleFunc("PUT /contacts/c1", failing(t, &updates, 1, http.StatusInternalServerError, `{"type":"contact","id":"c1"}`))
	mux.HandleFunc("POST /companies", failing(t, &upserts, 1, http.StatusInternalServerError, `{"type":"company","id":"co1"}`))
	mux.HandleFunc("POST /contacts/c1/notes", failing(t, &notes, 1, http.StatusServiceUnavailable, `{"type":"note","id":"n1"}`))
	ctx := t.Context()

	_, _, err := c.Contacts.Create(ctx, &ContactRequest{Email: Ptr("a@b.c")})
	require.Error(t, err, "a 500 may have been applied")
	require.Equal(t, int32(1), creates.Load())
	_, _, err = c.Notes.Create(ctx, "c1", "1", "hello")
	require.Error(t, err)
	require.Equal(t, int32(1), notes.Load())

	_, _, err = c.Contacts.Search(ctx, &SearchRequest{Query: Where("email", OpEquals, "a@b.c")})
	require.NoError(t, err, "a search is a read")
	require.Equal(t, int32(2), searches.Load())
	_, _, err = c.Contacts.Update(ctx, "c1", &ContactRequest{Name: Ptr("A")})
	require.NoError(t, err, "PUT is idempotent")
	require.Equal(t, int32(2), updates.Load())
	_, _, err = c.Companies.CreateOrUpdate(ctx, &CompanyRequest{CompanyID: "acme"})
	require.NoError(t, err, "an upsert by company_id is idempotent")
	require.Equal(t, int32(2), upserts.Load())

	// A 429 was not applied: the create is sent again, with its body.
	var limited atomic.Int32
	c2, mux2 := setup(t)
	mux2.HandleFunc("POST /contacts", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"email":"a@b.c"}`)
		failing(t, &limited, 1, http.StatusTooManyRequests, `{"type":"contact","id":"c2"}`)(w, r)
	})
	ct, _, err := c2.Contacts.Create(ctx, &ContactRequest{Email: Ptr("a@b.c")})
	require.NoError(t, err)
	require.Equal(t, "c2", ct.ID)
	require.Equal(t, int32(2), limited.Load())
}

func TestRetry_ConnectionErrors(t *testing.T) {
	t.Parallel()
	// Refused: nothing was sent, so even a create is retried.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	var events atomic.Int32
	c := NewClient(testToken, WithBaseURL(dead.URL), WithBackoff(time.Millisecond, time.Millisecond),
		WithRetryHook(func(e RetryEvent) {
			events.Add(1)
			require.Contains(t, e.Reason, "connection error")
			require.NotContains(t, e.Reason, testToken)
		}))
	_, _, err := c.Contacts.Create(t.Context(), &ContactRequest{Email: Ptr("a@b.c")})
	require.Error(t, err)
	require.Equal(t, int32(2), events.Load())
	var ree *RetriesExhaustedError
	require.ErrorAs(t, err, &ree)
	require.Equal(t, 3, ree.Attempts)

	// Dropped after the request was sent: a create is not replayed, a read is.
	var drops atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		drops.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		require.NoError(t, err)
		_ = conn.Close()
	}))
	t.Cleanup(srv.Close)
	c = NewClient(testToken, WithBaseURL(srv.URL), WithBackoff(time.Millisecond, time.Millisecond))
	_, _, err = c.Contacts.Create(t.Context(), &ContactRequest{Email: Ptr("a@b.c")})
	require.Error(t, err)
	require.Equal(t, int32(1), drops.Load())
	_, _, err = c.Contacts.Get(t.Context(), "x")
	require.Error(t, err)
	require.Equal(t, int32(4), drops.Load())
}

func TestRetry_NeverAfterTheContextEnds(t *testing.T) {
	t.Parallel()
	// Cancelled while waiting to retry.
	ctx, cancel := context.WithCancel(t.Context())
	c, mux := setup(t, WithBackoff(time.Hour, time.Hour), WithRetryHook(func(RetryEvent) { cancel() }))
	var calls atomic.Int32
	mux.HandleFunc("GET /contacts/x", failing(t, &calls, 5, http.StatusServiceUnavailable, `{}`))
	start := time.Now()
	_, _, err := c.Contacts.Get(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 503, statusOf(t, err), "the failure that was not retried is kept")
	require.Contains(t, err.Error(), "503 Service Unavailable")
	require.Less(t, time.Since(start), time.Minute)
	require.Equal(t, int32(1), calls.Load())

	// Cancelled when the answer arrives: the policy does not retry.
	ctx, cancel = context.WithCancel(t.Context())
	c, mux = setup(t, WithResponseHook(func(*Response) { cancel() }))
	calls.Store(0)
	mux.HandleFunc("GET /contacts/x", failing(t, &calls, 5, http.StatusServiceUnavailable, `{}`))
	_, _, err = c.Contacts.Get(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, int32(1), calls.Load())

	require.False(t, first(DefaultRetryPolicy(ctx, &http.Response{StatusCode: 503}, nil)))
	require.False(t, first(DefaultRetryPolicy(t.Context(), nil, context.DeadlineExceeded)))
}

func TestRetry_CustomPolicyReason(t *testing.T) {
	t.Parallel()
	teapots := func(_ context.Context, resp *http.Response, _ error) (bool, string) {
		return resp != nil && resp.StatusCode == http.StatusTeapot, "the teapot is busy"
	}
	c, mux := setup(t, WithRetryPolicy(teapots), WithMaxRetries(1))
	var calls atomic.Int32
	mux.HandleFunc("GET /contacts/x", failing(t, &calls, 5, http.StatusTeapot, `{}`))
	_, _, err := c.Contacts.Get(t.Context(), "x")
	var ree *RetriesExhaustedError
	require.ErrorAs(t, err, &ree)
	require.Equal(t, "the teapot is busy", ree.LastReason)
	require.Equal(t, int32(2), calls.Load())
}

func TestIdempotentPost(t *testing.T) {
	t.Parallel()
	c := NewClient(testToken, WithBaseURL("https://api.example/v2"))
	for path, want := range map[string]bool{
		"/v2/contacts/search":          true,
		"/v2/conversations/search":     true,
		"/v2/companies":                true,
		"/v2/companies/list":           true,
		"/v2/tags":                     true,
		"/v2/contacts/abc/companies":   true,
		"/v2/contacts/abc/tags":        true,
		"/v2/conversations/12/tags":    true,
		"/v2/contacts/abc/archive":     true,
		"/v2/contacts/abc/unarchive":   true,
		"/v2/contacts":                 false,
		"/v2/contacts/merge":           false,
		"/v2/contacts/abc/notes":       false,
		"/v2/conversations":            false,
		"/v2/conversations/12/reply":   false,
		"/v2/conversations/12/parts":   false,
		"/v2/data_attributes":          false,
		"/v2/conversations/attributes": false,
	} {
		require.Equal(t, want, c.idempotentPost(path), path)
	}
}

func first(b bool, _ string) bool { return b }

func statusOf(t *testing.T, err error) int {
	t.Helper()
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	return er.StatusCode
}
