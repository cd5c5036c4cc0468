package intercom

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func fakeResponse(status int, body string, header http.Header) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		StatusCode: status,
		Header:     header,
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/contacts/abc", RawQuery: "x=1"}},
	}
}

func TestCheckResponse_Sentinels(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrMerged, ErrUnprocessable, ErrRateLimited}
	cases := []struct {
		status int
		code   string
		want   error
	}{
		{404, "not_found", ErrNotFound},
		{401, "unauthorized", ErrUnauthorized},
		{403, "api_plan_restricted", ErrForbidden},
		{409, "conflict", ErrConflict},
		{410, "contact_merged", ErrMerged},
		{422, "data_invalid", ErrUnprocessable},
		{400, "parameter_invalid", ErrUnprocessable},
		{429, "rate_limit_exceeded", ErrRateLimited},
		{500, "server_error", nil},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			err := CheckResponse(fakeResponse(tc.status, errorBody(tc.code, "m"), nil))
			require.Error(t, err)
			for _, s := range all {
				require.Equal(t, s == tc.want, errors.Is(err, s), "%v vs %v", tc.want, s)
			}
			var er *ErrorResponse
			require.ErrorAs(t, err, &er)
			require.Equal(t, tc.status, er.StatusCode)
			require.Equal(t, tc.code, er.Code())
			require.Equal(t, "req-1", er.RequestID)
			require.Equal(t, tc.status == 429 || tc.status >= 500, er.Temporary())
			require.NotContains(t, err.Error(), "x=1")
		})
	}
}

func TestCheckResponse_Success(t *testing.T) {
	t.Parallel()
	require.NoError(t, CheckResponse(fakeResponse(200, "{}", nil)))
	require.NoError(t, CheckResponse(fakeResponse(202, "", nil)))
}

func TestCheckResponse_Conflict(t *testing.T) {
	t.Parallel()
	err := CheckResponse(fakeResponse(409, errorBody("conflict", "A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"), nil))
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "6762f0dd1bb69f9f2193bb83", ce.ExistingID)
	require.ErrorIs(t, err, ErrConflict)

	err = CheckResponse(fakeResponse(409, errorBody("conflict", "An archived contact matches those details"), nil))
	require.ErrorAs(t, err, &ce)
	require.Empty(t, ce.ExistingID)
}

func TestCheckResponse_Merged(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("Link", `</contacts/5ba682d23d7cf92bef87bfd4>; rel="canonical"`)
	err := CheckResponse(fakeResponse(410, errorBody("contact_merged", "Contact was merged"), h))
	var me *MergedError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "5ba682d23d7cf92bef87bfd4", me.CanonicalID)
	require.ErrorIs(t, err, ErrMerged)
	require.NotErrorIs(t, err, ErrNotFound)

	h = http.Header{}
	h.Set("Link", `<https://api.intercom.io/contacts/abc123>; rel=canonical`)
	err = CheckResponse(fakeResponse(410, "", h))
	require.ErrorAs(t, err, &me)
	require.Equal(t, "abc123", me.CanonicalID)
}

func TestCheckResponse_NonJSONBody(t *testing.T) {
	t.Parallel()
	err := CheckResponse(fakeResponse(502, "<html>bad gateway</html>", nil))
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, "bad_gateway", er.Code())
	require.Empty(t, er.RequestID)
	require.Contains(t, er.Error(), "GET /contacts/abc: 502")
}

func TestCheckResponse_NullRequestIDAndField(t *testing.T) {
	t.Parallel()
	body := `{"type":"error.list","request_id":null,"errors":[{"code":"parameter_invalid","message":"bad","field":"email"},{"code":"other"}]}`
	err := CheckResponse(fakeResponse(400, body, nil))
	var er *ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, []APIError{{Code: "parameter_invalid", Message: "bad", Field: "email"}, {Code: "other"}}, er.Errors)
	require.Contains(t, er.Error(), "field email")
	require.Contains(t, er.Error(), "other")
}
