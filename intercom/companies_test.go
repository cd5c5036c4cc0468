package intercom

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

const companyJSON = `{"type":"company","id":"531ee472cce572a6ec000006","company_id":"acme","app_id":"a86dr8yl",
  "name":"Acme","website":"https://acme.test","industry":"Manufacturing","size":120,"monthly_spend":4500,
  "plan":{"type":"plan","id":"269315","name":"Pro"},"remote_created_at":1600000000,"created_at":1700000000,
  "updated_at":1700000500,"last_request_at":1700000400,"session_count":3,"user_count":2,
  "custom_attributes":{"tier":"gold"},"tags":{"type":"tag.list","tags":[{"type":"tag","id":"5","name":"vip"}]},
  "segments":{"type":"segment.list","segments":[]}}`

func TestCompaniesService_CreateOrUpdate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /companies", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"company_id":"acme","name":"Acme","plan":"Pro","monthly_spend":4500.5,"custom_attributes":{"tier":"gold","old":null}}`)
		writeJSON(w, 200, companyJSON)
	})
	got, _, err := c.Companies.CreateOrUpdate(context.Background(), &CompanyRequest{
		CompanyID: "acme", Name: Ptr("Acme"), Plan: Ptr("Pro"), MonthlySpend: Ptr(4500.5),
		CustomAttributes: map[string]any{"tier": "gold", "old": nil},
	})
	require.NoError(t, err)
	require.Equal(t, &Company{
		Type: "company", ID: "531ee472cce572a6ec000006", CompanyID: "acme", AppID: "a86dr8yl", Name: "Acme",
		Website: "https://acme.test", Industry: "Manufacturing", Size: 120, MonthlySpend: 4500,
		Plan: &Plan{Type: "plan", ID: "269315", Name: "Pro"}, RemoteCreatedAt: 1600000000,
		CreatedAt: 1700000000, UpdatedAt: 1700000500, LastRequestAt: 1700000400, SessionCount: 3, UserCount: 2,
		CustomAttributes: map[string]any{"tier": "gold"},
		Tags:             &TagList{Type: "tag.list", Tags: []*Tag{{Type: "tag", ID: "5", Name: "vip"}}},
	}, got)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Companies.CreateOrUpdate(context.Background(), &CompanyRequest{CompanyID: "x"})
		return err
	})
}

func TestCompaniesService_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /companies/531ee472cce572a6ec000006", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, companyJSON)
	})
	got, _, err := c.Companies.Get(context.Background(), "531ee472cce572a6ec000006")
	require.NoError(t, err)
	require.Equal(t, "acme", got.CompanyID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Companies.Get(context.Background(), "x")
		return err
	})
}

func TestCompaniesService_GetByCompanyID(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /companies", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("company_id") {
		case "acme":
			writeJSON(w, 200, companyJSON)
		case "listed":
			writeJSON(w, 200, `{"type":"list","data":[{"type":"company","id":"x1","company_id":"listed"}],"total_count":1}`)
		case "none":
			writeJSON(w, 200, `{"type":"list","data":[],"total_count":0}`)
		default:
			writeJSON(w, 404, errorBody("company_not_found", "Company Not Found"))
		}
	})
	got, _, err := c.Companies.GetByCompanyID(context.Background(), "acme")
	require.NoError(t, err)
	require.Equal(t, "531ee472cce572a6ec000006", got.ID)
	got, _, err = c.Companies.GetByCompanyID(context.Background(), "listed")
	require.NoError(t, err)
	require.Equal(t, "x1", got.ID)
	_, _, err = c.Companies.GetByCompanyID(context.Background(), "none")
	require.ErrorIs(t, err, ErrNotFound)
	_, _, err = c.Companies.GetByCompanyID(context.Background(), "other")
	require.ErrorIs(t, err, ErrNotFound)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Companies.GetByCompanyID(context.Background(), "x")
		return err
	})
}

func TestCompaniesService_ListIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /companies/list", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		require.Equal(t, "1", q.Get("per_page"))
		require.Equal(t, "asc", q.Get("order"))
		switch q.Get("page") {
		case "":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"a"}],"total_count":2,"pages":{"type":"pages","page":1,"per_page":1,"total_pages":2}}`)
		case "2":
			writeJSON(w, 200, `{"type":"list","data":[{"id":"b"}],"total_count":2,"pages":{"type":"pages","page":2,"per_page":1,"total_pages":2}}`)
		default:
			t.Errorf("unexpected page %q", q.Get("page"))
		}
	})
	_, resp, err := c.Companies.List(context.Background(), &CompanyListOptions{PerPage: 1, Order: "asc"})
	require.NoError(t, err)
	require.Equal(t, "2", resp.NextCursor)
	var ids []string
	for co, err := range c.Companies.ListIter(context.Background(), &CompanyListOptions{PerPage: 1, Order: "asc"}) {
		require.NoError(t, err)
		ids = append(ids, co.ID)
	}
	require.Equal(t, []string{"a", "b"}, ids)
	testErrorPaths(t, func(c *Client) error {
		for _, err := range c.Companies.ListIter(context.Background(), nil) {
			return err
		}
		return nil
	})
}

func TestCompaniesService_ScrollIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls int
	mux.HandleFunc("GET /companies/scroll", func(w http.ResponseWriter, r *http.Request) {
		calls++
		sp := r.URL.Query().Get("scroll_param")
		switch calls {
		case 1:
			require.Empty(t, sp)
			writeJSON(w, 200, `{"type":"list","data":[{"id":"a"},{"id":"b"}],"scroll_param":"S1"}`)
		case 2:
			require.Equal(t, "S1", sp)
			writeJSON(w, 200, `{"type":"list","data":[{"id":"c"}],"scroll_param":"S1"}`)
		default:
			require.Equal(t, "S1", sp)
			writeJSON(w, 200, `{"type":"list","data":[],"scroll_param":"S1"}`)
		}
	})
	var ids []string
	for co, err := range c.Companies.ScrollIter(context.Background()) {
		require.NoError(t, err)
		ids = append(ids, co.ID)
	}
	require.Equal(t, []string{"a", "b", "c"}, ids)
	require.Equal(t, 3, calls)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Companies.Scroll(context.Background(), "")
		return err
	})
}

func TestCompaniesService_ListContacts(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /companies/co1/contacts", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","data":[{"type":"contact","id":"u1"}],"total_count":1,"pages":{"type":"pages","page":1,"total_pages":1}}`)
	})
	mux.HandleFunc("GET /companies/co2/contacts", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","contacts":[{"type":"contact","id":"u2"}],"total_count":1}`)
	})
	got, _, err := c.Companies.ListContacts(context.Background(), "co1")
	require.NoError(t, err)
	require.Equal(t, "u1", got[0].ID)
	got, _, err = c.Companies.ListContacts(context.Background(), "co2")
	require.NoError(t, err)
	require.Equal(t, "u2", got[0].ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Companies.ListContacts(context.Background(), "x")
		return err
	})
}
