package jobs

import (
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
)

func TestForNotification(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want []river.JobArgs
	}{
		{`{"type":"notification_event","topic":"contact.user.updated","created_at":5,"data":{"item":{"type":"contact","id":"u1","updated_at":7}}}`,
			[]river.JobArgs{IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "u1", Topic: "contact.user.updated", Cause: tandem.CauseWebhook, At: 7}}},
		{`{"type":"notification_event","topic":"contact.lead.created","created_at":"9","data":{"item":{"type":"contact","id":"l1","updated_at":"x"}}}`,
			[]river.JobArgs{IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "l1", Topic: "contact.lead.created", Cause: tandem.CauseWebhook, At: 9}}},
		{`{"type":"notification_event","topic":"contact.deleted","data":{"item":{"type":"contact","id":"u2"}}}`,
			[]river.JobArgs{IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "u2", Deleted: true, Topic: "contact.deleted", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"contact.merged","data":{"item":{"type":"contact","id":"u3","merged_from":{"id":"l3"}}}}`,
			[]river.JobArgs{
				IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "u3", Topic: "contact.merged", Cause: tandem.CauseWebhook},
				IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "l3", Deleted: true, Topic: "contact.merged", Cause: tandem.CauseWebhook},
			}},
		{`{"type":"notification_event","topic":"company.updated","data":{"item":{"type":"company","id":"c1"}}}`,
			[]river.JobArgs{IntercomChangeArgs{Object: tandem.ObjectAccount, IntercomID: "c1", Topic: "company.updated", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"company.deleted","data":{"item":{"type":"company","id":42}}}`,
			[]river.JobArgs{IntercomChangeArgs{Object: tandem.ObjectAccount, IntercomID: "42", Deleted: true, Topic: "company.deleted", Cause: tandem.CauseWebhook}}},
		{`{"type":"notification_event","topic":"conversation.user.created","data":{"item":{"type":"conversation","id":"9"}}}`, nil},
		{`{"type":"notification_event","topic":"ping","data":{"item":{}}}`, nil},
	}
	for _, c := range cases {
		n, err := intercom.ParseNotification([]byte(c.body))
		require.NoError(t, err, c.body)
		require.Equal(t, c.want, ForNotification(*n), c.body)
	}
}
