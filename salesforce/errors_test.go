package salesforce

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorResponse_Sentinels(t *testing.T) {
	t.Parallel()
	all := []error{ErrSessionExpired, ErrRequestLimitExceeded, ErrNotFound, ErrEntityDeleted, ErrRowLock,
		ErrValidation, ErrRequiredFieldMissing, ErrCustomValidation, ErrBadValue, ErrDuplicateValue,
		ErrInsufficientAccess, ErrRolledBack}
	cases := []struct {
		status int
		code   string
		want   []error
	}{
		{401, "INVALID_SESSION_ID", []error{ErrSessionExpired}},
		{403, "REQUEST_LIMIT_EXCEEDED", []error{ErrRequestLimitExceeded}},
		{404, "NOT_FOUND", []error{ErrNotFound}},
		{404, "ENTITY_IS_DELETED", []error{ErrEntityDeleted}},
		{400, "UNABLE_TO_LOCK_ROW", []error{ErrRowLock}},
		{400, "REQUIRED_FIELD_MISSING", []error{ErrValidation, ErrRequiredFieldMissing}},
		{400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", []error{ErrValidation, ErrCustomValidation}},
		{400, "INVALID_EMAIL_ADDRESS", []error{ErrValidation, ErrBadValue}},
		{400, "STRING_TOO_LONG", []error{ErrValidation, ErrBadValue}},
		{400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", []error{ErrValidation, ErrBadValue}},
		{400, "INVALID_FIELD_FOR_INSERT_UPDATE", []error{ErrValidation, ErrBadValue}},
		{400, "INVALID_FIELD", []error{ErrValidation, ErrBadValue}},
		{400, "MALFORMED_ID", []error{ErrValidation, ErrBadValue}},
		{400, "FIELD_INTEGRITY_EXCEPTION", []error{ErrValidation}},
		{400, "INVALID_CROSS_REFERENCE_KEY", []error{ErrValidation}},
		{400, "DUPLICATE_VALUE", []error{ErrDuplicateValue}},
		{403, "INSUFFICIENT_ACCESS_OR_READONLY", []error{ErrInsufficientAccess}},
		{400, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", []error{ErrInsufficientAccess}},
		{400, "ALL_OR_NONE_OPERATION_ROLLED_BACK", []error{ErrRolledBack}},
		{400, "MALFORMED_QUERY", nil},
		{500, "UNKNOWN_EXCEPTION", nil},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("wrapped: %w", &ErrorResponse{StatusCode: tc.status, Errors: []APIError{{ErrorCode: tc.code, Message: "m"}}})
			for _, s := range all {
				want := false
				for _, w := range tc.want {
					want = want || w == s
				}
				require.Equal(t, want, errors.Is(err, s), "%s vs %v", tc.code, s)
			}
			require.Equal(t, tc.code, Code(err))
		})
	}
}

func response(status int, body, method, path string) *http.Response {
	req, _ := http.NewRequest(method, "https://x.my.salesforce.com"+path+"?q=secret", nil)
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Request: req, Header: http.Header{}}
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	require.NoError(t, CheckResponse(response(204, "", "PATCH", "/x")))

	err := CheckResponse(response(400, `[{"message":"Required fields are missing: [Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}]`, "POST", "/services/data/v62.0/sobjects/Lead"))
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, 400, er.StatusCode)
	require.Equal(t, []APIError{{Message: "Required fields are missing: [Company]", ErrorCode: "REQUIRED_FIELD_MISSING", Fields: []string{"Company"}}}, er.Errors)
	require.Equal(t, "salesforce: POST /services/data/v62.0/sobjects/Lead: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [Company] (fields: Company)", err.Error())
	require.NotContains(t, err.Error(), "secret", "query strings stay out of errors")

	err = CheckResponse(response(300, `["/services/data/v62.0/sobjects/Account/001A","/services/data/v62.0/sobjects/Account/001B"]`, "PATCH", "/x"))
	var me *MultipleMatchesError
	require.ErrorAs(t, err, &me)
	require.Len(t, me.URLs, 2)
	require.ErrorIs(t, err, ErrMultipleMatches)
	require.Equal(t, "MULTIPLE_CHOICES", Code(err))

	err = CheckResponse(response(404, ``, "GET", "/x"))
	require.ErrorIs(t, err, ErrNotFound)

	err = CheckResponse(response(502, `<html>bad gateway</html>`, "GET", "/x"))
	require.ErrorAs(t, err, &er)
	require.Equal(t, "<html>bad gateway</html>", er.Errors[0].Message)
	require.Equal(t, "", Code(err))

	err = CheckResponse(response(400, `{"error":"invalid_grant","error_description":"authentication failure"}`, "POST", "/x"))
	require.Equal(t, "invalid_grant", Code(err))

	err = CheckResponse(response(400, `{"errorCode":"JSON_PARSER_ERROR","message":"bad"}`, "POST", "/x"))
	require.Equal(t, "JSON_PARSER_ERROR", Code(err))
}

func TestAPIError_StatusCodeKey(t *testing.T) {
	t.Parallel()
	errs := parseErrors([]byte(`[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found","fields":[]}]`))
	require.Equal(t, "DUPLICATE_VALUE", errs[0].ErrorCode)
}

func TestRedact(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a [redacted] b", redact("a 00Dxx0000001gPL!AR8AQJXg5oj8.jXS_gx b"))
	require.Equal(t, "auth: Bearer [redacted]", redact("auth: Bearer abc.def"))
	require.Equal(t, "x [redacted] y", redact("x hunter22 y", "hunter22"))
	require.Equal(t, "abc", redact("abc", "", "ab"), "too-short secrets are left alone")
}

func TestRetriesExhaustedError(t *testing.T) {
	t.Parallel()
	inner := &ErrorResponse{StatusCode: 503, Errors: []APIError{{ErrorCode: "SERVER_UNAVAILABLE", Message: "down"}}}
	err := error(&RetriesExhaustedError{Attempts: 3, LastReason: "503 Service Unavailable", Err: inner})
	require.Contains(t, err.Error(), "gave up after 3 attempts")
	require.Contains(t, err.Error(), "503 Service Unavailable")
	require.Equal(t, "SERVER_UNAVAILABLE", Code(err))
}
