package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
)

func TestChangesFromNotifications(t *testing.T) {
	t.Parallel()
	parse := func(body string) envelope {
		var n envelope
		require.NoError(t, json.Unmarshal([]byte(body), &n), body)
		return n
	}
	cases := []struct {
		body string
		want []jobs.IntercomChangeArgs
	}{
		{`{"type":"notification_event","topic":"contact.user.updated","created_at":5,"data":{"item":{"type":"contact","id":"u1","updated_at":7}}}`,
			[]jobs.IntercomChangeArgs{{Object: tandem.ObjectContact, IntercomID: "u1", Topic: "contact.user.updated", Cause: tandem.CauseWebhook, At: 7}}},
		{`{"type":"notification_event","topic":"contact.lead.created","created_at":"9","data":{"item":{"type":"contact","id":"l1","updated_at":"x"}}}`,
			[]jobs.IntercomChangeArgs{{Object: tandem.ObjectContact, IntercomID: "l1", Topic: "contact.lead.created", Cause: tandem.CauseWebhook, At: 9}}},
		{`{"type":"notification_event","topic":"contact.deleted","data":{"item":{"type":"contact","id":"u2"}}}`,
			[]jobs.IntercomChangeArgs{{Object: tandem.ObjectContact, IntercomID: "u2", Deleted: true, Topic: "contact.deleted", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"contact.merged","data":{"item":{"type":"contact","id":"u3","merged_from":{"id":"l3"}}}}`,
			[]jobs.IntercomChangeArgs{
				{Object: tandem.ObjectContact, IntercomID: "u3", Topic: "contact.merged", Cause: tandem.CauseWebhook},
				{Object: tandem.ObjectContact, IntercomID: "l3", Deleted: true, Topic: "contact.merged", Cause: tandem.CauseWebhook},
			}},
		{`{"type":"notification_event","topic":"company.updated","data":{"item":{"type":"company","id":"c1"}}}`,
			[]jobs.IntercomChangeArgs{{Object: tandem.ObjectAccount, IntercomID: "c1", Topic: "company.updated", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"company.deleted","data":{"item":{"type":"company","id":42}}}`,
			[]jobs.IntercomChangeArgs{{Object: tandem.ObjectAccount, IntercomID: "42", Deleted: true, Topic: "company.deleted", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"conversation.user.created","data":{"item":{"type":"conversation","id":"9"}}}`, nil},
		{`{"type":"notification_event","topic":"ping","data":{"item":{}}}`, nil},
	}
	for _, c := range cases {
		require.Equal(t, c.want, changes(parse(c.body)), c.body)
	}
}

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
