package salesforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// maxErrorBodySize bounds how much of an error response is read.
const maxErrorBodySize = 1 << 20

// Sentinel errors matched by errors.Is against *ErrorResponse (by Salesforce
// errorCode) and the other typed errors of this package.
var (
	// ErrSessionExpired matches 401 INVALID_SESSION_ID that survived the one
	// re-authentication the client attempts.
	ErrSessionExpired = errors.New("salesforce: session expired or invalid")
	// ErrRequestLimitExceeded matches 403 REQUEST_LIMIT_EXCEEDED: the org's
	// API allocation (or concurrency limit) is exhausted. Never retried here.
	ErrRequestLimitExceeded = errors.New("salesforce: request limit exceeded")
	// ErrNotFound matches NOT_FOUND (the record, resource or external id
	// field does not exist).
	ErrNotFound = errors.New("salesforce: not found")
	// ErrEntityDeleted matches ENTITY_IS_DELETED (the record is in the
	// recycle bin).
	ErrEntityDeleted = errors.New("salesforce: entity is deleted")
	// ErrRowLock matches UNABLE_TO_LOCK_ROW.
	ErrRowLock = errors.New("salesforce: unable to lock row")
	// ErrValidation matches every error caused by the data sent: the three
	// below and a few more (FIELD_INTEGRITY_EXCEPTION,
	// INVALID_CROSS_REFERENCE_KEY, ...).
	ErrValidation = errors.New("salesforce: validation failed")
	// ErrRequiredFieldMissing matches REQUIRED_FIELD_MISSING; it is also an
	// ErrValidation.
	ErrRequiredFieldMissing = errors.New("salesforce: required field missing")
	// ErrCustomValidation matches FIELD_CUSTOM_VALIDATION_EXCEPTION (an org
	// validation rule); it is also an ErrValidation.
	ErrCustomValidation = errors.New("salesforce: custom validation rule failed")
	// ErrBadValue matches errors about one field's value or name:
	// INVALID_EMAIL_ADDRESS, STRING_TOO_LONG,
	// INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, INVALID_FIELD_FOR_INSERT_UPDATE,
	// INVALID_FIELD, MALFORMED_ID and similar; it is also an ErrValidation.
	ErrBadValue = errors.New("salesforce: bad field value")
	// ErrDuplicateValue matches DUPLICATE_VALUE (a unique field clash).
	ErrDuplicateValue = errors.New("salesforce: duplicate value")
	// ErrInsufficientAccess matches INSUFFICIENT_ACCESS and its variants.
	ErrInsufficientAccess = errors.New("salesforce: insufficient access")
	// ErrRolledBack matches ALL_OR_NONE_OPERATION_ROLLED_BACK: the record was
	// fine but another one in the same all-or-none call failed.
	ErrRolledBack = errors.New("salesforce: rolled back with its batch")
	// ErrMultipleMatches matches *MultipleMatchesError.
	ErrMultipleMatches = errors.New("salesforce: external id matches several records")
	// ErrAuth matches *AuthError: the token endpoint refused the credentials.
	ErrAuth = errors.New("salesforce: authentication failed")
)

var badValueCodes = map[string]bool{
	"INVALID_EMAIL_ADDRESS":                   true,
	"STRING_TOO_LONG":                         true,
	"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": true,
	"INVALID_FIELD_FOR_INSERT_UPDATE":         true,
	"INVALID_FIELD":                           true,
	"MALFORMED_ID":                            true,
	"INVALID_ID_FIELD":                        true,
	"INVALID_TYPE_ON_FIELD_IN_RECORD":         true,
	"NUMBER_OUTSIDE_VALID_RANGE":              true,
	"INVALID_FIELD_WHEN_USING_TEMPLATE":       true,
	"TEXT_DATA_OUTSIDE_SUPPORTED_CHARSET":     true,
}

var otherValidationCodes = map[string]bool{
	"FIELD_INTEGRITY_EXCEPTION":    true,
	"INVALID_CROSS_REFERENCE_KEY":  true,
	"INACTIVE_OWNER_OR_USER":       true,
	"CANNOT_UPDATE_CONVERTED_LEAD": true,
	"DUPLICATES_DETECTED":          true,
}

// codeMatches reports whether a Salesforce errorCode falls under target.
func codeMatches(code string, target error) bool {
	switch target {
	case ErrSessionExpired:
		return code == "INVALID_SESSION_ID"
	case ErrRequestLimitExceeded:
		return code == "REQUEST_LIMIT_EXCEEDED"
	case ErrNotFound:
		return code == "NOT_FOUND"
	case ErrEntityDeleted:
		return code == "ENTITY_IS_DELETED"
	case ErrRowLock:
		return code == "UNABLE_TO_LOCK_ROW"
	case ErrRequiredFieldMissing:
		return code == "REQUIRED_FIELD_MISSING"
	case ErrCustomValidation:
		return code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
	case ErrBadValue:
		return badValueCodes[code]
	case ErrValidation:
		return code == "REQUIRED_FIELD_MISSING" || code == "FIELD_CUSTOM_VALIDATION_EXCEPTION" ||
			badValueCodes[code] || otherValidationCodes[code]
	case ErrDuplicateValue:
		return code == "DUPLICATE_VALUE"
	case ErrInsufficientAccess:
		return strings.HasPrefix(code, "INSUFFICIENT_ACCESS")
	case ErrRolledBack:
		return code == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
	}
	return false
}

// APIError is one entry of a Salesforce error body. Single-record calls name
// the code errorCode, sObject Collections name it statusCode; both decode
// into ErrorCode.
type APIError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

// UnmarshalJSON accepts both errorCode and statusCode.
func (e *APIError) UnmarshalJSON(b []byte) error {
	var raw struct {
		Message    string   `json:"message"`
		ErrorCode  string   `json:"errorCode"`
		StatusCode string   `json:"statusCode"`
		Fields     []string `json:"fields"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	e.Message, e.ErrorCode, e.Fields = raw.Message, raw.ErrorCode, raw.Fields
	if e.ErrorCode == "" {
		e.ErrorCode = raw.StatusCode
	}
	return nil
}

func (e APIError) String() string {
	s := e.ErrorCode + ": " + e.Message
	if len(e.Fields) > 0 {
		s += " (fields: " + strings.Join(e.Fields, ", ") + ")"
	}
	return s
}

// ErrorResponse is a non-2xx answer from the REST API, or a failed record of
// an sObject Collections call.
type ErrorResponse struct {
	// StatusCode is the HTTP status (for collection results, the status a
	// single-record call would have had).
	StatusCode int
	// Errors lists Salesforce's error entries, most often exactly one.
	Errors []APIError
	// Method and Path identify the request (the query string is left out).
	Method, Path string
}

func (e *ErrorResponse) Error() string {
	var b strings.Builder
	b.WriteString("salesforce: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	for i, ae := range e.Errors {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + ae.String())
	}
	return redact(b.String())
}

// Is reports whether any of the error entries falls under target, one of the
// sentinels of this package.
func (e *ErrorResponse) Is(target error) bool {
	for _, ae := range e.Errors {
		if codeMatches(ae.ErrorCode, target) {
			return true
		}
	}
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound && len(e.Errors) == 0
}

// MultipleMatchesError is the 300 answer to an upsert or get by external id
// that matched several records.
type MultipleMatchesError struct {
	// URLs are the record URLs of the candidates.
	URLs []string
}

func (e *MultipleMatchesError) Error() string {
	return fmt.Sprintf("salesforce: external id matches %d records: %s", len(e.URLs), strings.Join(e.URLs, ", "))
}

// Is matches ErrMultipleMatches.
func (e *MultipleMatchesError) Is(target error) bool { return target == ErrMultipleMatches }

// AuthError is a refusal from the OAuth token endpoint, such as
// invalid_grant. Secrets sent in the request are never part of it.
type AuthError struct {
	StatusCode  int
	Code        string // OAuth error, e.g. invalid_grant
	Description string // error_description, redacted
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("salesforce: token request failed: %d %s: %s", e.StatusCode, e.Code, e.Description)
}

// Is matches ErrAuth.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

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

// Code returns the first Salesforce error code carried by err (errorCode of
// an ErrorResponse or the OAuth error of an AuthError), or "".
func Code(err error) string {
	var er *ErrorResponse
	if errors.As(err, &er) && len(er.Errors) > 0 {
		return er.Errors[0].ErrorCode
	}
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var me *MultipleMatchesError
	if errors.As(err, &me) {
		return "MULTIPLE_CHOICES"
	}
	return ""
}

// CheckResponse returns nil for a 2xx response and otherwise the typed error
// for it: *MultipleMatchesError for 300, *ErrorResponse for everything else.
// It reads (and replaces) the body of failed responses.
func CheckResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBodySize))
	r.Body = io.NopCloser(bytes.NewReader(body))
	method := ""
	if r.Request != nil {
		method = r.Request.Method
	}
	return checkBody(r, body, method, "")
}

func checkBody(r *http.Response, body []byte, method, token string) error {
	if r.StatusCode == http.StatusMultipleChoices {
		var urls []string
		if json.Unmarshal(body, &urls) == nil {
			return &MultipleMatchesError{URLs: urls}
		}
	}
	er := &ErrorResponse{StatusCode: r.StatusCode, Method: method}
	if r.Request != nil && r.Request.URL != nil {
		er.Path = r.Request.URL.Path
	}
	er.Errors = parseErrors(body)
	for i := range er.Errors {
		er.Errors[i].Message = redact(er.Errors[i].Message, token)
	}
	return er
}

func parseErrors(body []byte) []APIError {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	var list []APIError
	if json.Unmarshal(trimmed, &list) == nil {
		return list
	}
	var one APIError
	if json.Unmarshal(trimmed, &one) == nil && one.ErrorCode != "" {
		return []APIError{one}
	}
	var oauth struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(trimmed, &oauth) == nil && oauth.Error != "" {
		return []APIError{{ErrorCode: oauth.Error, Message: oauth.ErrorDescription}}
	}
	msg := string(trimmed)
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	return []APIError{{Message: msg}}
}

// firstCode returns the errorCode of the first entry of an error body.
func firstCode(body []byte) string {
	if errs := parseErrors(body); len(errs) > 0 {
		return errs[0].ErrorCode
	}
	return ""
}

var (
	// Salesforce session ids: org id, "!", then the opaque part.
	sessionIDPattern = regexp.MustCompile(`00D[A-Za-z0-9]{12,15}![A-Za-z0-9._\-]+`)
	bearerPattern    = regexp.MustCompile(`(?i)bearer\s+[^\s"',;]+`)
)

const redacted = "[redacted]"

// redact removes the given secrets and anything shaped like a Salesforce
// session id or a bearer credential from s.
func redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	s = sessionIDPattern.ReplaceAllString(s, redacted)
	return bearerPattern.ReplaceAllString(s, "Bearer "+redacted)
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err, or a wrapper with a cleaned message when its
// message carries a secret.
func redactErr(err error, secrets ...string) error {
	msg := err.Error()
	if clean := redact(msg, secrets...); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}
