package intercom

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
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

// ErrNotNotification means a webhook body is JSON but not an Intercom
// notification: its type is not "notification_event" or it has no topic.
var ErrNotNotification = errors.New("intercom: not a notification")

// NotificationType is the type of every webhook notification envelope.
const NotificationType = "notification_event"

// Notification is the envelope of a webhook delivery. It decodes
// leniently, as payloads differ between API versions and senders: ids may
// be strings or numbers, timestamps (Unix seconds) numbers or numeric
// strings; a value of another kind reads as empty.
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

// UnmarshalJSON decodes an envelope leniently (see Notification).
func (n *Notification) UnmarshalJSON(b []byte) error {
	var w struct {
		Type             string          `json:"type"`
		ID               json.RawMessage `json:"id"`
		Topic            string          `json:"topic"`
		AppID            json.RawMessage `json:"app_id"`
		CreatedAt        json.RawMessage `json:"created_at"`
		DeliveryAttempts json.RawMessage `json:"delivery_attempts"`
		FirstSentAt      json.RawMessage `json:"first_sent_at"`
		DeliveryStatus   string          `json:"delivery_status"`
		Data             struct {
			Type string          `json:"type"`
			Item json.RawMessage `json:"item"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*n = Notification{
		Type: w.Type, ID: lenientID(w.ID), Topic: w.Topic, AppID: lenientID(w.AppID),
		CreatedAt: lenientSeconds(w.CreatedAt), DeliveryAttempts: int(lenientSeconds(w.DeliveryAttempts)),
		FirstSentAt: lenientSeconds(w.FirstSentAt), DeliveryStatus: w.DeliveryStatus,
	}
	n.Data.Type, n.Data.Item = w.Data.Type, w.Data.Item
	return nil
}

// ParseNotification decodes a webhook body. Validate its signature first.
// A body that is not JSON, or whose data.item is neither an object nor
// null, is an error; JSON that is not a notification (see
// NotificationType) is an error matching ErrNotNotification.
func ParseNotification(body []byte) (*Notification, error) {
	n := new(Notification)
	if err := json.Unmarshal(body, n); err != nil {
		return nil, fmt.Errorf("intercom: decode notification: %w", err)
	}
	if n.Type != NotificationType || n.Topic == "" {
		return nil, fmt.Errorf("%w (type %q, topic %q)", ErrNotNotification, n.Type, n.Topic)
	}
	if _, err := n.item(); err != nil {
		return nil, fmt.Errorf("intercom: decode notification %s item: %w", n.ID, err)
	}
	return n, nil
}

// NotificationItem is what any data.item says about itself, read leniently.
type NotificationItem struct {
	// Type is "contact", "company", "conversation", …; "" when absent.
	Type string
	// ID is the item's id, given as a string or a number.
	ID string
	// UpdatedAt is the item's updated_at in Unix seconds, 0 when absent.
	UpdatedAt int64
	// MergedFromID is, on contact.merged, the contact absorbed into this one.
	MergedFromID string
}

// Item returns the type, id, updated_at and merged_from of data.item; all
// empty when there is no item or it cannot be read.
func (n *Notification) Item() NotificationItem {
	it, _ := n.item()
	return it
}

func (n *Notification) item() (NotificationItem, error) {
	raw := bytes.TrimSpace(n.Data.Item)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return NotificationItem{}, nil
	}
	var h struct {
		Type       string          `json:"type"`
		ID         json.RawMessage `json:"id"`
		UpdatedAt  json.RawMessage `json:"updated_at"`
		MergedFrom *struct {
			ID json.RawMessage `json:"id"`
		} `json:"merged_from"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return NotificationItem{}, err
	}
	it := NotificationItem{Type: h.Type, ID: lenientID(h.ID), UpdatedAt: lenientSeconds(h.UpdatedAt)}
	if h.MergedFrom != nil {
		it.MergedFromID = lenientID(h.MergedFrom.ID)
	}
	return it, nil
}

// ChangedAt is when the notified change happened, in Unix seconds: the
// item's updated_at, or the notification's created_at when the item has
// none (deleted items carry only identifying fields).
func (n *Notification) ChangedAt() int64 {
	if at := n.Item().UpdatedAt; at != 0 {
		return at
	}
	return n.CreatedAt
}

// lenientID reads a string or a number; anything else reads as "".
func lenientID(b json.RawMessage) string {
	s, err := decodeFlexID(b)
	if err != nil {
		return ""
	}
	return s
}

// lenientSeconds reads a number or a numeric string (fractions dropped);
// anything else reads as 0.
func lenientSeconds(b json.RawMessage) int64 {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return 0
	}
	var s string
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return int64(f)
	}
	return 0
}

// ItemType returns data.item.type ("contact", "company", "conversation", …).
func (n *Notification) ItemType() string { return n.Item().Type }

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
