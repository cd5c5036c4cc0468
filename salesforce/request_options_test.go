package salesforce

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRequestOptions_OverrideClientHeadersForOneCall(t *testing.T) {
	t.Parallel()
	c, mux := setup(t) // client default: Sforce-Auto-Assign FALSE, client=tandem
	var got []http.Header
	mux.HandleFunc("POST "+apiPath("sobjects/Lead"), func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Clone())
		writeJSON(w, 201, `{"id":"00Q1","success":true,"errors":[]}`)
	})
	ctx := t.Context()
	_, _, err := c.SObjects.Create(ctx, "Lead", map[string]any{"LastName": "x"}, AutoAssign(true), CallOptions("client=tandem-lead"))
	require.NoError(t, err)
	_, _, err = c.SObjects.Create(ctx, "Lead", map[string]any{"LastName": "y"})
	require.NoError(t, err)
	_, _, err = c.SObjects.Create(ctx, "Lead", map[string]any{"LastName": "z"}, CallOptions(""), WithHeader("Authorization", "Bearer stolen"), WithHeader("X-Trace", "t1"))
	require.NoError(t, err)

	require.Len(t, got, 3)
	require.Equal(t, "TRUE", got[0].Get("Sforce-Auto-Assign"))
	require.Equal(t, "client=tandem-lead", got[0].Get("Sforce-Call-Options"))
	require.Equal(t, "FALSE", got[1].Get("Sforce-Auto-Assign"), "the option applies to one call only")
	require.Equal(t, "client=tandem", got[1].Get("Sforce-Call-Options"))
	require.Empty(t, got[2].Values("Sforce-Call-Options"))
	require.Equal(t, "Bearer "+testToken, got[2].Get("Authorization"), "Authorization comes from the token source")
	require.Equal(t, "t1", got[2].Get("X-Trace"))
}

func TestRequestOptions_EveryWrite(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithAutoAssign(true))
	seen := map[string]string{}
	record := func(w http.ResponseWriter, r *http.Request, status int, body string) {
		seen[r.Method+" "+r.URL.Path] = r.Header.Get("Sforce-Auto-Assign") + "," + r.Header.Get("Sforce-Call-Options")
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	}
	mux.HandleFunc("PATCH "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, http.StatusNoContent, "")
	})
	mux.HandleFunc("PATCH "+apiPath("sobjects/Lead/Ext__c/k1"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, 200, `{"id":"00Q1","success":true,"errors":[],"created":false}`)
	})
	mux.HandleFunc("DELETE "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, http.StatusNoContent, "")
	})
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/00Q1"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, 200, `{"attributes":{"type":"Lead"},"Id":"00Q1"}`)
	})
	mux.HandleFunc("PATCH "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, 200, `[{"id":"00Q1","success":true,"errors":[]}]`)
	})
	mux.HandleFunc("POST "+apiPath("composite/sobjects"), func(w http.ResponseWriter, r *http.Request) {
		record(w, r, 200, `[{"id":"00Q2","success":true,"errors":[]}]`)
	})
	ctx := t.Context()
	off, tag := AutoAssign(false), CallOptions("client=bulk")
	_, err := c.SObjects.Update(ctx, "Lead", "00Q1", map[string]any{"Email": "a@b.c"}, off, tag)
	require.NoError(t, err)
	_, _, err = c.SObjects.Upsert(ctx, "Lead", "Ext__c", "k1", map[string]any{"Email": "a@b.c"}, off, tag)
	require.NoError(t, err)
	_, _, err = c.SObjects.Get(ctx, "Lead", "00Q1", nil, tag)
	require.NoError(t, err)
	_, err = c.Collections.Update(ctx, []Record{NewRecord("Lead", map[string]any{"Id": "00Q1"})}, false, off, tag)
	require.NoError(t, err)
	_, err = c.Collections.Create(ctx, []Record{NewRecord("Lead", map[string]any{"LastName": "n"})}, false, off, tag)
	require.NoError(t, err)
	_, err = c.SObjects.Delete(ctx, "Lead", "00Q1", off, tag)
	require.NoError(t, err)

	require.Equal(t, map[string]string{
		"PATCH " + apiPath("sobjects/Lead/00Q1"):      "FALSE,client=bulk",
		"PATCH " + apiPath("sobjects/Lead/Ext__c/k1"): "FALSE,client=bulk",
		"GET " + apiPath("sobjects/Lead/00Q1"):        ",client=bulk",
		"PATCH " + apiPath("composite/sobjects"):      "FALSE,client=bulk",
		"POST " + apiPath("composite/sobjects"):       "FALSE,client=bulk",
		"DELETE " + apiPath("sobjects/Lead/00Q1"):     "FALSE,client=bulk",
	}, seen)
}
