package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const userAgent = "tandem-salesforce"

// Client talks to one Salesforce org. It is safe for concurrent use.
type Client struct {
	client      *http.Client
	instanceURL string
	apiVersion  string
	tokens      TokenSource
	autoAssign  bool
	callOptions string
	onResponse  func(*Response)

	retryPolicy RetryPolicy
	maxRetries  int
	backoffBase time.Duration
	backoffMax  time.Duration

	describeMu    sync.Mutex
	describeCache map[string]*DescribeSObject

	common service

	// SObjects covers single-record CRUD, upsert, describe and
	// getUpdated/getDeleted.
	SObjects *SObjectsService
	// Collections covers sObject Collections writes of many records.
	Collections *CollectionsService
}

type service struct {
	client *Client
}

// NewClient returns a client configured by opts. A token source (or a static
// access token) is required; the instance URL comes from the token source or
// from WithInstanceURL.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		client:        &http.Client{Timeout: 2 * time.Minute},
		apiVersion:    DefaultAPIVersion,
		callOptions:   DefaultCallOptions,
		retryPolicy:   DefaultRetryPolicy,
		maxRetries:    2,
		backoffBase:   200 * time.Millisecond,
		backoffMax:    5 * time.Second,
		describeCache: map[string]*DescribeSObject{},
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.tokens == nil {
		return nil, errors.New("salesforce: no credentials: use WithTokenSource or WithAccessToken")
	}
	if _, static := c.tokens.(*staticTokenSource); static && c.instanceURL == "" {
		if t, _ := c.tokens.Token(context.Background()); t == nil || t.InstanceURL == "" {
			return nil, errors.New("salesforce: a static access token needs WithInstanceURL")
		}
	}
	if c.instanceURL != "" {
		if u, err := url.Parse(c.instanceURL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, errors.New("salesforce: instance URL must be absolute, like https://acme.my.salesforce.com")
		}
	}
	c.common.client = c
	c.SObjects = (*SObjectsService)(&c.common)
	c.Collections = (*CollectionsService)(&c.common)
	return c, nil
}

// APIVersion returns the REST API version the client uses, such as "62.0".
func (c *Client) APIVersion() string { return c.apiVersion }

// NewRequest builds a request for path. A path starting with "/" is taken
// from the host root (as nextRecordsUrl values are); any other path is
// relative to /services/data/vXX.X/. Absolute URLs are refused so that the
// access token is only ever sent to the org's instance. body, when not nil,
// is encoded as JSON; the request can be replayed for retries. opts adjust
// the headers of this request only.
func (c *Client) NewRequest(method, path string, body any, opts ...RequestOption) (*http.Request, error) {
	if strings.Contains(path, "://") || strings.HasPrefix(path, "//") {
		return nil, fmt.Errorf("salesforce: absolute URL refused: want a path")
	}
	if !strings.HasPrefix(path, "/") {
		path = "/services/data/v" + c.apiVersion + "/" + path
	}
	u, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("salesforce: bad path: %w", err)
	}
	var buf []byte
	if body != nil {
		buf, err = json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("salesforce: encode request body: %w", err)
		}
	}
	req := &http.Request{
		Method: method,
		URL:    u,
		Header: make(http.Header),
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if buf != nil {
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = int64(len(buf))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	}
	if isWrite(method) {
		if c.autoAssign {
			req.Header.Set("Sforce-Auto-Assign", "TRUE")
		} else {
			req.Header.Set("Sforce-Auto-Assign", "FALSE")
		}
	}
	if c.callOptions != "" {
		req.Header.Set("Sforce-Call-Options", c.callOptions)
	}
	applyOptions(req, opts)
	return req, nil
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Do sends req, retrying per the client's retry policy and re-authenticating
// once on 401 INVALID_SESSION_ID. A 2xx body is decoded into v when v is not
// nil (an io.Writer receives the raw body). Other statuses become the error
// returned by CheckResponse; the Response is returned as well whenever one
// was received.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	reauthed := false
	var lastReason string
	for attempt := 0; ; {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		hreq, err := c.prepare(ctx, req, tok)
		if err != nil {
			return nil, err
		}
		hresp, err := c.client.Do(hreq)
		var resp *Response
		var errBody []byte
		if err == nil {
			resp = newResponse(hresp)
			if c.onResponse != nil {
				c.onResponse(resp)
			}
			if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
				return resp, decodeBody(hresp, v)
			}
			errBody, _ = io.ReadAll(io.LimitReader(hresp.Body, maxErrorBodySize))
			_, _ = io.Copy(io.Discard, io.LimitReader(hresp.Body, maxErrorBodySize))
			hresp.Body.Close()
			hresp.Body = io.NopCloser(bytes.NewReader(errBody))
			if hresp.StatusCode == http.StatusUnauthorized && !reauthed && firstCode(errBody) == "INVALID_SESSION_ID" {
				reauthed = true
				c.tokens.Invalidate(tok)
				if fresh, ferr := c.tokens.Token(ctx); ferr == nil && fresh.AccessToken != tok.AccessToken {
					continue
				}
			}
		} else if ctx.Err() != nil {
			return nil, fmt.Errorf("salesforce: %s %s: %w", req.Method, req.URL.Path, ctx.Err())
		}

		retry, reason := c.retryPolicy(ctx, hresp, err)
		if retry && !replaySafe(req.Method, hresp, errBody, err) {
			retry = false
		}
		if hresp != nil {
			hresp.Body = io.NopCloser(bytes.NewReader(errBody))
		}
		if !retry || attempt >= c.maxRetries {
			final := err
			if final == nil {
				final = checkBody(hresp, errBody, req.Method, tok.AccessToken)
			} else {
				final = fmt.Errorf("salesforce: %s %s: %w", req.Method, req.URL.Path, redactErr(final, tok.AccessToken))
			}
			if attempt > 0 {
				final = &RetriesExhaustedError{Attempts: attempt + 1, LastReason: lastReason, Err: final}
			}
			if !retry && ctx.Err() != nil && hresp != nil && attempt < c.maxRetries {
				// The retry was given up only because the context ended
				// (policies never retry then): say so, so callers see a
				// cancellation rather than the transient answer alone.
				if again, _ := c.retryPolicy(context.WithoutCancel(ctx), hresp, nil); again {
					final = fmt.Errorf("%w; not retried: %w", final, ctx.Err())
				}
				hresp.Body = io.NopCloser(bytes.NewReader(errBody))
			}
			return resp, final
		}
		lastReason = reason
		if err := c.sleep(ctx, attempt, hresp); err != nil {
			return resp, fmt.Errorf("salesforce: %s %s: waiting to retry (%s): %w", req.Method, req.URL.Path, reason, err)
		}
		attempt++
	}
}

// replaySafe reports whether a failed attempt may be sent again without
// risking a second effect. Salesforce has no idempotency keys, so a POST
// (create) is replayed only when the answer says it was not applied: a row
// lock, a rate limit, 503, or a connection that was never made.
func replaySafe(method string, hresp *http.Response, errBody []byte, err error) bool {
	if method != http.MethodPost {
		return true
	}
	if hresp == nil {
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial"
	}
	return firstCode(errBody) == "UNABLE_TO_LOCK_ROW" || hresp.StatusCode == http.StatusTooManyRequests ||
		hresp.StatusCode == http.StatusServiceUnavailable
}

// InstanceURL returns the org's instance URL: the current token's when it
// names one, else the configured one.
func (c *Client) InstanceURL(ctx context.Context) (string, error) {
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return "", err
	}
	if tok.InstanceURL != "" {
		return strings.TrimRight(tok.InstanceURL, "/"), nil
	}
	return c.instanceURL, nil
}

func (c *Client) prepare(ctx context.Context, req *http.Request, tok *Token) (*http.Request, error) {
	base := c.instanceURL
	if tok.InstanceURL != "" {
		base = strings.TrimRight(tok.InstanceURL, "/")
	}
	if base == "" {
		return nil, errors.New("salesforce: no instance URL: the token source returned none and WithInstanceURL was not set")
	}
	u, err := url.Parse(base + req.URL.RequestURI())
	if err != nil {
		return nil, fmt.Errorf("salesforce: bad instance URL: %w", err)
	}
	r := req.Clone(ctx)
	r.URL = u
	r.Host = ""
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

func decodeBody(hresp *http.Response, v any) error {
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(hresp.Body, maxErrorBodySize))
		hresp.Body.Close()
	}()
	if v == nil || hresp.StatusCode == http.StatusNoContent {
		return nil
	}
	if w, ok := v.(io.Writer); ok {
		_, err := io.Copy(w, hresp.Body)
		return err
	}
	err := json.NewDecoder(hresp.Body).Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("salesforce: decode %s response: %w", hresp.Request.URL.Path, err)
	}
	return nil
}
