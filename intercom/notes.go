package intercom

import (
	"context"
	"net/http"
)

// NotesService creates and lists notes on contacts.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/notes
type NotesService service

// Note is an internal note on a contact; Body comes back as HTML.
type Note struct {
	Type      string     `json:"type,omitempty"`
	ID        string     `json:"id"`
	CreatedAt int64      `json:"created_at,omitempty"`
	Contact   *Reference `json:"contact,omitempty"`
	Author    *Admin     `json:"author,omitempty"`
	Body      string     `json:"body"`
}

// Create adds a note to a contact, written by adminID.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/notes/createnote
func (s *NotesService) Create(ctx context.Context, contactID, body, adminID string) (*Note, *Response, error) {
	n := new(Note)
	req := map[string]string{"body": body, "admin_id": adminID}
	resp, err := (*service)(s).send(ctx, http.MethodPost, contactPath(contactID)+"/notes", req, n)
	if err != nil {
		return nil, resp, err
	}
	return n, resp, nil
}

// List lists the notes of a contact (first page; Response.NextCursor is
// set when there are more).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/notes/listnotes
func (s *NotesService) List(ctx context.Context, contactID string) ([]*Note, *Response, error) {
	var l struct {
		Data  []*Note `json:"data"`
		Pages *Pages  `json:"pages"`
	}
	resp, err := (*service)(s).get(ctx, contactPath(contactID)+"/notes", &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Data, resp, nil
}
