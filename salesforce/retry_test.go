package salesforce

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetry_5xxThenSuccess(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("POST "+apiPath("sobjects/Lead"), func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"LastName":"Lovelace"}`) // body rewound on every attempt
		if calls.Add(1) < 3 {
			writeJSON(w, 503, `[{"errorCode":"SERVER_UNAVAILABLE","message":"try later"}]`)
			return
		}
		writeJSON(w, 201, `{"id":"00Q1","success":true,"errors":[]}`)
	})
	id, _, err := c.SObjects.Create(t.Context(), "Lead", map[string]any{"LastName": "Lovelace"})
	require.NoError(t, err)
	require.Equal(t, "00Q1", id)
	require.Equal(t, int32(3), calls.Load())
}

func TestRetry_GivesUpWithReason(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithMaxRetries(3))
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 500, `[{"errorCode":"UNKNOWN_EXCEPTION","message":"oops"}]`)
	})
	_, resp, err := c.Limits(t.Context())
	require.Equal(t, int32(4), calls.Load())
	require.Equal(t, 500, resp.StatusCode)
	var re *RetriesExhaustedError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 4, re.Attempts)
	require.Contains(t, err.Error(), "500 Internal Server Error UNKNOWN_EXCEPTION")
	require.Equal(t, "UNKNOWN_EXCEPTION", Code(err))
}

func TestRetry_RowLock(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("PATCH "+apiPath("sobjects/Account/0011"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 400, `[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]`)
	})
	_, err := c.SObjects.Update(t.Context(), "Account", "0011", map[string]any{"Name": "x"})
	require.ErrorIs(t, err, ErrRowLock)
	require.Contains(t, err.Error(), "UNABLE_TO_LOCK_ROW")
	require.Equal(t, int32(3), calls.Load())
}

func TestRetry_NeverOnRequestLimitOrValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		want   error
	}{
		{403, `[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]`, ErrRequestLimitExceeded},
		{400, `[{"errorCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]`, ErrRequiredFieldMissing},
		{404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, ErrNotFound},
	} {
		c, mux := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, tc.status, tc.body)
		})
		_, _, err := c.Limits(t.Context())
		require.ErrorIs(t, err, tc.want)
		var re *RetriesExhaustedError
		require.False(t, errors.As(err, &re))
		require.Equal(t, int32(1), calls.Load())
	}
}

func TestRetry_ConnectionError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			require.NoError(t, err)
			conn.Close()
			return
		}
		writeJSON(w, 200, `{}`)
	})
	_, _, err := c.Limits(t.Context())
	require.NoError(t, err)
	require.Equal(t, int32(2), calls.Load())
}

func TestRetry_StopsWhenContextDone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	c, mux := setup(t, WithBackoff(time.Hour, time.Hour))
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		cancel()
		writeJSON(w, 503, `[]`)
	})
	_, _, err := c.Limits(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, int32(1), calls.Load())
}

func TestRetry_WaitInterruptedByContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	// The policy asks for a retry and the context ends before the backoff
	// (an hour) is over.
	policy := func(context.Context, *http.Response, error) (bool, string) {
		cancel()
		return true, "forced"
	}
	c, mux := setup(t, WithBackoff(time.Hour, time.Hour), WithRetryPolicy(policy))
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, `[]`)
	})
	_, _, err := c.Limits(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Contains(t, err.Error(), "waiting to retry (forced)")
	require.Equal(t, int32(1), calls.Load())
}

func TestRetry_CustomPolicy(t *testing.T) {
	t.Parallel()
	var asked atomic.Int32
	policy := func(ctx context.Context, resp *http.Response, err error) (bool, string) {
		asked.Add(1)
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), "TEAPOT"), "teapot"
	}
	c, mux := setup(t, WithRetryPolicy(policy), WithMaxRetries(1))
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 418, `[{"errorCode":"TEAPOT","message":"short and stout"}]`)
	})
	_, _, err := c.Limits(t.Context())
	require.Equal(t, int32(2), calls.Load())
	require.Equal(t, int32(2), asked.Load())
	require.Equal(t, "TEAPOT", Code(err), "the body is rewound after the policy read it")
	require.Contains(t, err.Error(), "last retry because teapot")

	c, mux = setup(t, WithRetryPolicy(NoRetry))
	calls.Store(0)
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, `[]`)
	})
	_, _, err = c.Limits(t.Context())
	require.Error(t, err)
	require.Equal(t, int32(1), calls.Load())
}

func TestDefaultRetryPolicy_TransportErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	uerr := func(e error) error { return &url.Error{Op: "Get", URL: "https://x", Err: e} }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", uerr(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		{"reset", uerr(io.ErrUnexpectedEOF), true},
		{"unknown CA", uerr(x509.UnknownAuthorityError{}), false},
		{"bad scheme", uerr(errors.New(`unsupported protocol scheme "ftp"`)), false},
		{"redirects", uerr(errors.New("stopped after 10 redirects")), false},
		{"deadline", uerr(context.DeadlineExceeded), false},
	}
	for _, tc := range cases {
		got, reason := DefaultRetryPolicy(ctx, nil, tc.err)
		require.Equal(t, tc.want, got, tc.name)
		if got {
			require.Contains(t, reason, "connection error")
		}
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	got, _ := DefaultRetryPolicy(done, nil, uerr(io.ErrUnexpectedEOF))
	require.False(t, got)
}

func TestDefaultRetryPolicy_Statuses(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 501: false, 400: false, 404: false} {
		resp := &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(`[]`)), Header: http.Header{}}
		got, _ := DefaultRetryPolicy(t.Context(), resp, nil)
		require.Equal(t, want, got, status)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAccessToken("t0k3n"), WithInstanceURL("https://x"))
	require.NoError(t, err)
	for attempt, ceiling := range []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond, 5 * time.Second, 5 * time.Second} {
		for range 20 {
			d := c.backoff(attempt, nil)
			require.GreaterOrEqual(t, d, ceiling/2, "attempt %d", attempt)
			require.LessOrEqual(t, d, ceiling, "attempt %d", attempt)
		}
	}
	for range 20 {
		d := c.backoff(100, nil)
		require.GreaterOrEqual(t, d, 2500*time.Millisecond, "large attempts stay capped")
		require.LessOrEqual(t, d, 5*time.Second, "large attempts stay capped")
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"3"}}}
	require.Equal(t, 3*time.Second, c.backoff(0, resp))
	resp.Header.Set("Retry-After", "3600")
	require.Equal(t, time.Minute, c.backoff(0, resp))
}
