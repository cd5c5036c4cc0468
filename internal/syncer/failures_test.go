package syncer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/salesforce"
)

func sfErr(status int, code string) error {
	return &salesforce.ErrorResponse{StatusCode: status, Errors: []salesforce.APIError{{ErrorCode: code, Message: code + " message", Fields: []string{"Phone"}}}}
}

func icErr(status int, code string) error {
	return &intercom.ErrorResponse{StatusCode: status, Errors: []intercom.APIError{{Code: code, Message: code + " message"}}}
}

func TestTransient(t *testing.T) {
	t.Parallel()
	transient := []error{
		&net.OpError{Op: "dial", Err: errors.New("connection refused")},
		fmt.Errorf("wrapped: %w", context.DeadlineExceeded),
		sfErr(503, "SERVER_UNAVAILABLE"),
		sfErr(400, "UNABLE_TO_LOCK_ROW"),
		sfErr(403, "REQUEST_LIMIT_EXCEEDED"),
		sfErr(401, "INVALID_SESSION_ID"),
		icErr(500, "server_error"),
		icErr(429, "rate_limit_exceeded"),
	}
	for _, err := range transient {
		require.True(t, Transient(err), "%v", err)
	}
	permanent := []error{
		sfErr(400, "REQUIRED_FIELD_MISSING"),
		sfErr(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
		sfErr(400, "INVALID_EMAIL_ADDRESS"),
		sfErr(404, "NOT_FOUND"),
		sfErr(403, "INSUFFICIENT_ACCESS_OR_READONLY"),
		icErr(409, "conflict"),
		icErr(422, "parameter_invalid"),
		icErr(404, "not_found"),
	}
	for _, err := range permanent {
		require.False(t, Transient(err), "%v", err)
	}
	require.False(t, Transient(nil))
}

func TestReasonNamesRecordAndField(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		system tandem.System
		code   string
		obj    tandem.Object
		want   []string
	}{
		{"salesforce", "REQUIRED_FIELD_MISSING", tandem.ObjectLead, []string{"requires a value", "(Company)", "Lead"}},
		{"salesforce", "FIELD_CUSTOM_VALIDATION_EXCEPTION", tandem.ObjectContact, []string{"validation rule", "Contact", "(Company)"}},
		{"salesforce", "STRING_TOO_LONG", tandem.ObjectAccount, []string{"longer than", "Account"}},
		{"salesforce", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", tandem.ObjectLead, []string{"may not change this Lead", "edit access"}},
		{"intercom", "conflict", tandem.ObjectContact, []string{"Another Intercom contact"}},
		{"intercom", "parameter_invalid", tandem.ObjectAccount, []string{"Intercom rejected", "Intercom company"}},
		{"salesforce", "SOMETHING_NEW", tandem.ObjectLead, []string{"Salesforce answered SOMETHING_NEW", "(Company)"}},
	} {
		got := Reason(c.system, c.code, "the vendor's words", c.obj, "Company")
		for _, w := range c.want {
			require.Contains(t, got, w, "%s %s", c.system, c.code)
		}
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	code, msg := errorCode(fmt.Errorf("context: %w", sfErr(400, "INVALID_EMAIL_ADDRESS")))
	require.Equal(t, "INVALID_EMAIL_ADDRESS", code)
	require.Equal(t, "INVALID_EMAIL_ADDRESS message", msg)
	code, _ = errorCode(icErr(409, "conflict"))
	require.Equal(t, "conflict", code)
	code, msg = errorCode(errors.New("plain"))
	require.Equal(t, "ERROR", code)
	require.Equal(t, "plain", msg)
	require.Equal(t, tandem.SystemSalesforce, SystemOf(sfErr(400, "X")))
	require.Equal(t, tandem.SystemIntercom, SystemOf(icErr(400, "x")))
	require.Equal(t, tandem.SystemTandem, SystemOf(errors.New("db")))
}
