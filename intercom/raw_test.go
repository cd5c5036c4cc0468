package intercom

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestContacts_GetRawKeepsEveryAttribute(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts/abc", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"contact","id":"abc","email":"a@b.c","updated_at":1717200000,
			"custom_attributes":{"plan":"pro","seats":12},"brand_new_field":{"x":true}}`)
	})
	m, resp, err := c.Contacts.GetRaw(t.Context(), "abc")
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "abc", m["id"])
	require.Equal(t, float64(1717200000), m["updated_at"])
	require.Equal(t, map[string]any{"plan": "pro", "seats": float64(12)}, m["custom_attributes"])
	require.Equal(t, map[string]any{"x": true}, m["brand_new_field"])

	testErrorPaths(t, func(c *Client) error { _, _, err := c.Contacts.GetRaw(t.Context(), "abc"); return err })
}

func TestContacts_UpdateRawEncodesOwnerIDByVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version, owner string
		value          any
		want           string
	}{
		{"2.14", "", "321", `321`},
		{"2.16", "", "321", `"321"`},
		{"2.14", "", float64(321), `321`},
		{"2.16", "", nil, `null`},
		{"2.14", "raw", []byte(nil), `"9"`},
	} {
		c, mux := setup(t, WithVersion(tc.version))
		mux.HandleFunc("PUT /contacts/abc", func(w http.ResponseWriter, r *http.Request) {
			testHeader(t, r, "Intercom-Version", tc.version)
			testJSONBody(t, r, `{"name":"Ada","owner_id":`+tc.want+`,"custom_attributes":{"plan":"pro"}}`)
			writeJSON(w, 200, `{"type":"contact","id":"abc","name":"Ada"}`)
		})
		body := map[string]any{"name": "Ada", "owner_id": tc.value, "custom_attributes": map[string]any{"plan": "pro"}}
		if tc.owner == "raw" {
			body["owner_id"] = EncodeOwnerID("9", "2.16") // already encoded: sent as given
		}
		before := body["owner_id"]
		m, _, err := c.Contacts.UpdateRaw(t.Context(), "abc", body)
		require.NoError(t, err, tc.version)
		require.Equal(t, "Ada", m["name"])
		require.Equal(t, before, body["owner_id"], "the caller's map is not changed")
	}
}

func TestContacts_ListRawAndIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "150", r.URL.Query().Get("per_page"))
		switch r.URL.Query().Get("starting_after") {
		case "":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"1","role":"user"},{"id":"2","role":"lead"}],
				"pages":{"type":"pages","next":{"page":2,"starting_after":"CUR2"}}}`)
		case "CUR2":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"3","role":"user"}],"pages":{"type":"pages","next":null}}`)
		default:
			t.Errorf("unexpected cursor %q", r.URL.Query().Get("starting_after"))
		}
	})
	page, resp, err := c.Contacts.ListRaw(t.Context(), &ListOptions{PerPage: 150})
	require.NoError(t, err)
	require.Len(t, page, 2)
	require.Equal(t, "lead", page[1]["role"])
	require.Equal(t, "CUR2", resp.NextCursor)

	var ids []any
	for m, err := range c.Contacts.ListRawIter(t.Context(), &ListOptions{PerPage: 150}) {
		require.NoError(t, err)
		ids = append(ids, m["id"])
	}
	require.Equal(t, []any{"1", "2", "3"}, ids)
}

func TestContacts_SearchRawPutsCursorInBody(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	calls := 0
	mux.HandleFunc("POST /contacts/search", func(w http.ResponseWriter, r *http.Request) {
		require.Empty(t, r.URL.RawQuery, "the cursor goes in the body")
		calls++
		if calls == 1 {
			testJSONBody(t, r, `{"query":{"operator":"AND","value":[
				{"field":"email","operator":"=","value":"a@b.c"},{"field":"role","operator":"=","value":"user"}]},
				"pagination":{"per_page":2},"sort":{"field":"updated_at","order":"descending"}}`)
			writeJSON(w, 200, `{"type":"list","data":[{"id":"1"},{"id":"2"}],"pages":{"next":{"starting_after":"C2"}}}`)
			return
		}
		testJSONBody(t, r, `{"query":{"operator":"AND","value":[
			{"field":"email","operator":"=","value":"a@b.c"},{"field":"role","operator":"=","value":"user"}]},
			"pagination":{"per_page":2,"starting_after":"C2"},"sort":{"field":"updated_at","order":"descending"}}`)
		writeJSON(w, 200, `{"type":"list","data":[{"id":"3"}],"pages":{}}`)
	})
	req := &SearchRequest{
		Query:      And(Where("email", OpEquals, "a@b.c"), Where("role", OpEquals, RoleUser)),
		Pagination: &Pagination{PerPage: 2},
		Sort:       &Sort{Field: "updated_at", Order: SortDescending},
	}
	var ids []any
	for m, err := range c.Contacts.SearchRawIter(t.Context(), req) {
		require.NoError(t, err)
		ids = append(ids, m["id"])
	}
	require.Equal(t, []any{"1", "2", "3"}, ids)
	require.Empty(t, req.Pagination.StartingAfter, "the caller's request is not changed")
}

func TestCompanies_GetByCompanyIDRawAcceptsBothShapes(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /companies", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("company_id") {
		case "plain":
			writeJSON(w, 200, `{"type":"company","id":"c1","company_id":"plain","custom_attributes":{"tier":"gold"}}`)
		case "listed":
			writeJSON(w, 200, `{"type":"list","data":[{"type":"company","id":"c0","company_id":"other"},
				{"type":"company","id":"c2","company_id":"listed"}],"total_count":2}`)
		case "empty":
			writeJSON(w, 200, `{"type":"list","data":[],"total_count":0}`)
		default:
			writeJSON(w, 404, errorBody("company_not_found", "Company Not Found"))
		}
	})
	ctx := t.Context()
	m, _, err := c.Companies.GetByCompanyIDRaw(ctx, "plain")
	require.NoError(t, err)
	require.Equal(t, "c1", m["id"])
	require.Equal(t, map[string]any{"tier": "gold"}, m["custom_attributes"])

	m, _, err = c.Companies.GetByCompanyIDRaw(ctx, "listed")
	require.NoError(t, err)
	require.Equal(t, "c2", m["id"])
	co, _, err := c.Companies.GetByCompanyID(ctx, "listed")
	require.NoError(t, err)
	require.Equal(t, "c2", co.ID)

	for _, id := range []string{"empty", "missing"} {
		_, _, err = c.Companies.GetByCompanyIDRaw(ctx, id)
		require.ErrorIs(t, err, ErrNotFound, id)
	}
}

func TestCompanies_UpdateRawAndScrollRaw(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("PUT /companies/c1", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"name":"Acme","custom_attributes":{"tier":"gold"}}`)
		writeJSON(w, 200, `{"type":"company","id":"c1","name":"Acme","custom_attributes":{"tier":"gold"}}`)
	})
	mux.HandleFunc("GET /companies/c1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"company","id":"c1","name":"Acme"}`)
	})
	mux.HandleFunc("GET /companies/scroll", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("scroll_param") {
		case "":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"c1"},{"id":"c2"}],"scroll_param":"S1"}`)
		case "S1":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"c3"}],"scroll_param":"S2"}`)
		default:
			require.Equal(t, "S2", r.URL.Query().Get("scroll_param"))
			writeJSON(w, 200, `{"type":"list","data":[],"scroll_param":"S2"}`)
		}
	})
	ctx := t.Context()
	m, _, err := c.Companies.UpdateRaw(ctx, "c1", map[string]any{"name": "Acme", "custom_attributes": map[string]any{"tier": "gold"}})
	require.NoError(t, err)
	require.Equal(t, "Acme", m["name"])
	m, _, err = c.Companies.GetRaw(ctx, "c1")
	require.NoError(t, err)
	require.Equal(t, "c1", m["id"])

	var ids []any
	for m, err := range c.Companies.ScrollRawIter(ctx) {
		require.NoError(t, err)
		ids = append(ids, m["id"])
	}
	require.Equal(t, []any{"c1", "c2", "c3"}, ids)
}

func TestContacts_ListFieldsAndCompanies_ScrollFields(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "CUR1", r.URL.Query().Get("starting_after"))
		writeJSON(w, 200, `{"type":"list","data":[{"id":"1","role":"user","custom_attributes":{"plan":"pro"}}],
			"pages":{"type":"pages","next":{"page":2,"starting_after":"CUR2"}}}`)
	})
	page, resp, err := c.Contacts.ListFields(t.Context(), &ListOptions{StartingAfter: "CUR1"})
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.JSONEq(t, `"user"`, string(page[0]["role"]))
	require.JSONEq(t, `{"plan":"pro"}`, string(page[0]["custom_attributes"]))
	require.Equal(t, "CUR2", resp.NextCursor)

	scrolls := 0
	mux.HandleFunc("GET /companies/scroll", func(w http.ResponseWriter, r *http.Request) {
		scrolls++
		if r.URL.Query().Get("scroll_param") == "" {
			writeJSON(w, 200, `{"type":"company.list","data":[{"id":"c1","name":"Acme"}],"scroll_param":"S1"}`)
			return
		}
		require.Equal(t, "S1", r.URL.Query().Get("scroll_param"))
		writeJSON(w, 200, `{"type":"company.list","data":[],"scroll_param":"S1"}`)
	})
	companies, resp, err := c.Companies.ScrollFields(t.Context(), "")
	require.NoError(t, err)
	require.Len(t, companies, 1)
	require.JSONEq(t, `"Acme"`, string(companies[0]["name"]))
	require.Equal(t, "S1", resp.NextCursor)
	companies, resp, err = c.Companies.ScrollFields(t.Context(), "S1")
	require.NoError(t, err)
	require.Empty(t, companies)
	require.Empty(t, resp.NextCursor, "an empty page ends the scroll")
	require.Equal(t, 2, scrolls)
}

// A list answer split by hand gives each attribute as encoding/json
// decodes it.
func TestFieldsListSplitsLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	body := ` { "type" : "list", "data" : [ {"id":"1","name":"a \"quoted\" {name} [x]","custom_attributes":{"k":[1,{"z":"}"}]},
		"n":-1.5e3,"t":true,"f":false,"z":null,"\u0065scaped":"\\"}, {} ,{"id":"2","empty":[],"obj":{}}],
		"pages":{"type":"pages","next":{"starting_after":"C"}},"scroll_param":"S"}`
	var p FieldsPage
	require.NoError(t, p.parseBody([]byte(body)))
	fields, err := p.Fields()
	require.NoError(t, err)
	var want struct {
		Data []map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &want))
	require.Len(t, fields, len(want.Data))
	for i, obj := range want.Data {
		require.Len(t, fields[i], len(obj))
		for k, v := range obj {
			var got any
			require.NoError(t, json.Unmarshal(fields[i][k], &got), k)
			require.Equal(t, v, got, k)
		}
	}
	require.Equal(t, "C", p.pages.cursor())
	require.Equal(t, "S", p.scrollParam)
	require.False(t, p.empty())

	// Select keeps the named members, escaped names included, and
	// nothing else.
	selected, err := p.Select("id", "escaped", "custom_attributes", "absent")
	require.NoError(t, err)
	require.Len(t, selected, len(want.Data))
	for i, obj := range want.Data {
		wantKept := map[string]any{}
		for _, k := range []string{"id", "escaped", "custom_attributes"} {
			if v, ok := obj[k]; ok {
				wantKept[k] = v
			}
		}
		gotKept := map[string]any{}
		for k, raw := range selected[i] {
			var v any
			require.NoError(t, json.Unmarshal(raw, &v), k)
			gotKept[k] = v
		}
		require.Equal(t, wantKept, gotKept, "object %d", i)
	}

	split := func(body string) error {
		var p FieldsPage
		if err := p.parseBody([]byte(body)); err != nil {
			return err
		}
		_, err := p.Fields()
		return err
	}
	require.Error(t, split(`{"data":{"id":"1"}}`), "data that is not an array")
	require.Error(t, split(`{"data":[1]}`), "an element that is not an object")
	require.Error(t, split(`[]`))
	require.Error(t, split(`{"data":[{"id":"1"}]`), "a truncated answer")
	require.Error(t, split(`{"data":[{"id":"1",}]}`), "invalid JSON")
	empty := FieldsPage{}
	require.NoError(t, empty.parseBody([]byte(` {"data": [ ] }`)))
	require.True(t, empty.empty())
}

// Any valid JSON object splits into the members encoding/json finds, each
// decoding to the same value. The seeds run with go test; `go test -fuzz
// FuzzSplitObject ./intercom` explores further.
func FuzzSplitObject(f *testing.F) {
	for _, seed := range []string{
		`{}`, ` { "a" : 1 } `, `{"a":"}","b":["]",{"c":"\\\""}],"a":2}`,
		`{"\u0061b":null,"x":-0.5e-3,"y":[[],{}],"z":"\ud83d\ude00"}`, `{"k":{"k":{"k":[true,false,null]}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want map[string]any
		if json.Unmarshal([]byte(s), &want) != nil || want == nil {
			return // only what encoding/json has already accepted reaches the splitter
		}
		got, ok := splitObject([]byte(s))
		require.True(t, ok)
		require.Len(t, got, len(want))
		for k, v := range want {
			var g any
			require.NoError(t, json.Unmarshal(got[k], &g), "member %q", k)
			require.Equal(t, v, g, "member %q", k)
		}
	})
}

// Whatever an answer holds, reading it as a page and splitting it never
// panics, and an answer that is not valid JSON is refused by the time its
// objects are split, though the cursor was read before the check. `go test
// -fuzz FuzzFieldsPageRefusesInvalidJSON ./intercom` explores further.
func FuzzFieldsPageRefusesInvalidJSON(f *testing.F) {
	for _, seed := range []string{
		`{"data":[{"id":"1"}],"pages":{"next":{"starting_after":"C"}}}`,
		`{"data":[{"id":"1"}]`, `{"data":[{"id":"1"}],"pages":{"next":{"starting_after":"C"}}`,
		`{"data":[{"id":"1",}]}`, `{1:2}`, `{"a"}`, `{"a":}`, `{"`, `{`, `[`, `{"data":[`, `{"data":"[`,
		`{"type":"list","data":[],"total_count":0x}`, `{"data":[{"\u00":1}]}`, `{"data":[{"k":"\"}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p FieldsPage
		err := p.parseBody([]byte(s))
		if err == nil {
			_ = p.empty()
			_, err = p.Fields()
		}
		if !json.Valid([]byte(s)) {
			require.Error(t, err, "%q", s)
		}
	})
}
