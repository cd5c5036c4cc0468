package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const soqlLeads = "SELECT Id, Email FROM Lead WHERE Email = 'a+b@x.io' AND SystemModstamp > 2024-05-01T00:00:00+02:00"

// pagedQuery registers a query endpoint serving n records in pages of size
// per page and returns a counter of page requests.
func pagedQuery(t *testing.T, mux *http.ServeMux, resource string, n, size int) *atomic.Int32 {
	t.Helper()
	var pages atomic.Int32
	page := func(w http.ResponseWriter, start int) {
		pages.Add(1)
		end := min(start+size, n)
		res := map[string]any{"totalSize": n, "done": end == n}
		recs := []map[string]any{}
		for i := start; i < end; i++ {
			recs = append(recs, map[string]any{
				"attributes": map[string]any{"type": "Lead", "url": "/services/data/v62.0/sobjects/Lead/00Q" + fmt.Sprint(i)},
				"Id":         fmt.Sprintf("00Q%d", i),
			})
		}
		res["records"] = recs
		if end < n {
			res["nextRecordsUrl"] = fmt.Sprintf("/services/data/v62.0/%s/01gCURSOR-%d", resource, end)
		}
		writeJSON(w, 200, mustJSON(t, res))
	}
	mux.HandleFunc("GET "+apiPath(resource), func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, soqlLeads, r.URL.Query().Get("q"))
		testHeader(t, r, "Sforce-Query-Options", "batchSize=200")
		page(w, 0)
	})
	mux.HandleFunc("GET "+apiPath(resource+"/{cursor}"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Sforce-Query-Options", "batchSize=200")
		var start int
		_, err := fmt.Sscanf(r.PathValue("cursor"), "01gCURSOR-%d", &start)
		require.NoError(t, err)
		page(w, start)
	})
	return &pages
}

func TestQuery_FollowsNextRecordsURL(t *testing.T) {
	t.Parallel()
	for _, resource := range []string{"query", "queryAll"} {
		c, mux := setup(t)
		pages := pagedQuery(t, mux, resource, 450, 200)
		seq := c.Query
		if resource == "queryAll" {
			seq = c.QueryAll
		}
		var ids []string
		for rec, err := range seq(t.Context(), soqlLeads, &QueryOptions{BatchSize: 200}) {
			require.NoError(t, err)
			ids = append(ids, rec.ID())
		}
		require.Len(t, ids, 450)
		require.Equal(t, "00Q449", ids[449])
		require.Equal(t, int32(3), pages.Load())
	}
}

func TestQuery_StopEarly(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	pages := pagedQuery(t, mux, "query", 450, 200)
	n := 0
	for _, err := range c.Query(t.Context(), soqlLeads, &QueryOptions{BatchSize: 200}) {
		require.NoError(t, err)
		if n++; n == 5 {
			break
		}
	}
	require.Equal(t, int32(1), pages.Load())
}

func TestQuery_ErrorOnLaterPage(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("query"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gX-2","records":[{"Id":"1"},{"Id":"2"}]}`)
	})
	mux.HandleFunc("GET "+apiPath("query/01gX-2"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `[{"errorCode":"INVALID_QUERY_LOCATOR","message":"invalid query locator"}]`)
	})
	var got []string
	var last error
	for rec, err := range c.Query(t.Context(), "SELECT Id FROM Lead", nil) {
		if err != nil {
			last = err
			continue
		}
		got = append(got, rec.ID())
	}
	require.Equal(t, []string{"1", "2"}, got)
	require.Equal(t, "INVALID_QUERY_LOCATOR", Code(last))
}

func TestQueryPage_AndMore(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("query"), func(w http.ResponseWriter, r *http.Request) {
		_, has := r.Header["Sforce-Query-Options"]
		require.False(t, has)
		writeJSON(w, 200, `{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gY-1","records":[{"Id":"1"}]}`)
	})
	mux.HandleFunc("GET "+apiPath("query/01gY-1"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"totalSize":2,"done":true,"records":[{"Id":"2"}]}`)
	})
	res, resp, err := c.QueryPage(t.Context(), "SELECT Id FROM Lead", nil)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, 2, res.TotalSize)
	require.False(t, res.Done)
	more, _, err := c.QueryMore(t.Context(), res.NextRecordsURL)
	require.NoError(t, err)
	require.True(t, more.Done)
	require.Empty(t, more.NextRecordsURL)
	require.Equal(t, "2", more.Records[0].ID())
}

func TestQuery_MalformedQuery(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("query"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `[{"errorCode":"MALFORMED_QUERY","message":"unexpected token: FORM"}]`)
	})
	_, _, err := c.QueryPage(t.Context(), "SELECT Id FORM Lead", nil)
	require.Equal(t, "MALFORMED_QUERY", Code(err))
	require.ErrorContains(t, err, "unexpected token: FORM")
}

func TestRecord_Helpers(t *testing.T) {
	t.Parallel()
	var rec Record
	require.NoError(t, json.Unmarshal([]byte(`{
		"attributes": {"type": "Contact", "url": "/services/data/v62.0/sobjects/Contact/003A"},
		"Id": "003A",
		"Email": "ada@example.com",
		"NumberOfEmployees": 1200,
		"AnnualRevenue": 45000.5,
		"HasOptedOutOfEmail": true,
		"LastModifiedDate": "2024-05-01T12:34:56.000+0000",
		"Birthdate": "1815-12-10",
		"Owner": {"attributes": {"type": "Name"}, "Name": "Jane Doe", "Email": "jane@acme.com"},
		"Account": null,
		"Parent": {"Owner": {"Email": "boss@acme.com"}},
		"OpportunityContactRoles": {"totalSize": 1, "done": true, "records": [{"Id": "00K1", "Role": "Decision Maker"}]},
		"Cases": null
	}`), &rec))
	require.Equal(t, "003A", rec.ID())
	require.Equal(t, "Contact", rec.Type())
	require.Equal(t, "ada@example.com", rec.String("Email"))
	require.Equal(t, "ada@example.com", rec.String("email"), "case-insensitive fallback")
	require.Equal(t, "jane@acme.com", rec.String("Owner.Email"))
	require.Equal(t, "boss@acme.com", rec.String("Parent.Owner.Email"))
	require.Equal(t, "", rec.String("Account.Name"), "null parent")
	_, ok := rec.Get("Account.Name")
	require.False(t, ok)
	v, ok := rec.Get("Account")
	require.True(t, ok)
	require.Nil(t, v)
	require.Equal(t, "1200", rec.String("NumberOfEmployees"))
	require.Equal(t, "45000.5", rec.String("AnnualRevenue"))
	require.Equal(t, "true", rec.String("HasOptedOutOfEmail"))
	require.True(t, rec.Bool("HasOptedOutOfEmail"))
	f, ok := rec.Float("AnnualRevenue")
	require.True(t, ok)
	require.Equal(t, 45000.5, f)
	_, ok = rec.Float("Email")
	require.False(t, ok)
	ts, ok := rec.Time("LastModifiedDate")
	require.True(t, ok)
	require.Equal(t, time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC), ts)
	d, ok := rec.Time("Birthdate")
	require.True(t, ok)
	require.Equal(t, 1815, d.Year())
	_, ok = rec.Time("Email")
	require.False(t, ok)
	_, ok = rec.Time("Missing")
	require.False(t, ok)
	roles := rec.Children("OpportunityContactRoles")
	require.Len(t, roles, 1)
	require.Equal(t, "Decision Maker", roles[0].String("Role"))
	require.Nil(t, rec.Children("Cases"))

	nr := NewRecord("Lead", map[string]any{"LastName": "Lovelace"})
	require.Equal(t, "Lead", nr.Type())
	require.Equal(t, "Lovelace", nr.String("LastName"))
	require.JSONEq(t, `{"attributes":{"type":"Lead"},"LastName":"Lovelace"}`, mustJSON(t, nr))
}
