package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

func TestDecodeJSONIsStrict(t *testing.T) {
	t.Parallel()
	var v createLeadRequest
	for body, ok := range map[string]bool{
		`{"intercom_contact_id":"x"}`:             true,
		`{"intercom_contact_id":"x"} `:            true,
		`{"intercom_contact_id":"x"}{"garbage"}`:  false,
		`{"intercom_contact_id":"x","extra":1}`:   false,
		`{"intercom_contact_id":`:                 false,
		`{"intercom_contact_id":"x","fields":[]}`: false,
	} {
		err := decodeJSON(httptest.NewRequest("POST", "/", strings.NewReader(body)), &v)
		if ok {
			require.NoError(t, err, body)
		} else {
			require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err), body)
		}
	}
}
