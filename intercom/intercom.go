package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Base URLs of Intercom's regional data centres. A token is only accepted
// by the region that hosts its workspace.
const (
	BaseURLUS = "https://api.intercom.io"
	BaseURLEU = "https://api.eu.intercom.io"
	BaseURLAU = "https://api.au.intercom.io"
)

// DefaultVersion is the Intercom-Version sent when WithVersion is not used.
const DefaultVersion = "2.14"

// maxRateLimitWait bounds how long a request waits for a rate-limit window
// to reset before giving up with a *RateLimitError.
const maxRateLimitWait = time.Minute

// Client talks to one Intercom workspace with one access token. It is safe
// for concurrent use.
type Client struct {
	baseURL       *url.URL
	token         string
	version       string
	httpClient    *http.Client
	responseHook  func(*Response)
	rateLimitWait bool

	common service

	// Contacts manages users and leads.
	Contacts *ContactsService
	// Companies manages companies.
	Companies *CompaniesService
	// Conversations reads, replies to and manages conversations.
	Conversations *ConversationsService
	// Admins lists teammates and identifies the token.
	Admins *AdminsService
	// DataAttributes lists and creates attribute definitions.
	DataAttributes *DataAttributesService
	// Tags lists and creates tags.
	Tags *TagsService
	// Notes creates and lists notes on contacts.
	Notes *NotesService
}

type service struct {
	client *Client
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the API host, e.g. BaseURLEU or a simulator's URL.
func WithBaseURL(u string) Option {
	return func(c *Client) {
		parsed, err := url.Parse(strings.TrimRight(u, "/") + "/")
		if err == nil {
			c.baseURL = parsed
		}
	}
}

// WithVersion sets the Intercom-Version header sent on every request.
func WithVersion(v string) Option {
	return func(c *Client) { c.version = v }
}

// WithHTTPClient sets the *http.Client used for requests.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithResponseHook registers a function called with every response received,
// successful or not (for metrics and logging).
func WithResponseHook(hook func(*Response)) Option {
	return func(c *Client) { c.responseHook = hook }
}

// WithRateLimitWait controls what happens on HTTP 429. When true (the
// default) the client waits until X-RateLimit-Reset, honouring the request
// context, and retries once; when false it returns *RateLimitError at once.
func WithRateLimitWait(wait bool) Option {
	return func(c *Client) { c.rateLimitWait = wait }
}

// NewClient returns a client that authenticates with the given access token.
func NewClient(token string, opts ...Option) *Client {
	c := &Client{
		token:         token,
		version:       DefaultVersion,
		httpClient:    &http.Client{Timeout: 60 * time.Second},
		rateLimitWait: true,
	}
	WithBaseURL(BaseURLUS)(c)
	for _, opt := range opts {
		opt(c)
	}
	c.common.client = c
	c.Contacts = (*ContactsService)(&c.common)
	c.Companies = (*CompaniesService)(&c.common)
	c.Conversations = (*ConversationsService)(&c.common)
	c.Admins = (*AdminsService)(&c.common)
	c.DataAttributes = (*DataAttributesService)(&c.common)
	c.Tags = (*TagsService)(&c.common)
	c.Notes = (*NotesService)(&c.common)
	return c
}

// Version returns the Intercom-Version the client sends.
func (c *Client) Version() string { return c.version }

// BaseURL returns the API host the client talks to.
func (c *Client) BaseURL() string { return strings.TrimRight(c.baseURL.String(), "/") }

// NewRequest builds a request for a path relative to the base URL. A
// non-nil body is encoded as JSON.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	rel, err := url.Parse(strings.TrimLeft(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("intercom: bad path %q: %w", path, err)
	}
	u := c.baseURL.ResolveReference(rel)
	var r io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("intercom: encode %s %s body: %w", method, rel.Path, err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, fmt.Errorf("intercom: new request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Intercom-Version", c.version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// Rate is the rate-limit state reported by the last response.
type Rate struct {
	// Limit is the number of requests allowed in the current window.
	Limit int
	// Remaining is the number of requests left in the current window.
	Remaining int
	// Reset is when the current window ends.
	Reset time.Time
}

// Response wraps an HTTP response with the values Intercom reports in it.
type Response struct {
	*http.Response
	// Rate is parsed from the X-RateLimit-* headers.
	Rate Rate
	// NextCursor is pages.next.starting_after of a cursor-paginated list,
	// or the scroll_param of a company scroll; empty on the last page.
	NextCursor string
}

func newResponse(r *http.Response) *Response {
	return &Response{Response: r, Rate: parseRate(r.Header)}
}

func parseRate(h http.Header) Rate {
	var rate Rate
	if v := h.Get("X-RateLimit-Limit"); v != "" {
		rate.Limit, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-RateLimit-Remaining"); v != "" {
		rate.Remaining, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
			rate.Reset = time.Unix(sec, 0)
		}
	}
	return rate
}

// Do sends req and decodes a 2xx JSON body into v (when v is non-nil).
// Non-2xx responses become the typed errors of CheckResponse. On 429 it
// waits for the rate-limit reset and retries once, unless disabled.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	resp, err := c.do(req)
	if err != nil {
		var rle *RateLimitError
		if !c.rateLimitWait || !errors.As(err, &rle) || resp == nil {
			return resp, err
		}
		if err := waitForReset(req.Context(), rle.Rate.Reset); err != nil {
			return resp, rle
		}
		retry, rerr := rewind(req)
		if rerr != nil {
			return resp, rle
		}
		resp, err = c.do(retry)
		if err != nil {
			return resp, err
		}
	}
	defer resp.Body.Close()
	if v == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return resp, fmt.Errorf("intercom: decode %s %s: %w", req.Method, req.URL.Path, err)
	}
	return resp, nil
}

// do performs one attempt; on a non-2xx status the body is consumed and
// closed and the typed error returned together with the response.
func (c *Client) do(req *http.Request) (*Response, error) {
	httpResp, err := c.httpClient.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("intercom: %s %s: %w", req.Method, req.URL.Path, redactURLError(err))
	}
	resp := newResponse(httpResp)
	if c.responseHook != nil {
		c.responseHook(resp)
	}
	if err := CheckResponse(httpResp); err != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(httpResp.Body, maxErrorBodySize))
		httpResp.Body.Close()
		return resp, err
	}
	return resp, nil
}

func waitForReset(ctx context.Context, reset time.Time) error {
	wait := time.Until(reset)
	if wait > maxRateLimitWait {
		return errors.New("intercom: rate-limit reset too far away")
	}
	if wait <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func rewind(req *http.Request) (*http.Request, error) {
	retry := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errors.New("intercom: request body cannot be replayed")
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		retry.Body = body
	}
	return retry, nil
}

// redactURLError strips the query string from a *url.Error so no request
// data leaks into error strings (the token is never in the URL).
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			ue.URL = u.String()
		}
	}
	return err
}

// get is a helper for GET requests decoded into v.
func (s *service) get(ctx context.Context, path string, v any) (*Response, error) {
	return s.send(ctx, http.MethodGet, path, nil, v)
}

func (s *service) send(ctx context.Context, method, path string, body, v any) (*Response, error) {
	req, err := s.client.NewRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	return s.client.Do(req, v)
}
