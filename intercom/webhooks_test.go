package intercom

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Vectors computed independently with
// printf '%s' BODY | openssl dgst -sha1 -hmac s3cret.
const (
	vectorWebhookBody = `{"type":"notification_event","topic":"ping","id":"notif_1"}`
	vectorWebhookSig  = "sha1=e4970d40bc1cd1d263a527d39d4a57378df39161"
	vectorSecret      = "s3cret"
)

func TestSignBody_KnownVector(t *testing.T) {
	t.Parallel()
	require.Equal(t, vectorWebhookSig, SignBody([]byte(vectorWebhookBody), vectorSecret))
}

func TestValidateSignature(t *testing.T) {
	t.Parallel()
	body := []byte(vectorWebhookBody)
	require.NoError(t, ValidateSignature(body, vectorWebhookSig, vectorSecret))
	require.NoError(t, ValidateSignature(body, " "+vectorWebhookSig+" ", vectorSecret))

	tampered := []byte(`{"type":"notification_event","topic":"ping","id":"notif_2"}`)
	require.ErrorIs(t, ValidateSignature(tampered, vectorWebhookSig, vectorSecret), ErrBadSignature)
	require.ErrorIs(t, ValidateSignature(body, vectorWebhookSig, "other"), ErrBadSignature)
	reserialised := []byte(`{"type": "notification_event", "topic": "ping", "id": "notif_1"}`)
	require.ErrorIs(t, ValidateSignature(reserialised, vectorWebhookSig, vectorSecret), ErrBadSignature)

	for _, h := range []string{"", "e4970d40bc1cd1d263a527d39d4a57378df39161", "sha256=e4970d40bc1cd1d263a527d39d4a57378df39161", "sha1=zz", "sha1=e4970d40"} {
		require.ErrorIs(t, ValidateSignature(body, h, vectorSecret), ErrNoSignature, h)
	}
}

const contactNotification = `{"type":"notification_event","app_id":"a86dr8yl","id":"notif_ccd8a4d0",
 "topic":"contact.user.updated","created_at":1392731331,"delivery_attempts":2,"first_sent_at":1392731392,
 "delivery_status":"pending","self":null,"links":{},
 "data":{"type":"notification_event_data","item":{"type":"contact","id":"c1","role":"user","email":"a@b.c","owner_id":5,
   "custom_attributes":{"plan":"pro"},"merged_from":{"type":"contact","id":"old1"}}}}`

func TestParseNotification(t *testing.T) {
	t.Parallel()
	n, err := ParseNotification([]byte(contactNotification))
	require.NoError(t, err)
	require.Equal(t, "notif_ccd8a4d0", n.ID)
	require.Equal(t, "contact.user.updated", n.Topic)
	require.Equal(t, "a86dr8yl", n.AppID)
	require.Equal(t, int64(1392731331), n.CreatedAt)
	require.Equal(t, 2, n.DeliveryAttempts)
	require.Equal(t, int64(1392731392), n.FirstSentAt)
	require.Equal(t, "contact", n.ItemType())

	c, err := n.ContactItem()
	require.NoError(t, err)
	require.Equal(t, "c1", c.ID)
	require.Equal(t, OwnerID("5"), c.OwnerID)
	require.Equal(t, "pro", c.CustomAttributes["plan"])
	require.Equal(t, "old1", c.MergedFrom.ID)

	_, err = n.CompanyItem()
	require.Error(t, err, "a contact item is not a company")
	_, err = n.ConversationItem()
	require.Error(t, err)

	_, err = ParseNotification([]byte(`{"type":"notification_event"`))
	require.Error(t, err)
	_, err = ParseNotification([]byte(`{"type":"notification_event","id":"x"}`))
	require.Error(t, err, "a notification without a topic is rejected")
}

func TestNotification_CompanyAndConversationItems(t *testing.T) {
	t.Parallel()
	n, err := ParseNotification([]byte(`{"type":"notification_event","id":"n1","topic":"company.updated",
	  "data":{"item":{"type":"company","id":"co1","company_id":"acme","name":"Acme","monthly_spend":12}}}`))
	require.NoError(t, err)
	co, err := n.CompanyItem()
	require.NoError(t, err)
	require.Equal(t, "acme", co.CompanyID)
	require.Equal(t, float64(12), co.MonthlySpend)

	n, err = ParseNotification([]byte(`{"type":"notification_event","id":"n2","topic":"conversation.admin.closed",
	  "data":{"item":{"type":"conversation","id":"1295","state":"closed","admin_assignee_id":null,
	    "conversation_parts":{"type":"conversation_part.list","conversation_parts":[{"type":"conversation_part","id":"9","part_type":"close","body":"Bye"}],"total_count":1}}}}`))
	require.NoError(t, err)
	conv, err := n.ConversationItem()
	require.NoError(t, err)
	require.Equal(t, StateClosed, conv.State)
	require.Equal(t, "close", conv.Parts.Parts[0].PartType)

	n, err = ParseNotification([]byte(`{"type":"notification_event","id":"n3","topic":"ping","data":{"item":null}}`))
	require.NoError(t, err)
	_, err = n.ContactItem()
	require.Error(t, err)

	n, err = ParseNotification([]byte(`{"type":"notification_event","id":"n4","topic":"contact.user.created","data":{"item":{"type":"contact","id":7}}}`))
	require.NoError(t, err)
	_, err = n.ContactItem()
	require.Error(t, err, "a malformed item fails to decode")
}

func TestParseNotification_Lenient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body      string
		id, appID string
		created   int64
		attempts  int
		item      NotificationItem
		changedAt int64
	}{
		{body: `{"type":"notification_event","id":"n1","topic":"contact.user.updated","created_at":5,
		   "data":{"item":{"type":"contact","id":"u1","updated_at":7}}}`,
			id: "n1", created: 5, item: NotificationItem{Type: "contact", ID: "u1", UpdatedAt: 7}, changedAt: 7},
		{body: `{"type":"notification_event","id":17,"app_id":99,"topic":"contact.lead.created","created_at":"9","delivery_attempts":"2",
		   "data":{"item":{"type":"contact","id":"l1","updated_at":"x"}}}`,
			id: "17", appID: "99", created: 9, attempts: 2, item: NotificationItem{Type: "contact", ID: "l1"}, changedAt: 9},
		{body: `{"type":"notification_event","topic":"contact.merged","created_at":1.7e9,
		   "data":{"item":{"type":"contact","id":"u3","updated_at":"1717200000","merged_from":{"type":"contact","id":"l3"}}}}`,
			created: 1700000000, item: NotificationItem{Type: "contact", ID: "u3", UpdatedAt: 1717200000, MergedFromID: "l3"}, changedAt: 1717200000},
		{body: `{"type":"notification_event","topic":"company.deleted","created_at":null,"data":{"item":{"type":"company","id":42}}}`,
			item: NotificationItem{Type: "company", ID: "42"}},
		{body: `{"type":"notification_event","topic":"conversation.admin.closed","data":{"item":{"type":"conversation","id":12345678901234567890,"updated_at":{"at":1}}}}`,
			item: NotificationItem{Type: "conversation", ID: "12345678901234567890"}},
		{body: `{"type":"notification_event","id":true,"topic":"ping","created_at":[1],"data":{"item":{"id":false}}}`},
		{body: `{"type":"notification_event","topic":"ping","data":{}}`},
	} {
		n, err := ParseNotification([]byte(tc.body))
		require.NoError(t, err, tc.body)
		require.Equal(t, tc.id, n.ID, tc.body)
		require.Equal(t, tc.appID, n.AppID, tc.body)
		require.Equal(t, tc.created, n.CreatedAt, tc.body)
		require.Equal(t, tc.attempts, n.DeliveryAttempts, tc.body)
		require.Equal(t, tc.item, n.Item(), tc.body)
		require.Equal(t, tc.item.Type, n.ItemType(), tc.body)
		require.Equal(t, tc.changedAt, n.ChangedAt(), tc.body)
	}
}

func TestParseNotification_Rejects(t *testing.T) {
	t.Parallel()
	for body, notNotification := range map[string]bool{
		`{"type":"notification_event"`: false,
		`not json`:                     false,
		`{"type":"notification_event","topic":"x","data":{"item":"contact"}}`:  false,
		`{"type":"notification_event","topic":"x","data":{"item":{"type":7}}}`: false,
		`{"type":"notification_event","id":"x"}`:                               true,
		`{"type":"event","topic":"contact.user.created"}`:                      true,
		`{"topic":"contact.user.created"}`:                                     true,
		`[]`:                                                                   false,
	} {
		_, err := ParseNotification([]byte(body))
		require.Error(t, err, body)
		require.Equal(t, notNotification, errors.Is(err, ErrNotNotification), "%s: %v", body, err)
	}
}
