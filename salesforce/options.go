package salesforce

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// DefaultAPIVersion is the REST API version used unless WithAPIVersion says
// otherwise.
const DefaultAPIVersion = "62.0"

// DefaultCallOptions is the Sforce-Call-Options value sent unless
// WithCallOptions says otherwise. It tags every change made through the
// client so that change events caused by the bridge can be recognised.
const DefaultCallOptions = "client=tandem"

// Option configures a Client in NewClient.
type Option func(*Client) error

// WithInstanceURL sets the org's instance URL (for example
// https://acme.my.salesforce.com). An instance URL returned by the token
// source takes precedence.
func WithInstanceURL(instanceURL string) Option {
	return func(c *Client) error {
		if instanceURL == "" {
			return errors.New("salesforce: empty instance URL")
		}
		c.instanceURL = strings.TrimRight(instanceURL, "/")
		return nil
	}
}

// WithTokenSource sets where access tokens come from.
func WithTokenSource(ts TokenSource) Option {
	return func(c *Client) error {
		if ts == nil {
			return errors.New("salesforce: nil token source")
		}
		c.tokens = ts
		return nil
	}
}

// WithAccessToken uses one fixed access token. Combine it with
// WithInstanceURL. When the token expires calls fail with ErrSessionExpired.
func WithAccessToken(token string) Option {
	return func(c *Client) error {
		if token == "" {
			return errors.New("salesforce: empty access token")
		}
		c.tokens = StaticTokenSource(token, "")
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for API calls. The default has a
// two-minute timeout; per-call deadlines come from the context.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("salesforce: nil HTTP client")
		}
		c.client = hc
		return nil
	}
}

// WithAPIVersion sets the REST API version, such as "62.0" (a leading "v" is
// accepted).
func WithAPIVersion(version string) Option {
	return func(c *Client) error {
		v := strings.TrimPrefix(version, "v")
		major, minor, ok := strings.Cut(v, ".")
		if !ok || !allDigits(major) || !allDigits(minor) {
			return errors.New("salesforce: API version must look like 62.0")
		}
		c.apiVersion = v
		return nil
	}
}

// WithAutoAssign controls the Sforce-Auto-Assign header sent on every write.
// The default, false, sends FALSE so that assignment rules do not reassign
// owners of records the bridge touches; true sends TRUE.
func WithAutoAssign(on bool) Option {
	return func(c *Client) error {
		c.autoAssign = on
		return nil
	}
}

// WithCallOptions sets the Sforce-Call-Options header value (default
// DefaultCallOptions). An empty string omits the header.
func WithCallOptions(value string) Option {
	return func(c *Client) error {
		c.callOptions = value
		return nil
	}
}

// WithRetryPolicy replaces the policy deciding whether a failed attempt is
// retried (default DefaultRetryPolicy). Use NoRetry to disable retries.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(c *Client) error {
		if policy == nil {
			return errors.New("salesforce: nil retry policy")
		}
		c.retryPolicy = policy
		return nil
	}
}

// WithMaxRetries sets how many times one call is retried after its first
// attempt (default 2). The job queue above the client retries too, so keep
// this small.
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return errors.New("salesforce: negative max retries")
		}
		c.maxRetries = n
		return nil
	}
}

// WithBackoff sets the base and the cap of the jittered exponential backoff
// between retries (default 200ms and 5s).
func WithBackoff(base, maxDelay time.Duration) Option {
	return func(c *Client) error {
		if base <= 0 || maxDelay < base {
			return errors.New("salesforce: backoff needs 0 < base <= max")
		}
		c.backoffBase, c.backoffMax = base, maxDelay
		return nil
	}
}

// WithResponseHook registers a function called after every HTTP response from
// the data API, including attempts that are retried afterwards. Each such
// response counts against the org's API allocation, so the hook is the place
// to count calls and watch Response.Limit. The hook must not read the body.
func WithResponseHook(hook func(*Response)) Option {
	return func(c *Client) error {
		c.onResponse = hook
		return nil
	}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
