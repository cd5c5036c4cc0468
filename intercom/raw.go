package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
)

// The typed Contact and Company cover Intercom's standard attributes. The
// Raw variants below return the objects as decoded JSON instead, so that a
// caller can read any attribute by name, standard or custom, including ones
// added after this package was written. Values follow encoding/json:
// objects are map[string]any, arrays []any, numbers float64. Paging, the
// in-body search cursor and the shapes that differ between API versions are
// handled here just as for the typed methods.

// rawList is a page of a list or search answer, decoded loosely.
type rawList struct {
	Data        []map[string]any `json:"data"`
	Pages       *Pages           `json:"pages,omitempty"`
	ScrollParam string           `json:"scroll_param,omitempty"`
}

// GetRaw fetches a contact as decoded JSON. Errors are those of Get.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/showcontact
func (s *ContactsService) GetRaw(ctx context.Context, id string) (map[string]any, *Response, error) {
	var m map[string]any
	resp, err := (*service)(s).get(ctx, contactPath(id), &m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}

// UpdateRaw sends body as a partial update of a contact and returns the
// updated contact as decoded JSON. Keys are Intercom attribute names;
// custom attributes go under "custom_attributes" and merge key by key. An
// "owner_id" given as a string or number is encoded as the client's
// Intercom-Version expects (see EncodeOwnerID); body itself is not changed.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/updatecontact
func (s *ContactsService) UpdateRaw(ctx context.Context, id string, body map[string]any) (map[string]any, *Response, error) {
	var m map[string]any
	resp, err := (*service)(s).send(ctx, http.MethodPut, contactPath(id), s.rawBody(body), &m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}

// rawBody returns body with owner_id encoded for the client's version.
func (s *ContactsService) rawBody(body map[string]any) map[string]any {
	if body == nil {
		return map[string]any{}
	}
	v, ok := body["owner_id"]
	if !ok {
		return body
	}
	var id string
	switch x := v.(type) {
	case nil:
	case string:
		id = x
	case OwnerID:
		id = string(x)
	case FlexID:
		id = string(x)
	case json.Number:
		id = x.String()
	case float64, int, int64:
		id = fmt.Sprint(x)
	default:
		return body // json.RawMessage and anything else go as given
	}
	out := maps.Clone(body)
	out["owner_id"] = EncodeOwnerID(id, s.client.version)
	return out
}

// ListRaw returns one page of contacts as decoded JSON;
// Response.NextCursor is the cursor of the next page ("" on the last).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/listcontacts
func (s *ContactsService) ListRaw(ctx context.Context, opts *ListOptions) ([]map[string]any, *Response, error) {
	var l rawList
	resp, err := (*service)(s).get(ctx, withQuery("contacts", opts.query()), &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Data, resp, nil
}

// ListFields is ListRaw with each contact decoded one level deep: its
// attributes by name, each as undecoded JSON. A caller that reads a few
// attributes of many contacts decodes only those.
func (s *ContactsService) ListFields(ctx context.Context, opts *ListOptions) ([]map[string]json.RawMessage, *Response, error) {
	page, resp, err := s.ListPage(ctx, opts)
	if err != nil {
		return nil, resp, err
	}
	fields, err := page.Fields()
	return fields, resp, err
}

// ListPage is ListFields for a caller that reads page after page: the page
// comes back read and checked, with the next cursor in
// Response.NextCursor, and its contacts are split only by
// FieldsPage.Fields, so the next page can be asked for first.
func (s *ContactsService) ListPage(ctx context.Context, opts *ListOptions) (*FieldsPage, *Response, error) {
	var page FieldsPage
	resp, err := (*service)(s).get(ctx, withQuery("contacts", opts.query()), &page)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = page.pages.cursor()
	return &page, resp, nil
}

// ListRawIter iterates over every contact from opts on, as decoded JSON.
func (s *ContactsService) ListRawIter(ctx context.Context, opts *ListOptions) iter.Seq2[map[string]any, error] {
	o := ListOptions{}
	if opts != nil {
		o = *opts
	}
	return iterate(o.StartingAfter, func(cursor string) ([]map[string]any, *Response, error) {
		o.StartingAfter = cursor
		return s.ListRaw(ctx, &o)
	})
}

// SearchRaw runs a contact search and returns one page as decoded JSON;
// Response.NextCursor is the cursor of the next page, which SearchRaw
// expects in r.Pagination.StartingAfter (Intercom ignores a cursor in the
// query string).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/searchcontacts
func (s *ContactsService) SearchRaw(ctx context.Context, r *SearchRequest) ([]map[string]any, *Response, error) {
	var l rawList
	resp, err := (*service)(s).send(ctx, http.MethodPost, "contacts/search", r, &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Data, resp, nil
}

// SearchRawIter iterates over every contact matching r, as decoded JSON,
// following the cursor in the request body. r is not modified.
func (s *ContactsService) SearchRawIter(ctx context.Context, r *SearchRequest) iter.Seq2[map[string]any, error] {
	start := ""
	if r.Pagination != nil {
		start = r.Pagination.StartingAfter
	}
	return iterate(start, func(cursor string) ([]map[string]any, *Response, error) {
		return s.SearchRaw(ctx, r.withCursor(cursor))
	})
}

// GetRaw fetches a company by Intercom id as decoded JSON.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/retrieveacompanybyid
func (s *CompaniesService) GetRaw(ctx context.Context, id string) (map[string]any, *Response, error) {
	var m map[string]any
	resp, err := (*service)(s).get(ctx, companyPath(id), &m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}

// UpdateRaw sends body as a partial update of the company with Intercom id
// id and returns the updated company as decoded JSON. Custom attributes go
// under "custom_attributes".
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/updatecompany
func (s *CompaniesService) UpdateRaw(ctx context.Context, id string, body map[string]any) (map[string]any, *Response, error) {
	if body == nil {
		body = map[string]any{}
	}
	var m map[string]any
	resp, err := (*service)(s).send(ctx, http.MethodPut, companyPath(id), body, &m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}

// GetByCompanyIDRaw fetches a company by your company_id as decoded JSON.
// Intercom answers either the company or (API 2.16) a list holding it; both
// are accepted. No such company is reported as ErrNotFound.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/retrievecompany
func (s *CompaniesService) GetByCompanyIDRaw(ctx context.Context, companyID string) (map[string]any, *Response, error) {
	raw, resp, err := s.getByCompanyID(ctx, companyID)
	if err != nil {
		return nil, resp, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, resp, fmt.Errorf("intercom: decode company: %w", err)
	}
	return m, resp, nil
}

// getByCompanyID returns the JSON of the company with companyID, taken out
// of the list wrapper when Intercom answers with one.
func (s *CompaniesService) getByCompanyID(ctx context.Context, companyID string) (json.RawMessage, *Response, error) {
	var raw json.RawMessage
	q := url.Values{"company_id": {companyID}}
	resp, err := (*service)(s).get(ctx, withQuery("companies", q), &raw)
	if err != nil {
		return nil, resp, err
	}
	var probe struct {
		Type string            `json:"type"`
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, resp, fmt.Errorf("intercom: decode company: %w", err)
	}
	if probe.Type != "list" && probe.Data == nil {
		return raw, resp, nil
	}
	for _, item := range probe.Data {
		var id struct {
			CompanyID string `json:"company_id"`
		}
		if json.Unmarshal(item, &id) == nil && id.CompanyID == companyID {
			return item, resp, nil
		}
	}
	return nil, resp, &ErrorResponse{
		StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/companies",
		Errors: []APIError{{Code: "company_not_found", Message: "Company Not Found"}},
	}
}

// ScrollRaw is Scroll with the companies as decoded JSON: pass "" to start
// and then Response.NextCursor; an empty batch (or NextCursor "") ends the
// scroll.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/scrolloverallcompanies
func (s *CompaniesService) ScrollRaw(ctx context.Context, scrollParam string) ([]map[string]any, *Response, error) {
	q := url.Values{}
	if scrollParam != "" {
		q.Set("scroll_param", scrollParam)
	}
	var l rawList
	resp, err := (*service)(s).get(ctx, withQuery("companies/scroll", q), &l)
	if err != nil {
		return nil, resp, err
	}
	if len(l.Data) > 0 {
		resp.NextCursor = l.ScrollParam
	}
	return l.Data, resp, nil
}

// ScrollFields is ScrollRaw with each company decoded one level deep (see
// ContactsService.ListFields).
func (s *CompaniesService) ScrollFields(ctx context.Context, scrollParam string) ([]map[string]json.RawMessage, *Response, error) {
	page, resp, err := s.ScrollPage(ctx, scrollParam)
	if err != nil {
		return nil, resp, err
	}
	fields, err := page.Fields()
	return fields, resp, err
}

// ScrollPage is ScrollFields for a caller that reads page after page (see
// ContactsService.ListPage).
func (s *CompaniesService) ScrollPage(ctx context.Context, scrollParam string) (*FieldsPage, *Response, error) {
	q := url.Values{}
	if scrollParam != "" {
		q.Set("scroll_param", scrollParam)
	}
	var page FieldsPage
	resp, err := (*service)(s).get(ctx, withQuery("companies/scroll", q), &page)
	if err != nil {
		return nil, resp, err
	}
	if !page.empty() {
		resp.NextCursor = page.scrollParam
	}
	return &page, resp, nil
}

// ScrollRawIter iterates over every company with a scroll, as decoded JSON.
// A workspace has one open scroll at a time; a scroll that fails midway
// must be started again from the beginning.
func (s *CompaniesService) ScrollRawIter(ctx context.Context) iter.Seq2[map[string]any, error] {
	return iterate("", func(cursor string) ([]map[string]any, *Response, error) {
		return s.ScrollRaw(ctx, cursor)
	})
}
