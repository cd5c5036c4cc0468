package intercom

import (
	"net/url"
	"strconv"
)

// ListOptions selects a page of a cursor-paginated list endpoint.
type ListOptions struct {
	// PerPage is the page size (Intercom caps it at 150); 0 uses the default.
	PerPage int
	// StartingAfter is the cursor from a previous Response.NextCursor.
	StartingAfter string
}

func (o *ListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if o.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(o.PerPage))
	}
	if o.StartingAfter != "" {
		q.Set("starting_after", o.StartingAfter)
	}
	return q
}

// Pages is Intercom's pagination object.
type Pages struct {
	Type       string     `json:"type,omitempty"`
	Page       int        `json:"page,omitempty"`
	PerPage    int        `json:"per_page,omitempty"`
	TotalPages int        `json:"total_pages,omitempty"`
	Next       *PagesNext `json:"next,omitempty"`
}

// PagesNext points at the following page.
type PagesNext struct {
	Page          int    `json:"page,omitempty"`
	StartingAfter string `json:"starting_after,omitempty"`
}

func (p *Pages) cursor() string {
	if p == nil || p.Next == nil {
		return ""
	}
	return p.Next.StartingAfter
}

// withQuery appends an encoded query to path when q is non-empty.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
