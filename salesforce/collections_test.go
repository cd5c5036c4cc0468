package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

type collectionBody struct {
	AllOrNone bool     `json:"allOrNone"`
	Records   []Record `json:"records"`
}

// echoCollection answers a collection write with one success per record
// (ids made from the record's LastName), counting calls and chunk sizes.
func echoCollection(t *testing.T, sizes *[]int, allOrNone bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body collectionBody
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		require.Equal(t, allOrNone, body.AllOrNone)
		*sizes = append(*sizes, len(body.Records))
		out := make([]map[string]any, len(body.Records))
		for i, rec := range body.Records {
			require.Equal(t, "Lead", rec.Type())
			out[i] = map[string]any{"id": "id-" + rec.String("LastName"), "success": true, "errors": []any{}}
		}
		writeJSON(w, 200, mustJSON(t, out))
	}
}

func leads(n int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = NewRecord("Lead", map[string]any{"LastName": fmt.Sprint(i), "Company": "Analytical"})
	}
	return recs
}

func TestCollections_CreateChunks(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var sizes []int
	mux.HandleFunc("POST "+apiPath("composite/sobjects"), echoCollection(t, &sizes, true))
	res, err := c.Collections.Create(t.Context(), leads(450), true)
	require.NoError(t, err)
	require.Equal(t, []int{200, 200, 50}, sizes)
	require.Len(t, res, 450)
	for i, r := range res {
		require.Equal(t, fmt.Sprintf("id-%d", i), r.ID, "results stay in input order")
		require.NoError(t, r.Err())
	}
	res, err = c.Collections.Create(t.Context(), nil, true)
	require.NoError(t, err)
	require.Empty(t, res)
	require.Len(t, sizes, 3, "no call for no records")
}

func TestCollections_Update(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var sizes []int
	mux.HandleFunc("PATCH "+apiPath("composite/sobjects"), echoCollection(t, &sizes, false))
	res, err := c.Collections.Update(t.Context(), leads(3), false)
	require.NoError(t, err)
	require.Len(t, res, 3)
	require.Equal(t, []int{3}, sizes)
}

func TestCollections_PartialFailure(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[
			{"id":"00Q1","success":true,"errors":[]},
			{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]},
			{"success":false,"errors":[{"statusCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]},
			{"id":null,"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header"}]}
		]`)
	})
	res, err := c.Collections.Create(t.Context(), leads(4), false)
	require.NoError(t, err)
	require.NoError(t, res[0].Err())
	err = res[1].Err()
	require.ErrorIs(t, err, ErrRequiredFieldMissing)
	require.ErrorIs(t, err, ErrValidation)
	require.Equal(t, "REQUIRED_FIELD_MISSING", Code(err))
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, 400, er.StatusCode)
	require.Equal(t, []string{"Company"}, er.Errors[0].Fields)
	require.ErrorIs(t, res[2].Err(), ErrEntityDeleted)
	require.ErrorAs(t, res[2].Err(), &er)
	require.Equal(t, 404, er.StatusCode)
	require.ErrorIs(t, res[3].Err(), ErrRolledBack)
	require.Error(t, SaveResult{}.Err(), "a failure without entries is still a failure")
}

func TestCollections_Upsert(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("PATCH "+apiPath("composite/sobjects/Account/Ext_Id__c"), func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Sforce-Auto-Assign", "FALSE")
		testJSONBody(t, r, `{"allOrNone":false,"records":[{"attributes":{"type":"Account"},"Ext_Id__c":"A","Name":"a"},{"attributes":{"type":"Account"},"Ext_Id__c":"B","Name":"b"}]}`)
		writeJSON(w, 200, `[{"id":"001A","success":true,"errors":[],"created":true},{"id":"001B","success":true,"errors":[],"created":false}]`)
	})
	recs := []Record{
		NewRecord("Account", map[string]any{"Ext_Id__c": "A", "Name": "a"}),
		NewRecord("Account", map[string]any{"Ext_Id__c": "B", "Name": "b"}),
	}
	res, err := c.Collections.Upsert(t.Context(), "Account", "Ext_Id__c", recs, false)
	require.NoError(t, err)
	require.Equal(t, []SaveResult{{ID: "001A", Success: true, Created: true, Errors: []APIError{}}, {ID: "001B", Success: true, Errors: []APIError{}}}, res)
}

func TestCollections_Delete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("DELETE "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		ids := strings.Split(r.URL.Query().Get("ids"), ",")
		require.Equal(t, "true", r.URL.Query().Get("allOrNone"))
		out := make([]map[string]any, len(ids))
		for i, id := range ids {
			out[i] = map[string]any{"id": id, "success": true, "errors": []any{}}
		}
		writeJSON(w, 200, mustJSON(t, out))
	})
	ids := make([]string, 201)
	for i := range ids {
		ids[i] = fmt.Sprintf("00Q%03d", i)
	}
	res, err := c.Collections.Delete(t.Context(), ids, true)
	require.NoError(t, err)
	require.Len(t, res, 201)
	require.Equal(t, "00Q200", res[200].ID)
	require.Equal(t, int32(2), calls.Load())
}

func TestCollections_Errors(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("POST "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			var body collectionBody
			require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
			writeJSON(w, 200, "["+strings.Repeat(`{"id":"x","success":true,"errors":[]},`, len(body.Records)-1)+`{"id":"x","success":true,"errors":[]}]`)
		default:
			writeJSON(w, 400, `[{"errorCode":"JSON_PARSER_ERROR","message":"bad body"}]`)
		}
	})
	// The second chunk fails as a whole; the first chunk's results survive.
	res, err := c.Collections.Create(t.Context(), leads(201), false)
	require.Equal(t, "JSON_PARSER_ERROR", Code(err))
	require.Len(t, res, 200)

	_, err = c.Collections.Create(t.Context(), []Record{{"LastName": "x"}}, false)
	require.ErrorContains(t, err, "no attributes.type")
	require.Equal(t, int32(2), calls.Load(), "invalid input sends nothing")

	c2, mux2 := setup(t)
	mux2.HandleFunc("POST "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[]`)
	})
	_, err = c2.Collections.Create(t.Context(), leads(2), false)
	require.ErrorContains(t, err, "returned 0 results for 2 records")
}

// BenchmarkCollectionsCreate sends 10,000 records through Collections.Create
// (50 calls of 200) to an httptest server that decodes every record and
// answers one result per record. It reports ns/record; allocs/op covers both
// client and server.
func BenchmarkCollectionsCreate(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /services/data/v62.0/composite/sobjects", func(w http.ResponseWriter, r *http.Request) {
		var body collectionBody
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		out := make([]SaveResult, len(body.Records))
		for i := range out {
			out[i] = SaveResult{ID: fmt.Sprintf("00Q%015d", i), Success: true, Errors: []APIError{}}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := NewClient(WithInstanceURL(srv.URL), WithAccessToken(testToken), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = NewRecord("Contact", map[string]any{
			"FirstName": "Ada", "LastName": fmt.Sprintf("Lovelace %d", i), "Email": fmt.Sprintf("ada%d@example.com", i),
			"Title": "Countess", "Phone": "+44 20 7946 0000", "MailingCity": "London", "HasOptedOutOfEmail": false,
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := c.Collections.Create(b.Context(), recs, false)
		if err != nil || len(res) != n {
			b.Fatal(err, len(res))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
