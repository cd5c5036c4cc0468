package intercom

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

const contactJSON = `{
  "type":"contact","id":"6762f0dd1bb69f9f2193bb83","workspace_id":"a86dr8yl","external_id":"u-1",
  "role":"user","email":"ada@example.com","email_domain":"example.com","phone":null,"name":"Ada Lovelace",
  "owner_id":%s,"avatar":{"type":"avatar","image_url":null},"has_hard_bounced":false,
  "marked_email_as_spam":false,"unsubscribed_from_emails":true,"created_at":1717200000,
  "updated_at":1717200500,"signed_up_at":1717100000,"last_seen_at":null,"last_replied_at":null,
  "location":{"type":"location","country":"France","city":"Paris","country_code":"FRA"},
  "custom_attributes":{"plan":"pro","seats":12,"vip":true},
  "tags":{"type":"list","data":[{"type":"tag","id":"81","url":"/tags/81"}],"url":"/contacts/6762f0dd1bb69f9f2193bb83/tags","total_count":1,"has_more":false},
  "notes":{"type":"list","data":[],"url":"/contacts/6762f0dd1bb69f9f2193bb83/notes","total_count":0,"has_more":false},
  "companies":{"type":"list","data":[{"type":"company","id":"c0","url":"/companies/c0"}],"url":"/contacts/6762f0dd1bb69f9f2193bb83/companies","total_count":1,"has_more":false},
  "social_profiles":{"type":"list","data":[]},"utm_source":"ads","referrer":null
}`

func contactBodyWithOwner(owner string) string {
	return sprintf(contactJSON, owner)
}

func TestContactsService_Get(t *testing.T) {
	t.Parallel()
	for _, owner := range []string{`321`, `"321"`} {
		c, mux := setup(t)
		mux.HandleFunc("GET /contacts/6762f0dd1bb69f9f2193bb83", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, contactBodyWithOwner(owner))
		})
		got, resp, err := c.Contacts.Get(context.Background(), "6762f0dd1bb69f9f2193bb83")
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, OwnerID("321"), got.OwnerID)
		require.Equal(t, "6762f0dd1bb69f9f2193bb83", got.ID)
		require.Equal(t, "u-1", got.ExternalID)
		require.Equal(t, RoleUser, got.Role)
		require.Equal(t, "Ada Lovelace", got.Name)
		require.Empty(t, got.Phone)
		require.True(t, got.UnsubscribedFromEmails)
		require.Equal(t, int64(1717200000), got.CreatedAt)
		require.Equal(t, int64(1717200500), got.UpdatedAt)
		require.Zero(t, got.LastSeenAt)
		require.Equal(t, "Paris", got.Location.City)
		require.Equal(t, map[string]any{"plan": "pro", "seats": float64(12), "vip": true}, got.CustomAttributes)
		require.Equal(t, []Reference{{Type: "company", ID: "c0", URL: "/companies/c0"}}, got.Companies.Data)
		require.Equal(t, "81", got.Tags.Data[0].ID)
		require.Equal(t, "ads", got.UTMSource)
	}
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Get(context.Background(), "x")
		return err
	})
}

func TestContactsService_GetMerged(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts/old", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `</contacts/new1>; rel="canonical"`)
		writeJSON(w, http.StatusGone, errorBody("contact_merged", "Contact has been merged"))
	})
	mux.HandleFunc("GET /contacts/older", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody("not_found", "User Not Found"))
	})
	_, _, err := c.Contacts.Get(context.Background(), "old")
	var me *MergedError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "new1", me.CanonicalID)
	require.ErrorIs(t, err, ErrMerged)

	_, _, err = c.Contacts.Get(context.Background(), "older")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestContactsService_Create(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ version, owner string }{{"2.14", `7`}, {"2.15", `7`}, {"2.16", `"7"`}} {
		c, mux := setup(t, WithVersion(tc.version))
		mux.HandleFunc("POST /contacts", func(w http.ResponseWriter, r *http.Request) {
			testJSONBody(t, r, `{"role":"lead","email":"l@example.com","name":"Lee","owner_id":`+tc.owner+`,"custom_attributes":{"plan":"pro","gone":null}}`)
			writeJSON(w, 200, contactBodyWithOwner(tc.owner))
		})
		got, _, err := c.Contacts.Create(context.Background(), &ContactRequest{
			Role: Ptr(RoleLead), Email: Ptr("l@example.com"), Name: Ptr("Lee"), OwnerID: Ptr("7"),
			CustomAttributes: map[string]any{"plan": "pro", "gone": nil},
		})
		require.NoError(t, err)
		require.Equal(t, OwnerID("7"), got.OwnerID)
	}
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Create(context.Background(), &ContactRequest{Email: Ptr("x")})
		return err
	})
}

func TestContactsService_CreateConflict(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /contacts", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, errorBody("conflict", "A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"))
	})
	_, _, err := c.Contacts.Create(context.Background(), &ContactRequest{Email: Ptr("dup@example.com")})
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "6762f0dd1bb69f9f2193bb83", ce.ExistingID)
	require.ErrorIs(t, err, ErrConflict)
}

func TestContactsService_UpdatePartial(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithVersion("2.16"))
	mux.HandleFunc("PUT /contacts/abc", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"phone":"","owner_id":null,"custom_attributes":{"sf_id":null}}`)
		writeJSON(w, 200, contactBodyWithOwner("null"))
	})
	got, _, err := c.Contacts.Update(context.Background(), "abc", &ContactRequest{
		Phone: Ptr(""), OwnerID: Ptr(""), CustomAttributes: map[string]any{"sf_id": nil},
	})
	require.NoError(t, err)
	require.Empty(t, got.OwnerID)

	mux.HandleFunc("PUT /contacts/empty", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{}`)
		writeJSON(w, 200, `{"type":"contact","id":"empty"}`)
	})
	_, _, err = c.Contacts.Update(context.Background(), "empty", nil)
	require.NoError(t, err)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Update(context.Background(), "x", &ContactRequest{})
		return err
	})
}

func TestContactsService_DeleteArchive(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("DELETE /contacts/abc", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"contact","id":"abc","external_id":"u-1","deleted":true}`)
	})
	mux.HandleFunc("POST /contacts/abc/archive", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"contact","id":"abc","external_id":"u-1","archived":true}`)
	})
	mux.HandleFunc("POST /contacts/abc/unarchive", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"contact","id":"abc","external_id":"u-1","archived":false}`)
	})
	st, _, err := c.Contacts.Delete(context.Background(), "abc")
	require.NoError(t, err)
	require.Equal(t, &ContactStatus{Type: "contact", ID: "abc", ExternalID: "u-1", Deleted: true}, st)
	st, _, err = c.Contacts.Archive(context.Background(), "abc")
	require.NoError(t, err)
	require.True(t, st.Archived)
	st, _, err = c.Contacts.Unarchive(context.Background(), "abc")
	require.NoError(t, err)
	require.False(t, st.Archived)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Delete(context.Background(), "x")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Archive(context.Background(), "x")
		return err
	})
}

func TestContactsService_ListAndIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "2", r.URL.Query().Get("per_page"))
		switch r.URL.Query().Get("starting_after") {
		case "":
			writeJSON(w, 200, `{"type":"list","data":[{"type":"contact","id":"a"},{"type":"contact","id":"b"}],"total_count":3,
			  "pages":{"type":"pages","page":1,"per_page":2,"total_pages":2,"next":{"page":2,"starting_after":"CUR2"}}}`)
		case "CUR2":
			writeJSON(w, 200, `{"type":"list","data":[{"type":"contact","id":"c"}],"total_count":3,
			  "pages":{"type":"pages","page":2,"per_page":2,"total_pages":2,"next":null}}`)
		default:
			t.Errorf("unexpected cursor %q", r.URL.Query().Get("starting_after"))
		}
	})
	page, resp, err := c.Contacts.List(context.Background(), &ListOptions{PerPage: 2})
	require.NoError(t, err)
	require.Len(t, page, 2)
	require.Equal(t, "CUR2", resp.NextCursor)

	opts := &ListOptions{PerPage: 2}
	var ids []string
	for ct, err := range c.Contacts.ListIter(context.Background(), opts) {
		require.NoError(t, err)
		ids = append(ids, ct.ID)
	}
	require.Equal(t, []string{"a", "b", "c"}, ids)
	require.Empty(t, opts.StartingAfter, "the caller's options are not modified")

	ids = nil
	for ct := range c.Contacts.ListIter(context.Background(), opts) {
		ids = append(ids, ct.ID)
		break
	}
	require.Equal(t, []string{"a"}, ids)

	testErrorPaths(t, func(c *Client) error {
		for _, err := range c.Contacts.ListIter(context.Background(), nil) {
			return err
		}
		return nil
	})
}

func TestContactsService_SearchIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls int
	mux.HandleFunc("POST /contacts/search", func(w http.ResponseWriter, r *http.Request) {
		calls++
		require.Empty(t, r.URL.RawQuery, "search pagination goes in the body")
		if calls == 1 {
			testJSONBody(t, r, `{"query":{"operator":"AND","value":[
				{"field":"updated_at","operator":">","value":1717200000},
				{"operator":"OR","value":[{"field":"role","operator":"=","value":"user"},{"field":"email","operator":"~","value":"@example.com"}]}]},
				"pagination":{"per_page":1},"sort":{"field":"updated_at","order":"ascending"}}`)
			writeJSON(w, 200, `{"type":"list","data":[{"type":"contact","id":"a"}],"total_count":2,"pages":{"type":"pages","next":{"page":2,"starting_after":"NEXT"}}}`)
			return
		}
		testJSONBody(t, r, `{"query":{"operator":"AND","value":[
			{"field":"updated_at","operator":">","value":1717200000},
			{"operator":"OR","value":[{"field":"role","operator":"=","value":"user"},{"field":"email","operator":"~","value":"@example.com"}]}]},
			"pagination":{"per_page":1,"starting_after":"NEXT"},"sort":{"field":"updated_at","order":"ascending"}}`)
		writeJSON(w, 200, `{"type":"list","data":[{"type":"contact","id":"b"}],"total_count":2,"pages":{"type":"pages"}}`)
	})
	req := &SearchRequest{
		Query: And(
			Where("updated_at", OpGreaterThan, 1717200000),
			Or(SingleFilter{Field: "role", Operator: OpEquals, Value: RoleUser}, Where("email", OpContains, "@example.com")),
		),
		Pagination: &Pagination{PerPage: 1},
		Sort:       &Sort{Field: "updated_at", Order: SortAscending},
	}
	var ids []string
	for ct, err := range c.Contacts.SearchIter(context.Background(), req) {
		require.NoError(t, err)
		ids = append(ids, ct.ID)
	}
	require.Equal(t, []string{"a", "b"}, ids)
	require.Empty(t, req.Pagination.StartingAfter)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Search(context.Background(), req)
		return err
	})
}

func TestContactsService_FindByExternalIDAndEmail(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /contacts/find_by_external_id/{id}", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "ext/1", r.PathValue("id"))
		writeJSON(w, 200, `{"type":"contact","id":"a","external_id":"ext/1"}`)
	})
	var calls int
	mux.HandleFunc("POST /contacts/search", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			testJSONBody(t, r, `{"query":{"field":"email","operator":"=","value":"a@b.c"},"pagination":{"per_page":150}}`)
			writeJSON(w, 200, `{"type":"list","data":[{"id":"a","role":"user"}],"pages":{"next":{"starting_after":"X"}}}`)
			return
		}
		testJSONBody(t, r, `{"query":{"field":"email","operator":"=","value":"a@b.c"},"pagination":{"per_page":150,"starting_after":"X"}}`)
		writeJSON(w, 200, `{"type":"list","data":[{"id":"b","role":"lead"}],"pages":{}}`)
	})
	got, _, err := c.Contacts.FindByExternalID(context.Background(), "ext/1")
	require.NoError(t, err)
	require.Equal(t, "ext/1", got.ExternalID)
	all, _, err := c.Contacts.FindByEmail(context.Background(), "a@b.c")
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, "b", all[1].ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.FindByExternalID(context.Background(), "x")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.FindByEmail(context.Background(), "x")
		return err
	})
}

func TestContactsService_Merge(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /contacts/merge", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"from":"lead1","into":"user1"}`)
		writeJSON(w, 200, `{"type":"contact","id":"user1","role":"user"}`)
	})
	got, _, err := c.Contacts.Merge(context.Background(), "lead1", "user1")
	require.NoError(t, err)
	require.Equal(t, "user1", got.ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.Merge(context.Background(), "a", "b")
		return err
	})
}

func TestContactsService_Companies(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /contacts/abc/companies", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"id":"co1"}`)
		writeJSON(w, 200, `{"type":"company","id":"co1","company_id":"acme","name":"Acme"}`)
	})
	mux.HandleFunc("DELETE /contacts/abc/companies/co1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"company","id":"co1","company_id":"acme"}`)
	})
	mux.HandleFunc("GET /contacts/abc/companies", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","companies":[{"type":"company","id":"co1"}],"total_count":1}`)
	})
	mux.HandleFunc("GET /contacts/def/companies", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","data":[{"type":"company","id":"co2"}],"total_count":1}`)
	})
	co, _, err := c.Contacts.AttachCompany(context.Background(), "abc", "co1")
	require.NoError(t, err)
	require.Equal(t, "acme", co.CompanyID)
	co, _, err = c.Contacts.DetachCompany(context.Background(), "abc", "co1")
	require.NoError(t, err)
	require.Equal(t, "co1", co.ID)
	list, _, err := c.Contacts.ListCompanies(context.Background(), "abc")
	require.NoError(t, err)
	require.Equal(t, "co1", list[0].ID)
	list, _, err = c.Contacts.ListCompanies(context.Background(), "def")
	require.NoError(t, err)
	require.Equal(t, "co2", list[0].ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.AttachCompany(context.Background(), "a", "b")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.DetachCompany(context.Background(), "a", "b")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.ListCompanies(context.Background(), "a")
		return err
	})
}

func TestContactsService_Tags(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /contacts/abc/tags", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"id":"81"}`)
		writeJSON(w, 200, `{"type":"tag","id":"81","name":"vip"}`)
	})
	mux.HandleFunc("DELETE /contacts/abc/tags/81", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"tag","id":"81","name":"vip"}`)
	})
	tag, _, err := c.Contacts.AddTag(context.Background(), "abc", "81")
	require.NoError(t, err)
	require.Equal(t, "vip", tag.Name)
	tag, _, err = c.Contacts.RemoveTag(context.Background(), "abc", "81")
	require.NoError(t, err)
	require.Equal(t, "81", tag.ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.AddTag(context.Background(), "a", "b")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Contacts.RemoveTag(context.Background(), "a", "b")
		return err
	})
}
