package intercom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides whether a failed attempt is retried and says why.
// resp is nil when err (a transport error) is not; otherwise resp is the
// non-2xx answer, its body already read. A policy must not retry once ctx
// is done.
//
// Whatever the policy says, the client never sends a request that creates
// something again when the first attempt may have been applied (see
// WithRetryPolicy), never waits longer than a minute for a rate-limit
// window, and gives up after WithMaxRetries retries.
type RetryPolicy func(ctx context.Context, resp *http.Response, err error) (retry bool, reason string)

// NoRetry never retries.
func NoRetry(context.Context, *http.Response, error) (bool, string) { return false, "" }

// DefaultRetryPolicy retries connection errors (but not TLS, certificate,
// scheme or redirect errors), 429 and 5xx other than 501; it never retries
// once ctx is done.
func DefaultRetryPolicy(ctx context.Context, resp *http.Response, err error) (bool, string) {
	if ctx.Err() != nil {
		return false, ""
	}
	if err != nil {
		if !retryableTransportError(err) {
			return false, ""
		}
		return true, "connection error: " + redactURLError(err).Error()
	}
	if resp == nil {
		return false, ""
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, "429 rate limit exceeded"
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return true, strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	return false, ""
}

func retryableTransportError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
		recordErr  tls.RecordHeaderError
	)
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &recordErr) {
		return false
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg := uerr.Err.Error()
		if strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") ||
			strings.Contains(msg, "invalid header") || strings.Contains(msg, "certificate") {
			return false
		}
	}
	return true
}

// RetryEvent describes one retry the client is about to make.
type RetryEvent struct {
	// Method and Path identify the request (no query string).
	Method, Path string
	// Attempt is the number of the attempt that failed, from 1.
	Attempt int
	// Reason says why the attempt is retried, e.g. "503 Service
	// Unavailable" or "429 rate limit exceeded".
	Reason string
	// Wait is how long the client waits before the next attempt.
	Wait time.Duration
}

// RetriesExhaustedError wraps the last failure of a call that was retried.
type RetriesExhaustedError struct {
	Attempts   int    // attempts made, the first one included
	LastReason string // why the last retry was made
	Err        error  // the last failure
}

func (e *RetriesExhaustedError) Error() string {
	return fmt.Sprintf("%v (gave up after %d attempts; last retry because %s)", e.Err, e.Attempts, e.LastReason)
}

// Unwrap returns the last failure.
func (e *RetriesExhaustedError) Unwrap() error { return e.Err }

// replaySafe reports whether a failed attempt may be sent again without
// risking a second effect. Reads, PUT and DELETE are idempotent, and so
// are the POSTs that search, list, upsert by key, attach, tag or archive.
// Any other POST creates something (a contact, a note, a conversation, a
// reply…) and Intercom takes no idempotency key, so it is replayed only
// when the answer proves it was not applied: a 429, or a connection that
// was never made.
func (c *Client) replaySafe(req *http.Request, resp *http.Response, err error) bool {
	if req.Method != http.MethodPost || c.idempotentPost(req.URL.Path) {
		return true
	}
	if resp != nil {
		return resp.StatusCode == http.StatusTooManyRequests
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// idempotentPost reports whether a POST to path (as sent) can be repeated
// with the same effect.
func (c *Client) idempotentPost(path string) bool {
	rel := c.relPath(path)
	parts := strings.Split(rel, "/")
	last := parts[len(parts)-1]
	switch {
	case rel == "companies", rel == "companies/list", rel == "tags":
		return true // upsert by company_id; list; create-or-update by name
	case last == "search":
		return true
	case len(parts) == 3 && (parts[0] == "contacts" || parts[0] == "conversations") &&
		(last == "companies" || last == "tags" || last == "archive" || last == "unarchive"):
		return true
	}
	return false
}

// relPath returns a request path relative to the base URL, without
// leading or trailing slashes.
func (c *Client) relPath(path string) string {
	return strings.Trim(strings.TrimPrefix(path, strings.TrimRight(c.baseURL.Path, "/")), "/")
}

func hasLastSegment(path, seg string) bool {
	return path == seg || strings.HasSuffix(path, "/"+seg)
}

// retryWait returns how long to wait before retry number attempt+1. A 429
// waits for X-RateLimit-Reset (or Retry-After); ok is false when that is
// more than a minute away. Other failures back off exponentially from the
// base, capped, with jitter over the upper half.
func (c *Client) retryWait(attempt int, resp *http.Response) (time.Duration, bool) {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		wait := time.Duration(-1)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			wait = time.Duration(s) * time.Second
		} else if reset := parseRate(resp.Header).Reset; !reset.IsZero() {
			wait = time.Until(reset)
		}
		if wait > maxRateLimitWait {
			return 0, false
		}
		if wait > 0 {
			return wait, true
		}
	}
	d := c.backoffBase << min(attempt, 20)
	if d <= 0 || d > c.backoffMax {
		d = c.backoffMax
	}
	half := d / 2
	return half + rand.N(half+1), true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
