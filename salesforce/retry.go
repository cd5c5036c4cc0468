package salesforce

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides whether a failed attempt is retried and says why. resp
// is nil when err (a transport error) is not; otherwise resp is a non-2xx
// response whose body may be read (it is buffered and rewound for the policy
// and for the final error).
type RetryPolicy func(ctx context.Context, resp *http.Response, err error) (retry bool, reason string)

// NoRetry never retries.
func NoRetry(context.Context, *http.Response, error) (bool, string) { return false, "" }

// DefaultRetryPolicy retries connection errors (but not TLS, certificate or
// URL errors), 429, 5xx other than 501, and UNABLE_TO_LOCK_ROW; it never
// retries once ctx is done, and never REQUEST_LIMIT_EXCEEDED: exhausting
// the org's allocation is for the caller to handle.
//
// Salesforce has no idempotency keys, so a retried create can in rare cases
// (the first attempt was applied but its answer lost) create twice; callers
// that cannot tolerate that look up before creating or upsert by external id.
func DefaultRetryPolicy(ctx context.Context, resp *http.Response, err error) (bool, string) {
	if ctx.Err() != nil {
		return false, ""
	}
	if err != nil {
		if !retryableTransportError(err) {
			return false, ""
		}
		return true, "connection error: " + redact(err.Error())
	}
	if resp == nil {
		return false, ""
	}
	code := ""
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodySize))
		code = firstCode(body)
	}
	switch {
	case code == "REQUEST_LIMIT_EXCEEDED":
		return false, ""
	case code == "UNABLE_TO_LOCK_ROW":
		return true, fmt.Sprintf("%d UNABLE_TO_LOCK_ROW", resp.StatusCode)
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, "429 too many requests"
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		reason := strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
		if code != "" {
			reason += " " + code
		}
		return true, reason
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

// backoff returns the wait before retry number attempt+1: exponential from
// the base, capped, with jitter over its upper half; a Retry-After header
// (seconds) on resp wins, capped at one minute.
func (c *Client) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			return min(time.Duration(s)*time.Second, time.Minute)
		}
	}
	d := c.backoffBase << min(attempt, 20)
	if d <= 0 || d > c.backoffMax {
		d = c.backoffMax
	}
	half := d / 2
	return half + rand.N(half+1)
}

func (c *Client) sleep(ctx context.Context, attempt int, resp *http.Response) error {
	t := time.NewTimer(c.backoff(attempt, resp))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
