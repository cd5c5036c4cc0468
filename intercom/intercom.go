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

	retryPolicy RetryPolicy
	maxRetries  int
	backoffBase time.Duration
	backoffMax  time.Duration
	retryHook   func(RetryEvent)

	pacing Pacing
	pacer  *pacer

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
// context, and retries (within WithMaxRetries); when false it returns
// *RateLimitError at once.
func WithRateLimitWait(wait bool) Option {
	return func(c *Client) { c.rateLimitWait = wait }
}

// WithRetryPolicy replaces the policy deciding whether a failed attempt is
// retried (default DefaultRetryPolicy); nil or NoRetry turns retries off.
// Whatever the policy, a POST that creates something (a contact, a note, a
// conversation, a reply…) is sent again only when the failed attempt
// cannot have been applied: after a 429, or when no connection was made.
// Intercom has no idempotency keys, so anything else could create twice.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(c *Client) {
		if policy == nil {
			policy = NoRetry
		}
		c.retryPolicy = policy
	}
}

// WithMaxRetries sets how many times one call is retried after its first
// attempt (default 2; 0 turns retries off, waiting out a 429 included).
// Callers that retry on their own, such as a job queue, keep this small.
func WithMaxRetries(n int) Option {
	return func(c *Client) { c.maxRetries = max(n, 0) }
}

// WithBackoff sets the base and the cap of the jittered exponential backoff
// between retries (default 200ms and 5s). A 429 waits for the rate-limit
// window to reset instead. Values that are not 0 < base <= max are ignored.
func WithBackoff(base, maxDelay time.Duration) Option {
	return func(c *Client) {
		if base > 0 && maxDelay >= base {
			c.backoffBase, c.backoffMax = base, maxDelay
		}
	}
}

// WithRetryHook registers a function called before every retry with the
// reason for it and the wait (for logging and metrics).
func WithRetryHook(hook func(RetryEvent)) Option {
	return func(c *Client) { c.retryHook = hook }
}

// NewClient returns a client that authenticates with the given access token.
func NewClient(token string, opts ...Option) *Client {
	c := &Client{
		token:         token,
		version:       DefaultVersion,
		httpClient:    &http.Client{Timeout: 60 * time.Second},
		rateLimitWait: true,
		retryPolicy:   DefaultRetryPolicy,
		maxRetries:    2,
		backoffBase:   200 * time.Millisecond,
		backoffMax:    5 * time.Second,
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
// Non-2xx responses become the typed errors of CheckResponse. Failed
// attempts are retried as the retry policy decides (see WithRetryPolicy,
// WithMaxRetries, WithRateLimitWait); a call given up after retries
// returns *RetriesExhaustedError wrapping the last failure. The Response of
// the last attempt is returned whenever one was received.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	ctx := req.Context()
	send, lastReason := req, ""
	paced := c.pacer != nil && c.paced(req)
	for attempt := 0; ; attempt++ {
		if paced {
			if err := c.pacer.wait(ctx); err != nil {
				return nil, fmt.Errorf("intercom: %s %s: waiting for the rate limit: %w", req.Method, req.URL.Path, err)
			}
		} else if c.pacer != nil {
			c.pacer.start()
		}
		resp, err := c.do(send)
		if c.pacer != nil {
			var rate Rate
			if resp != nil {
				rate = resp.Rate
			}
			c.pacer.done(rate)
		}
		if err == nil {
			return resp, decodeResponse(req, resp, v)
		}
		var hresp *http.Response
		transportErr := err
		if resp != nil {
			hresp, transportErr = resp.Response, nil
		}
		retry, reason := c.retryPolicy(ctx, hresp, transportErr)
		if retry && hresp != nil && hresp.StatusCode == http.StatusTooManyRequests && !c.rateLimitWait {
			retry = false
		}
		retry = retry && attempt < c.maxRetries && c.replaySafe(req, hresp, transportErr)
		var wait time.Duration
		if retry {
			wait, retry = c.retryWait(attempt, hresp)
		}
		if retry {
			var rerr error
			if send, rerr = rewind(req); rerr != nil {
				retry = false
			}
		}
		if !retry {
			final := err
			if attempt > 0 {
				final = &RetriesExhaustedError{Attempts: attempt + 1, LastReason: lastReason, Err: err}
			}
			if ctx.Err() != nil && hresp != nil && attempt < c.maxRetries {
				// Given up only because the context ended: say so.
				if again, _ := c.retryPolicy(context.WithoutCancel(ctx), hresp, nil); again {
					final = fmt.Errorf("%w; not retried: %w", final, ctx.Err())
				}
			}
			return resp, final
		}
		if c.retryHook != nil {
			c.retryHook(RetryEvent{Method: req.Method, Path: req.URL.Path, Attempt: attempt + 1, Reason: reason, Wait: wait})
		}
		if serr := sleepCtx(ctx, wait); serr != nil {
			return resp, fmt.Errorf("%w; not retried (%s): %w", err, reason, serr)
		}
		lastReason = reason
	}
}

func decodeResponse(req *http.Request, resp *Response, v any) error {
	defer resp.Body.Close()
	if v == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if p, ok := v.(bodyParser); ok {
		body, err := readBody(resp.Body, resp.ContentLength)
		if err == nil {
			err = p.parseBody(body)
		}
		if err != nil {
			return fmt.Errorf("intercom: decode %s %s: %w", req.Method, req.URL.Path, err)
		}
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("intercom: decode %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// bodyParser is a result that reads a whole answer body itself instead of
// being decoded by encoding/json.
type bodyParser interface {
	parseBody(body []byte) error
}

// readBody reads a whole body, sized by its Content-Length when given.
func readBody(r io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 && size < 64<<20 {
		buf.Grow(int(size) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
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
		httpResp.Body = http.NoBody
		return resp, err
	}
	return resp, nil
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
