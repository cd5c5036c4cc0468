package intercomsim

import (
	"html"
	"net/http"
	"strings"
)

// htmlBody wraps plain text in a paragraph as Intercom returns bodies.
func htmlBody(b string) string {
	if strings.HasPrefix(strings.TrimSpace(b), "<") {
		return b
	}
	return "<p>" + html.EscapeString(b) + "</p>"
}

func (s *Server) renderNote(n *note) map[string]any {
	m := map[string]any{"type": "note", "id": n.ID, "created_at": n.CreatedAt,
		"contact": map[string]any{"type": "contact", "id": n.ContactID}, "body": n.Body}
	if a := s.findAdmin(n.AdminID); a != nil {
		m["author"] = renderAdmin(a)
	}
	return m
}

func (s *Server) httpCreateNote(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	if str(body["body"]) == "" {
		return nil, errInvalid("body", "body is required")
	}
	adminID := str(body["admin_id"])
	if adminID != "" && s.findAdmin(adminID) == nil {
		return nil, errNotFound("Resource Not Found")
	}
	if adminID == "" {
		adminID = s.admins[0].ID
	}
	n := &note{ID: s.ids.num(), ContactID: c.ID, AdminID: adminID, Body: htmlBody(str(body["body"])), CreatedAt: s.now()}
	s.notes[n.ID] = n
	c.NoteIDs = append(c.NoteIDs, n.ID)
	return s.renderNote(n), nil
}

func (s *Server) httpListNotes(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	data := []any{}
	for i := len(c.NoteIDs) - 1; i >= 0; i-- {
		data = append(data, s.renderNote(s.notes[c.NoteIDs[i]]))
	}
	return map[string]any{"type": "list", "data": data, "total_count": len(data),
		"pages": map[string]any{"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}}, nil
}
