package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// maxErrorBodySize bounds how much of an error body is read.
const maxErrorBodySize = 1 << 20

// Sentinel errors matched with errors.Is against any error the client
// returns for a non-2xx response.
var (
	ErrNotFound      = errors.New("intercom: not found")           // 404
	ErrUnauthorized  = errors.New("intercom: unauthorized")        // 401
	ErrForbidden     = errors.New("intercom: forbidden")           // 403
	ErrConflict      = errors.New("intercom: conflict")            // 409
	ErrMerged        = errors.New("intercom: contact merged")      // 410
	ErrUnprocessable = errors.New("intercom: invalid request")     // 400 and 422
	ErrRateLimited   = errors.New("intercom: rate limit exceeded") // 429
)

// APIError is one entry of Intercom's error.list.
type APIError struct {
	// Code is Intercom's machine-readable code, e.g. "parameter_invalid".
	Code string `json:"code"`
	// Message is the human-readable explanation, if any.
	Message string `json:"message,omitempty"`
	// Field names the offending request field, if any.
	Field string `json:"field,omitempty"`
}

// ErrorResponse is a non-2xx answer from Intercom.
type ErrorResponse struct {
	// StatusCode is the HTTP status.
	StatusCode int `json:"-"`
	// Method and Path identify the request (no query string, no token).
	Method string `json:"-"`
	Path   string `json:"-"`
	// RequestID is Intercom's request_id, for support tickets.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists Intercom's error codes and messages.
	Errors []APIError `json:"errors"`
}

// Error implements error.
func (e *ErrorResponse) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "intercom: %s %s: %d", e.Method, e.Path, e.StatusCode)
	for i, ae := range e.Errors {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + ae.Code)
		if ae.Message != "" {
			b.WriteString(": " + ae.Message)
		}
		if ae.Field != "" {
			b.WriteString(" (field " + ae.Field + ")")
		}
	}
	if e.RequestID != "" {
		b.WriteString(" [request_id " + e.RequestID + "]")
	}
	return b.String()
}

// Code returns the first error code, or "".
func (e *ErrorResponse) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// Is reports whether the status matches one of the sentinel errors.
func (e *ErrorResponse) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrMerged:
		return e.StatusCode == http.StatusGone
	case ErrUnprocessable:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// Temporary reports whether retrying the same request later may succeed
// (429 and 5xx).
func (e *ErrorResponse) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// ConflictError is a 409: a contact with the same email or external_id
// already exists.
type ConflictError struct {
	*ErrorResponse
	// ExistingID is the id of the existing contact, parsed from the
	// message ("… already exists with id=<id>"); empty if absent.
	ExistingID string
}

// Unwrap returns the underlying *ErrorResponse.
func (e *ConflictError) Unwrap() error { return e.ErrorResponse }

// MergedError is a 410 contact_merged: the contact was merged into another.
type MergedError struct {
	*ErrorResponse
	// CanonicalID is the surviving contact, from the rel="canonical" Link
	// header; empty if absent.
	CanonicalID string
}

// Unwrap returns the underlying *ErrorResponse.
func (e *MergedError) Unwrap() error { return e.ErrorResponse }

// RateLimitError is a 429 answer.
type RateLimitError struct {
	*ErrorResponse
	// Rate holds the limit and when the window resets.
	Rate Rate
}

// Unwrap returns the underlying *ErrorResponse.
func (e *RateLimitError) Unwrap() error { return e.ErrorResponse }

var (
	conflictIDRe = regexp.MustCompile(`id=([A-Za-z0-9_-]+)`)
	linkIDRe     = regexp.MustCompile(`<[^>]*/contacts/([^/>?]+)>\s*;\s*rel="?canonical"?`)
)

// CheckResponse returns nil for a 2xx response and otherwise a typed error:
// *ConflictError (409), *MergedError (410), *RateLimitError (429) or
// *ErrorResponse. It reads at most 1 MiB of the body and leaves it open.
func CheckResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	er := &ErrorResponse{StatusCode: r.StatusCode}
	if r.Request != nil {
		er.Method = r.Request.Method
		er.Path = r.Request.URL.Path
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBodySize))
	if len(data) > 0 {
		var body struct {
			RequestID *string    `json:"request_id"`
			Errors    []APIError `json:"errors"`
		}
		if json.Unmarshal(data, &body) == nil {
			if body.RequestID != nil {
				er.RequestID = *body.RequestID
			}
			er.Errors = body.Errors
		}
	}
	if len(er.Errors) == 0 {
		er.Errors = []APIError{{Code: strings.ReplaceAll(strings.ToLower(http.StatusText(r.StatusCode)), " ", "_")}}
	}
	switch r.StatusCode {
	case http.StatusConflict:
		ce := &ConflictError{ErrorResponse: er}
		for _, ae := range er.Errors {
			if m := conflictIDRe.FindStringSubmatch(ae.Message); m != nil {
				ce.ExistingID = m[1]
				break
			}
		}
		return ce
	case http.StatusGone:
		me := &MergedError{ErrorResponse: er}
		for _, link := range r.Header.Values("Link") {
			if m := linkIDRe.FindStringSubmatch(link); m != nil {
				me.CanonicalID = m[1]
				break
			}
		}
		return me
	case http.StatusTooManyRequests:
		return &RateLimitError{ErrorResponse: er, Rate: parseRate(r.Header)}
	}
	return er
}
