package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// OwnerID is an admin id that Intercom encodes as a JSON integer (up to
// 2.15) or a string (2.16). It decodes both; empty means no owner. It
// encodes as a string (or null); requests pick the encoding by version.
type OwnerID string

// UnmarshalJSON accepts a number, a string or null.
func (o *OwnerID) UnmarshalJSON(b []byte) error {
	s, err := decodeFlexID(b)
	if err != nil {
		return fmt.Errorf("intercom: owner_id: %w", err)
	}
	*o = OwnerID(s)
	return nil
}

// MarshalJSON encodes the id as a string, or null when empty.
func (o OwnerID) MarshalJSON() ([]byte, error) {
	if o == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(o))
}

// FlexID is an identifier that Intercom sends as a string in some places
// and as a number in others (admin ids, conversation ids). It decodes
// both; it encodes as a string.
type FlexID string

// UnmarshalJSON accepts a number, a string or null.
func (f *FlexID) UnmarshalJSON(b []byte) error {
	s, err := decodeFlexID(b)
	if err != nil {
		return err
	}
	*f = FlexID(s)
	return nil
}

func decodeFlexID(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return "", nil
	case b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", err
		}
		if i, err := n.Int64(); err == nil {
			return strconv.FormatInt(i, 10), nil
		}
		return n.String(), nil
	}
}

// Avatar is an image; Intercom sends it as a URL string or as an object
// {"type":"avatar","image_url":…}.
type Avatar struct {
	Type     string `json:"type,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
}

// UnmarshalJSON accepts a URL string, an object or null.
func (a *Avatar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*a = Avatar{}
		return nil
	}
	if b[0] == '"' {
		*a = Avatar{Type: "avatar"}
		return json.Unmarshal(b, &a.ImageURL)
	}
	type plain Avatar
	return json.Unmarshal(b, (*plain)(a))
}

// Reference is a minimal {type, id, url} pointer to another object.
type Reference struct {
	Type       string `json:"type,omitempty"`
	ID         string `json:"id"`
	URL        string `json:"url,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
}

// AddressableList is an embedded list of references on a contact (tags,
// notes, companies): at most 10 items; fetch URL for all of them.
type AddressableList struct {
	Type       string      `json:"type,omitempty"`
	Data       []Reference `json:"data"`
	URL        string      `json:"url,omitempty"`
	TotalCount int         `json:"total_count"`
	HasMore    bool        `json:"has_more"`
}

// Location is where a contact was last seen.
type Location struct {
	Type          string `json:"type,omitempty"`
	Country       string `json:"country,omitempty"`
	Region        string `json:"region,omitempty"`
	City          string `json:"city,omitempty"`
	CountryCode   string `json:"country_code,omitempty"`
	ContinentCode string `json:"continent_code,omitempty"`
}
