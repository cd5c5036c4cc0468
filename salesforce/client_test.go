package salesforce

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewClient_Validation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"no credentials", []Option{WithInstanceURL("https://x.my.salesforce.com")}, "no credentials"},
		{"static token without instance", []Option{WithAccessToken("t0k3n")}, "needs WithInstanceURL"},
		{"relative instance", []Option{WithAccessToken("t0k3n"), WithInstanceURL("x.my.salesforce.com")}, "must be absolute"},
		{"bad version", []Option{WithAccessToken("t0k3n"), WithInstanceURL("https://x"), WithAPIVersion("62")}, "API version"},
		{"bad backoff", []Option{WithAccessToken("t0k3n"), WithInstanceURL("https://x"), WithBackoff(2, 1)}, "backoff"},
		{"negative retries", []Option{WithAccessToken("t0k3n"), WithInstanceURL("https://x"), WithMaxRetries(-1)}, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewClient(tc.opts...)
			require.ErrorContains(t, err, tc.want)
		})
	}

	c, err := NewClient(WithAccessToken("t0k3n"), WithInstanceURL("https://x/"), WithAPIVersion("v60.0"))
	require.NoError(t, err)
	require.Equal(t, "60.0", c.APIVersion())
}

func TestClient_RequestHeaders(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer "+testToken)
		testHeader(t, r, "Accept", "application/json")
		testHeader(t, r, "Sforce-Call-Options", "client=tandem")
		testHeader(t, r, "Sforce-Auto-Assign", "")
		writeJSON(w, 200, `{}`)
	})
	mux.HandleFunc("PATCH "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Sforce-Auto-Assign", "FALSE")
		testHeader(t, r, "Content-Type", "application/json")
		testHeader(t, r, "Sforce-Call-Options", "client=tandem")
		w.WriteHeader(http.StatusNoContent)
	})
	_, _, err := c.Limits(t.Context())
	require.NoError(t, err)
	_, err = c.SObjects.Update(t.Context(), "Lead", "00Q1", map[string]any{"Email": "a@b.c"})
	require.NoError(t, err)
}

func TestClient_AutoAssignAndCallOptions(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithAutoAssign(true), WithCallOptions(""))
	mux.HandleFunc("POST "+apiPath("sobjects/Case"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Sforce-Auto-Assign", "TRUE")
		_, present := r.Header["Sforce-Call-Options"]
		require.False(t, present)
		writeJSON(w, 201, `{"id":"5001","success":true,"errors":[]}`)
	})
	id, _, err := c.SObjects.Create(t.Context(), "Case", map[string]any{"Subject": "x"})
	require.NoError(t, err)
	require.Equal(t, "5001", id)

	c2, mux2 := setup(t, WithCallOptions("client=bridge-7"))
	mux2.HandleFunc("DELETE "+apiPath("sobjects/Case/5001"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Sforce-Call-Options", "client=bridge-7")
		testHeader(t, r, "Sforce-Auto-Assign", "FALSE")
		w.WriteHeader(http.StatusNoContent)
	})
	_, err = c2.SObjects.Delete(t.Context(), "Case", "5001")
	require.NoError(t, err)
}

func TestNewRequest_RefusesAbsoluteURLs(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	for _, u := range []string{"https://evil.example/services/data", "//evil.example/x"} {
		_, err := c.NewRequest(http.MethodGet, u, nil)
		require.ErrorContains(t, err, "absolute URL refused")
	}
	req, err := c.NewRequest(http.MethodGet, "sobjects", nil)
	require.NoError(t, err)
	require.Equal(t, "/services/data/v62.0/sobjects", req.URL.Path)
	req, err = c.NewRequest(http.MethodGet, "/services/data/v62.0/query/01g-2000", nil)
	require.NoError(t, err)
	require.Equal(t, "/services/data/v62.0/query/01g-2000", req.URL.Path)
}

func TestClient_ResponseHookAndLimitInfo(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var last atomic.Pointer[Response]
	c, mux := setup(t, WithResponseHook(func(r *Response) {
		calls.Add(1)
		last.Store(r)
	}))
	mux.HandleFunc("GET "+apiPath("sobjects"), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Sforce-Limit-Info", "api-usage=1523/15000")
		writeJSON(w, 200, `{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[{"name":"Lead","keyPrefix":"00Q","queryable":true}]}`)
	})
	g, resp, err := c.SObjects.DescribeGlobal(t.Context())
	require.NoError(t, err)
	require.Equal(t, LimitInfo{Used: 1523, Max: 15000}, resp.Limit)
	require.Equal(t, 13477, resp.Limit.Remaining())
	require.Equal(t, int32(1), calls.Load())
	require.Same(t, resp, last.Load())
	require.Equal(t, 200, g.MaxBatchSize)
	require.Equal(t, "00Q", g.SObjects[0].KeyPrefix)
}

func TestParseLimitInfo(t *testing.T) {
	t.Parallel()
	cases := map[string]LimitInfo{
		"api-usage=1523/15000": {1523, 15000},
		"api-usage=25/5000; per-app-api-usage=17/250(appName=x)": {25, 5000},
		"per-app-api-usage=17/250(appName=x), api-usage=7/100":   {7, 100},
		"":                   {},
		"api-usage=abc/100":  {},
		"api-usage=12":       {},
		"something-else=1/2": {},
	}
	for in, want := range cases {
		require.Equal(t, want, ParseLimitInfo(in), in)
	}
}

func TestClient_TokenInstanceURLWins(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		require.Equal(t, "/services/data/v62.0/limits", r.URL.Path)
		writeJSON(w, 200, `{"DailyApiRequests":{"Max":15000,"Remaining":14998}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(
		WithInstanceURL("http://127.0.0.1:1"), // would fail if used
		WithTokenSource(StaticTokenSource("t0k3n", srv.URL)),
		WithRetryPolicy(NoRetry),
	)
	require.NoError(t, err)
	limits, _, err := c.Limits(t.Context())
	require.NoError(t, err)
	require.Equal(t, Limit{Max: 15000, Remaining: 14998}, limits["DailyApiRequests"])
	require.Equal(t, int32(1), hits.Load())
}

// countingSource hands out tok-1, tok-2, ... and counts invalidations.
type countingSource struct {
	n           atomic.Int32
	invalidated atomic.Int32
	instance    string
	fail        error
}

func (s *countingSource) Token(context.Context) (*Token, error) {
	if s.fail != nil {
		return nil, s.fail
	}
	return &Token{AccessToken: "tok-" + string(rune('0'+s.n.Load()+1)), InstanceURL: s.instance}, nil
}

func (s *countingSource) Invalidate(*Token) {
	s.invalidated.Add(1)
	s.n.Add(1)
}

func TestClient_ReauthOnceOnInvalidSession(t *testing.T) {
	t.Parallel()
	src := &countingSource{}
	c, mux := setup(t, WithTokenSource(src))
	var seen []string
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer tok-2" {
			writeJSON(w, 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			return
		}
		writeJSON(w, 200, `{"attributes":{"type":"Lead"},"Id":"00Q1"}`)
	})
	rec, _, err := c.SObjects.Get(t.Context(), "Lead", "00Q1", nil)
	require.NoError(t, err)
	require.Equal(t, "00Q1", rec.ID())
	require.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, seen)
	require.Equal(t, int32(1), src.invalidated.Load())
}

func TestClient_ReauthOnlyOnce(t *testing.T) {
	t.Parallel()
	src := &countingSource{}
	c, mux := setup(t, WithTokenSource(src))
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
	})
	_, _, err := c.SObjects.Get(t.Context(), "Lead", "00Q1", nil)
	require.ErrorIs(t, err, ErrSessionExpired)
	require.Equal(t, int32(2), calls.Load())
	require.Equal(t, "INVALID_SESSION_ID", Code(err))
}

func TestClient_StaticTokenNotReplayed(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
	})
	_, resp, err := c.Limits(t.Context())
	require.ErrorIs(t, err, ErrSessionExpired)
	require.Equal(t, 401, resp.StatusCode)
	require.Equal(t, int32(1), calls.Load())
}

func TestClient_TokenSourceErrorSurfaces(t *testing.T) {
	t.Parallel()
	boom := errors.New("vault sealed")
	c, _ := setup(t, WithTokenSource(&countingSource{fail: boom}))
	_, _, err := c.Limits(t.Context())
	require.ErrorIs(t, err, boom)
}

func TestClient_TokensNeverInErrors(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{testToken, "plain-secret-value-42"} {
		c, mux := setup(t, WithTokenSource(StaticTokenSource(tok, "")))
		// A hostile or buggy server echoing the credential back.
		mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, mustJSON(t, []map[string]string{{
				"errorCode": "BAD", "message": "you sent " + r.Header.Get("Authorization") + " and " + tok,
			}}))
		})
		_, _, err := c.Limits(t.Context())
		require.Error(t, err)
		require.NotContains(t, err.Error(), tok)
		require.Contains(t, err.Error(), redacted)
	}
}

func TestClient_NoInstanceURL(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithTokenSource(&countingSource{}))
	require.NoError(t, err)
	_, _, err = c.Limits(t.Context())
	require.ErrorContains(t, err, "no instance URL")
}

func TestClient_DecodeError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("sobjects"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"sobjects":`)
	})
	_, _, err := c.SObjects.DescribeGlobal(t.Context())
	require.ErrorContains(t, err, "decode")
}

func TestClient_RawBodyToWriter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath(""), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"sobjects":"/services/data/v62.0/sobjects"}`)
	})
	req, err := c.NewRequest(http.MethodGet, "", nil)
	require.NoError(t, err)
	var sb strings.Builder
	_, err = c.Do(t.Context(), req, &sb)
	require.NoError(t, err)
	require.Contains(t, sb.String(), "sobjects")
}
