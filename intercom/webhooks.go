package intercom

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Webhook signature errors.
var (
	// ErrNoSignature means the signature header is missing or malformed.
	ErrNoSignature = errors.New("intercom: missing or malformed signature")
	// ErrBadSignature means the signature does not match the body.
	ErrBadSignature = errors.New("intercom: signature mismatch")
)

// SignatureHeader is the webhook signature header.
const SignatureHeader = "X-Hub-Signature"

// SignBody returns the X-Hub-Signature value for body: "sha1=" and the hex
// HMAC-SHA1 of the raw body keyed by the app's client secret.
func SignBody(body []byte, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// ValidateSignature checks an X-Hub-Signature header against the raw body
// in constant time. Call it before parsing the body.
func ValidateSignature(body []byte, header, secret string) error {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha1=")
	if !ok {
		return ErrNoSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha1.Size {
		return ErrNoSignature
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// Notification is the envelope of a webhook delivery.
type Notification struct {
	Type string `json:"type"`
	// ID identifies the notification; deliveries are at least once, so
	// deduplicate on it.
	ID    string `json:"id"`
	Topic string `json:"topic"`
	// AppID is the workspace id.
	AppID            string `json:"app_id"`
	CreatedAt        int64  `json:"created_at"`
	DeliveryAttempts int    `json:"delivery_attempts"`
	FirstSentAt      int64  `json:"first_sent_at"`
	DeliveryStatus   string `json:"delivery_status,omitempty"`
	Data             struct {
		Type string          `json:"type,omitempty"`
		Item json.RawMessage `json:"item"`
	} `json:"data"`
}

// ParseNotification decodes a webhook body. Validate its signature first.
func ParseNotification(body []byte) (*Notification, error) {
	n := new(Notification)
	if err := json.Unmarshal(body, n); err != nil {
		return nil, fmt.Errorf("intercom: decode notification: %w", err)
	}
	if n.Topic == "" {
		return nil, errors.New("intercom: notification has no topic")
	}
	return n, nil
}

// ItemType returns data.item.type ("contact", "company", "conversation", …).
func (n *Notification) ItemType() string {
	var probe struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(n.Data.Item, &probe)
	return probe.Type
}

// ContactItem decodes data.item as a contact (contact.* topics; for
// contact.merged, MergedFrom names the absorbed contact).
func (n *Notification) ContactItem() (*Contact, error) {
	c := new(Contact)
	return c, n.decodeItem("contact", c)
}

// CompanyItem decodes data.item as a company (company.* topics).
func (n *Notification) CompanyItem() (*Company, error) {
	c := new(Company)
	return c, n.decodeItem("company", c)
}

// ConversationItem decodes data.item as a conversation (conversation.*
// topics); its parts are usually only those that triggered the event.
func (n *Notification) ConversationItem() (*Conversation, error) {
	c := new(Conversation)
	return c, n.decodeItem("conversation", c)
}

func (n *Notification) decodeItem(want string, v any) error {
	if len(n.Data.Item) == 0 || string(n.Data.Item) == "null" {
		return fmt.Errorf("intercom: notification %s has no item", n.ID)
	}
	if got := n.ItemType(); got != "" && got != want {
		return fmt.Errorf("intercom: notification %s item is a %s, not a %s", n.ID, got, want)
	}
	if err := json.Unmarshal(n.Data.Item, v); err != nil {
		return fmt.Errorf("intercom: decode %s item: %w", want, err)
	}
	return nil
}
