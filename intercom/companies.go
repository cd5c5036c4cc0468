package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// CompaniesService manages companies.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies
type CompaniesService service

// Company is an Intercom company.
type Company struct {
	Type             string         `json:"type,omitempty"`
	ID               string         `json:"id"`
	CompanyID        string         `json:"company_id,omitempty"`
	AppID            string         `json:"app_id,omitempty"`
	Name             string         `json:"name,omitempty"`
	Website          string         `json:"website,omitempty"`
	Industry         string         `json:"industry,omitempty"`
	Size             int64          `json:"size,omitempty"`
	MonthlySpend     float64        `json:"monthly_spend,omitempty"`
	Plan             *Plan          `json:"plan,omitempty"`
	RemoteCreatedAt  int64          `json:"remote_created_at,omitempty"`
	CreatedAt        int64          `json:"created_at,omitempty"`
	UpdatedAt        int64          `json:"updated_at,omitempty"`
	LastRequestAt    int64          `json:"last_request_at,omitempty"`
	SessionCount     int64          `json:"session_count,omitempty"`
	UserCount        int64          `json:"user_count,omitempty"`
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
	Tags             *TagList       `json:"tags,omitempty"`
}

// Plan is a company's plan; Intercom sends {} when there is none.
type Plan struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// UnmarshalJSON accepts an object, a bare plan name or null.
func (p *Plan) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*p = Plan{}
		return nil
	}
	if b[0] == '"' {
		*p = Plan{Type: "plan"}
		return json.Unmarshal(b, &p.Name)
	}
	var raw struct {
		Type string `json:"type"`
		ID   FlexID `json:"id"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("intercom: plan: %w", err)
	}
	*p = Plan{Type: raw.Type, ID: string(raw.ID), Name: raw.Name}
	return nil
}

// CompanyRequest is the body of a create-or-update keyed on CompanyID.
// Only non-nil fields are sent.
type CompanyRequest struct {
	CompanyID           string         `json:"company_id"`
	Name                *string        `json:"name,omitempty"`
	Website             *string        `json:"website,omitempty"`
	Industry            *string        `json:"industry,omitempty"`
	Size                *int64         `json:"size,omitempty"`
	Plan                *string        `json:"plan,omitempty"`
	MonthlySpend        *float64       `json:"monthly_spend,omitempty"`
	RemoteCreatedAt     *int64         `json:"remote_created_at,omitempty"`
	UpdateLastRequestAt *bool          `json:"update_last_request_at,omitempty"`
	CustomAttributes    map[string]any `json:"custom_attributes,omitempty"`
}

// CompanyListOptions selects a page of the page-numbered company list.
type CompanyListOptions struct {
	// Page is 1-based; 0 means the first page.
	Page int
	// PerPage is the page size; 0 uses Intercom's default (15).
	PerPage int
	// Order is "asc" or "desc" by creation time; empty uses the default.
	Order string
}

// CompanyList is a page of companies.
type CompanyList struct {
	Type        string     `json:"type,omitempty"`
	Data        []*Company `json:"data"`
	TotalCount  int        `json:"total_count"`
	Pages       *Pages     `json:"pages,omitempty"`
	ScrollParam string     `json:"scroll_param,omitempty"`
}

func companyPath(id string) string { return "companies/" + url.PathEscape(id) }

// CreateOrUpdate creates the company with r.CompanyID, or updates it if it
// exists.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/createorupdatecompany
func (s *CompaniesService) CreateOrUpdate(ctx context.Context, r *CompanyRequest) (*Company, *Response, error) {
	co := new(Company)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "companies", r, co)
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// Get fetches a company by Intercom id.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/retrieveacompanybyid
func (s *CompaniesService) Get(ctx context.Context, id string) (*Company, *Response, error) {
	co := new(Company)
	resp, err := (*service)(s).get(ctx, companyPath(id), co)
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// GetByCompanyID fetches a company by your company_id. Intercom answers
// either the company or a list holding it; both are accepted. An empty
// list is reported as ErrNotFound.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/retrievecompany
func (s *CompaniesService) GetByCompanyID(ctx context.Context, companyID string) (*Company, *Response, error) {
	raw, resp, err := s.getByCompanyID(ctx, companyID)
	if err != nil {
		return nil, resp, err
	}
	co := new(Company)
	if err := json.Unmarshal(raw, co); err != nil {
		return nil, resp, fmt.Errorf("intercom: decode company: %w", err)
	}
	return co, resp, nil
}

// List returns one page of companies (companies without contacts are
// omitted by Intercom). Response.NextCursor is the next page number.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/listallcompanies
func (s *CompaniesService) List(ctx context.Context, opts *CompanyListOptions) ([]*Company, *Response, error) {
	q := url.Values{}
	if opts != nil {
		if opts.Page > 0 {
			q.Set("page", strconv.Itoa(opts.Page))
		}
		if opts.PerPage > 0 {
			q.Set("per_page", strconv.Itoa(opts.PerPage))
		}
		if opts.Order != "" {
			q.Set("order", opts.Order)
		}
	}
	var l CompanyList
	resp, err := (*service)(s).send(ctx, http.MethodPost, withQuery("companies/list", q), nil, &l)
	if err != nil {
		return nil, resp, err
	}
	if p := l.Pages; p != nil && p.Page < p.TotalPages {
		resp.NextCursor = strconv.Itoa(p.Page + 1)
	}
	return l.Data, resp, nil
}

// ListIter iterates over every company from opts' page on.
func (s *CompaniesService) ListIter(ctx context.Context, opts *CompanyListOptions) iter.Seq2[*Company, error] {
	o := CompanyListOptions{}
	if opts != nil {
		o = *opts
	}
	return iterate("", func(cursor string) ([]*Company, *Response, error) {
		if cursor != "" {
			o.Page, _ = strconv.Atoi(cursor)
		}
		return s.List(ctx, &o)
	})
}

// Scroll returns the next batch of a company scroll; pass "" to start and
// then Response.NextCursor (the scroll_param). An empty batch ends it. A
// workspace has one open scroll, which expires after a minute idle.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/scrolloverallcompanies
func (s *CompaniesService) Scroll(ctx context.Context, scrollParam string) ([]*Company, *Response, error) {
	q := url.Values{}
	if scrollParam != "" {
		q.Set("scroll_param", scrollParam)
	}
	var l CompanyList
	resp, err := (*service)(s).get(ctx, withQuery("companies/scroll", q), &l)
	if err != nil {
		return nil, resp, err
	}
	if len(l.Data) > 0 {
		resp.NextCursor = l.ScrollParam
	}
	return l.Data, resp, nil
}

// ScrollIter iterates over every company with a scroll.
func (s *CompaniesService) ScrollIter(ctx context.Context) iter.Seq2[*Company, error] {
	return iterate("", func(cursor string) ([]*Company, *Response, error) {
		return s.Scroll(ctx, cursor)
	})
}

// ListContacts lists the contacts attached to a company (Intercom id).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/companies/listattachedcontacts
func (s *CompaniesService) ListContacts(ctx context.Context, id string) ([]*Contact, *Response, error) {
	var l struct {
		Data     []*Contact `json:"data"`
		Contacts []*Contact `json:"contacts"`
		Pages    *Pages     `json:"pages"`
	}
	resp, err := (*service)(s).get(ctx, companyPath(id)+"/contacts", &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	if l.Data == nil {
		l.Data = l.Contacts
	}
	return l.Data, resp, nil
}
