package intercom

import (
	"context"
	"net/http"
)

// TagsService lists and creates tags.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/tags
type TagsService service

// Tag is an Intercom tag; AppliedAt and AppliedBy are set when it comes
// from tagging an object.
type Tag struct {
	Type      string     `json:"type,omitempty"`
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	AppliedAt int64      `json:"applied_at,omitempty"`
	AppliedBy *Reference `json:"applied_by,omitempty"`
}

// TagList is the tag.list object embedded in companies and conversations.
type TagList struct {
	Type string `json:"type,omitempty"`
	Tags []*Tag `json:"tags"`
}

// List lists the workspace's tags.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/tags/findalltags
func (s *TagsService) List(ctx context.Context) ([]*Tag, *Response, error) {
	var l struct {
		Data []*Tag `json:"data"`
	}
	resp, err := (*service)(s).get(ctx, "tags", &l)
	if err != nil {
		return nil, resp, err
	}
	return l.Data, resp, nil
}

// Create creates a tag named name, or returns the existing one.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/tags/createtag
func (s *TagsService) Create(ctx context.Context, name string) (*Tag, *Response, error) {
	t := new(Tag)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "tags", map[string]string{"name": name}, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}
