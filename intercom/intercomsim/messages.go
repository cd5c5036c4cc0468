package intercomsim

import "net/http"

// httpCreateMessage serves POST /messages for admin-initiated messages: an
// in-app or email message from an admin to a contact starts a conversation
// and fires conversation.admin.single.created.
func (s *Server) httpCreateMessage(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	mt := str(body["message_type"])
	if mt != "inapp" && mt != "email" {
		return nil, errInvalid("message_type", "message_type must be one of inapp, email")
	}
	text := str(body["body"])
	if text == "" {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "Body is required")
	}
	if mt == "email" && str(body["subject"]) == "" {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "Subject is required for email messages")
	}
	from, _ := body["from"].(map[string]any)
	to, _ := body["to"].(map[string]any)
	if from == nil || str(from["type"]) != "admin" {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "from must be an admin")
	}
	if to == nil {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "to is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, e := s.adminFor(str(from["id"]))
	if e != nil {
		return nil, e
	}
	c, ok := s.contacts[str(to["id"])]
	if !ok || c.deleted || c.MergedInto != "" {
		return nil, errNotFound("User Not Found")
	}
	conv := s.startAdminConversation(a, c, str(body["subject"]), text, mt)
	return map[string]any{"type": "admin_message", "id": conv.SourceID, "created_at": conv.CreatedAt,
		"subject": str(body["subject"]), "body": text, "message_type": mt, "conversation_id": conv.ID,
		"owner": renderAdmin(a)}, nil
}
