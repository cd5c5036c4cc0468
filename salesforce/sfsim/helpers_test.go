package sfsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testBase = "/services/data/v62.0"

// testClock is a settable clock for Options.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testBundle struct {
	sim   *Server
	ts    *httptest.Server
	clock *testClock
}

func setup(t *testing.T, opts Options) *testBundle {
	t.Helper()
	clock := &testClock{t: time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.CustomFields == nil {
		opts.CustomFields = map[string][]FieldSpec{
			"Lead":    {{Name: "Plan__c", Type: "string", Length: 80}},
			"Contact": {{Name: "Plan__c", Type: "string", Length: 80}, {Name: "Ext_Id__c", Type: "string", Length: 40, ExternalID: true, Unique: true}},
			"Account": {{Name: "Ext_Id__c", Type: "string", Length: 40, ExternalID: true},
				{Name: "Tier__c", Type: "picklist", Picklist: []string{"Gold", "Silver"}, Restricted: true},
				{Name: "Tags__c", Type: "multipicklist", Picklist: []string{"A", "B", "C"}}},
		}
	}
	sim := New(opts)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return &testBundle{sim: sim, ts: ts, clock: clock}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.body, &v), string(r.body))
	return v
}

func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	require.True(t, ok, string(r.body))
	return m
}

// errorCode returns the errorCode of a single-resource error body.
func (r resp) errorCode(t *testing.T) string {
	t.Helper()
	var errs []struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields"`
	}
	require.NoError(t, json.Unmarshal(r.body, &errs), string(r.body))
	require.Len(t, errs, 1)
	return errs[0].ErrorCode
}

func (b *testBundle) do(t *testing.T, method, path string, body any, headers ...string) resp {
	t.Helper()
	var rd io.Reader
	switch x := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(x)
	default:
		buf, err := json.Marshal(x)
		require.NoError(t, err)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, b.ts.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func (b *testBundle) query(t *testing.T, soql string, headers ...string) resp {
	t.Helper()
	return b.do(t, http.MethodGet, testBase+"/query?q="+url.QueryEscape(soql), nil, headers...)
}

// missingID returns a well-formed id that no record has.
func missingID(prefix string) string { return newID(prefix, 999999999) }
