package salesforce

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// QueryOptions tunes a query.
type QueryOptions struct {
	// BatchSize asks for pages of this many rows (200 to 2000; Salesforce
	// may send fewer). Zero leaves the server default (2000).
	BatchSize int
}

// QueryResult is one page of query results.
type QueryResult struct {
	TotalSize int  `json:"totalSize"`
	Done      bool `json:"done"`
	// NextRecordsURL locates the next page; empty when Done.
	NextRecordsURL string   `json:"nextRecordsUrl,omitempty"`
	Records        []Record `json:"records"`
}

// QueryPage runs soql and returns its first page.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
func (c *Client) QueryPage(ctx context.Context, soql string, opts *QueryOptions) (*QueryResult, *Response, error) {
	return c.queryPage(ctx, "query", soql, opts)
}

// QueryAllPage is QueryPage against queryAll, which also returns deleted and
// archived rows.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
func (c *Client) QueryAllPage(ctx context.Context, soql string, opts *QueryOptions) (*QueryResult, *Response, error) {
	return c.queryPage(ctx, "queryAll", soql, opts)
}

// QueryMore fetches the page at nextURL, a QueryResult.NextRecordsURL.
func (c *Client) QueryMore(ctx context.Context, nextURL string) (*QueryResult, *Response, error) {
	return c.QueryMoreWithOptions(ctx, nextURL, nil)
}

// QueryMoreWithOptions is QueryMore sending opts' batch size again.
func (c *Client) QueryMoreWithOptions(ctx context.Context, nextURL string, opts *QueryOptions) (*QueryResult, *Response, error) {
	req, err := c.NewRequest(http.MethodGet, nextURL, nil)
	if err != nil {
		return nil, nil, err
	}
	return c.doQuery(ctx, req, opts)
}

func (c *Client) queryPage(ctx context.Context, resource, soql string, opts *QueryOptions) (*QueryResult, *Response, error) {
	req, err := c.NewRequest(http.MethodGet, resource+"?"+url.Values{"q": {soql}}.Encode(), nil)
	if err != nil {
		return nil, nil, err
	}
	return c.doQuery(ctx, req, opts)
}

func (c *Client) doQuery(ctx context.Context, req *http.Request, opts *QueryOptions) (*QueryResult, *Response, error) {
	if opts != nil && opts.BatchSize > 0 {
		req.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(opts.BatchSize))
	}
	var qr QueryResult
	resp, err := c.Do(ctx, req, &qr)
	if err != nil {
		return nil, resp, err
	}
	return &qr, resp, nil
}

// Query runs soql and yields every row, following nextRecordsUrl page by
// page. Stopping early abandons the cursor. An error is yielded once, last.
func (c *Client) Query(ctx context.Context, soql string, opts *QueryOptions) iter.Seq2[Record, error] {
	return c.queryIter(ctx, "query", soql, opts)
}

// QueryAll is Query against queryAll: deleted (IsDeleted = true) and
// archived rows are included.
func (c *Client) QueryAll(ctx context.Context, soql string, opts *QueryOptions) iter.Seq2[Record, error] {
	return c.queryIter(ctx, "queryAll", soql, opts)
}

func (c *Client) queryIter(ctx context.Context, resource, soql string, opts *QueryOptions) iter.Seq2[Record, error] {
	var o *QueryOptions
	if opts != nil {
		cp := *opts
		o = &cp
	}
	return func(yield func(Record, error) bool) {
		page, _, err := c.queryPage(ctx, resource, soql, o)
		for {
			if err != nil {
				yield(nil, err)
				return
			}
			for _, rec := range page.Records {
				if !yield(rec, nil) {
					return
				}
			}
			if page.Done || page.NextRecordsURL == "" {
				return
			}
			if !strings.HasPrefix(page.NextRecordsURL, "/") {
				page.NextRecordsURL = "/" + page.NextRecordsURL
			}
			page, _, err = c.QueryMoreWithOptions(ctx, page.NextRecordsURL, o)
		}
	}
}
