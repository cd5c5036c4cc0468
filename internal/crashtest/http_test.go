package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

const sfAPI = "/services/data/v62.0"

// get reports whether url answered 200.
func get(ctx context.Context, u string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

// call sends a JSON request with a bearer token and decodes the answer into
// out; any status but 2xx fails the test.
func call(t *testing.T, method, u, token string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.True(t, resp.StatusCode/100 == 2, "%s %s: %d %s", method, u, resp.StatusCode, raw)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "%s", raw)
	}
}

// sfCreate inserts records of one object through sObject Collections (200
// per call) and returns their ids in order.
func sfCreate(t *testing.T, sfURL, object string, recs []map[string]any) []string {
	t.Helper()
	var ids []string
	for start := 0; start < len(recs); start += 200 {
		var batch []map[string]any
		for _, r := range recs[start:min(start+200, len(recs))] {
			rec := map[string]any{"attributes": map[string]any{"type": object}}
			for k, v := range r {
				rec[k] = v
			}
			batch = append(batch, rec)
		}
		var res []struct {
			ID      string `json:"id"`
			Success bool   `json:"success"`
			Errors  []any  `json:"errors"`
		}
		call(t, http.MethodPost, sfURL+sfAPI+"/composite/sobjects", sfToken, map[string]any{"allOrNone": true, "records": batch}, &res)
		for _, r := range res {
			require.True(t, r.Success, "create %s: %v", object, r.Errors)
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// sfQuery runs a SOQL query through every page.
func sfQuery(t *testing.T, sfURL, soql string) []map[string]any {
	t.Helper()
	var all []map[string]any
	next := sfAPI + "/query?q=" + url.QueryEscape(soql)
	for next != "" {
		var page struct {
			Records        []map[string]any `json:"records"`
			Done           bool             `json:"done"`
			NextRecordsURL string           `json:"nextRecordsUrl"`
		}
		call(t, http.MethodGet, sfURL+next, sfToken, nil, &page)
		all = append(all, page.Records...)
		next = ""
		if !page.Done {
			next = page.NextRecordsURL
		}
	}
	return all
}

// icCreate creates an Intercom contact and returns its id.
func icCreate(t *testing.T, icURL string, body map[string]any) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	call(t, http.MethodPost, icURL+"/contacts", icToken, body, &out)
	require.NotEmpty(t, out.ID)
	return out.ID
}

// icUpdate updates an Intercom contact.
func icUpdate(t *testing.T, icURL, id string, body map[string]any) {
	t.Helper()
	call(t, http.MethodPut, icURL+"/contacts/"+id, icToken, body, nil)
}

// icContacts lists every Intercom contact.
func icContacts(t *testing.T, icURL string) []map[string]any {
	t.Helper()
	var all []map[string]any
	after := ""
	for {
		u := icURL + "/contacts?per_page=150"
		if after != "" {
			u += "&starting_after=" + url.QueryEscape(after)
		}
		var page struct {
			Data  []map[string]any `json:"data"`
			Pages struct {
				Next *struct {
					StartingAfter string `json:"starting_after"`
				} `json:"next"`
			} `json:"pages"`
		}
		call(t, http.MethodGet, u, icToken, nil, &page)
		all = append(all, page.Data...)
		if page.Pages.Next == nil || page.Pages.Next.StartingAfter == "" {
			return all
		}
		after = page.Pages.Next.StartingAfter
	}
}

func customAttr(c map[string]any, name string) any {
	ca, _ := c["custom_attributes"].(map[string]any)
	return ca[name]
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
