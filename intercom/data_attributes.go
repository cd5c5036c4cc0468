package intercom

import (
	"context"
	"net/http"
	"net/url"
)

// DataAttributesService lists and creates attribute definitions.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/data-attributes
type DataAttributesService service

// Data attribute models.
const (
	ModelContact = "contact"
	ModelCompany = "company"
)

// DataAttribute describes a standard or custom attribute.
type DataAttribute struct {
	Type              string   `json:"type,omitempty"`
	ID                FlexID   `json:"id,omitempty"`
	Model             string   `json:"model,omitempty"`
	Name              string   `json:"name"`
	FullName          string   `json:"full_name,omitempty"`
	Label             string   `json:"label,omitempty"`
	Description       string   `json:"description,omitempty"`
	DataType          string   `json:"data_type,omitempty"`
	Options           []string `json:"options,omitempty"`
	APIWritable       bool     `json:"api_writable"`
	UIWritable        bool     `json:"ui_writable"`
	MessengerWritable bool     `json:"messenger_writable"`
	Custom            bool     `json:"custom"`
	Archived          bool     `json:"archived"`
	CreatedAt         int64    `json:"created_at,omitempty"`
	UpdatedAt         int64    `json:"updated_at,omitempty"`
	AdminID           FlexID   `json:"admin_id,omitempty"`
}

// DataAttributeRequest creates a custom attribute. DataType is string,
// integer, float, boolean, date, datetime or options (then give ≥2 Options).
type DataAttributeRequest struct {
	Name              string                `json:"name"`
	Model             string                `json:"model"`
	DataType          string                `json:"data_type"`
	Description       string                `json:"description,omitempty"`
	Options           []DataAttributeOption `json:"options,omitempty"`
	MessengerWritable *bool                 `json:"messenger_writable,omitempty"`
}

// DataAttributeOption is one value of a list attribute.
type DataAttributeOption struct {
	Value string `json:"value"`
}

// List lists the attributes of a model (ModelContact or ModelCompany; ""
// lists both).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/data-attributes/lisdataattributes
func (s *DataAttributesService) List(ctx context.Context, model string) ([]*DataAttribute, *Response, error) {
	q := url.Values{}
	if model != "" {
		q.Set("model", model)
	}
	var l struct {
		Data []*DataAttribute `json:"data"`
	}
	resp, err := (*service)(s).get(ctx, withQuery("data_attributes", q), &l)
	if err != nil {
		return nil, resp, err
	}
	return l.Data, resp, nil
}

// Create creates a custom attribute.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/data-attributes/createdataattribute
func (s *DataAttributesService) Create(ctx context.Context, r *DataAttributeRequest) (*DataAttribute, *Response, error) {
	d := new(DataAttribute)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "data_attributes", r, d)
	if err != nil {
		return nil, resp, err
	}
	return d, resp, nil
}

// ModelConversation is the model of conversation attributes.
const ModelConversation = "conversation"

// ListConversation lists the conversation attributes: from API 2.16 on at
// GET /conversations/attributes (data_attributes answers 422 for them
// there), before that as data attributes of model conversation.
//
// API docs: https://developers.intercom.com/docs/references/2.16/rest-api/api.intercom.io/conversations
func (s *DataAttributesService) ListConversation(ctx context.Context) ([]*DataAttribute, *Response, error) {
	if versionBefore(s.client.version, 2, 16) {
		return s.List(ctx, ModelConversation)
	}
	var l struct {
		Data []*DataAttribute `json:"data"`
	}
	resp, err := (*service)(s).get(ctx, "conversations/attributes", &l)
	if err != nil {
		return nil, resp, err
	}
	for _, a := range l.Data {
		a.Model = ModelConversation
	}
	return l.Data, resp, nil
}
