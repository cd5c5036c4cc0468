package intercomsim

import (
	"maps"
	"net/http"
	"slices"
)

// liveConversation returns the conversation id. Callers hold s.mu.
func (s *Server) liveConversation(id string) (*conversation, *apiError) {
	c, ok := s.conversations[id]
	if !ok {
		return nil, errNotFound("Resource Not Found")
	}
	return c, nil
}

// createConversation starts a conversation as contact c. Callers hold s.mu.
func (s *Server) createConversation(c *contact, body string) *conversation {
	now := s.now()
	conv := &conversation{
		ID: s.ids.num(), CreatedAt: now, UpdatedAt: now, State: "open", Priority: "none",
		ContactIDs: []string{c.ID}, SourceID: s.ids.num(), SourceType: "conversation",
		DeliveredAs: "customer_initiated", Body: htmlBody(body), AuthorType: c.Role, AuthorID: c.ID,
		CustomAttributes: map[string]any{},
	}
	s.seq++
	conv.seq = s.seq
	s.conversations[conv.ID] = conv
	s.convList = append(s.convList, conv)
	s.emitConversation("conversation.user.created", conv, nil, nil)
	return conv
}

// startAdminConversation starts a conversation an admin initiates with a
// contact (an outbound in-app or email message) and fires
// conversation.admin.single.created. Callers hold s.mu.
func (s *Server) startAdminConversation(a *admin, c *contact, subject, body, messageType string) *conversation {
	now := s.now()
	conv := &conversation{
		ID: s.ids.num(), CreatedAt: now, UpdatedAt: now, State: "open", Priority: "none", Read: true,
		ContactIDs: []string{c.ID}, SourceID: s.ids.num(), SourceType: "admin_initiated_conversation",
		DeliveredAs: "admin_initiated", Subject: subject, Body: htmlBody(body), AuthorType: "admin", AuthorID: a.ID,
		CustomAttributes: map[string]any{},
	}
	if messageType == "email" {
		conv.SourceType = "email"
	}
	s.seq++
	conv.seq = s.seq
	s.conversations[conv.ID] = conv
	s.convList = append(s.convList, conv)
	s.emitConversation("conversation.admin.single.created", conv, nil, nil)
	return conv
}

// emitConversation fires a conversation topic carrying conv with the given
// parts (nil: no conversation_parts key). Payloads for API 2.15 and later
// carry plain-text bodies. extra keys are added to the item.
func (s *Server) emitConversation(topic string, conv *conversation, parts []*part, extra map[string]any) {
	item := s.renderConversation(conv, s.opts.DefaultVersion, parts)
	if s.plainWebhooks() {
		plainConversation(item)
	}
	for k, v := range extra {
		item[k] = v
	}
	s.emit(topic, item)
}

// addPart appends a part, bumps updated_at and fires topic with that part.
// Callers hold s.mu.
func (s *Server) addPart(conv *conversation, p *part, topic string) {
	p.ID = s.ids.num()
	p.CreatedAt = s.now()
	conv.Parts = append(conv.Parts, p)
	conv.UpdatedAt = max(p.CreatedAt, conv.UpdatedAt)
	if topic != "" {
		s.emitConversation(topic, conv, []*part{p}, nil)
	}
}

// adminPart validates the admin of an admin action. Callers hold s.mu.
func (s *Server) adminFor(id string) (*admin, *apiError) {
	a := s.findAdmin(id)
	if a == nil {
		return nil, errorf(http.StatusNotFound, "admin_not_found", "Admin not found")
	}
	return a, nil
}

// reply adds an admin comment or note; appCode marks parts made through
// the REST API. Callers hold s.mu.
func (s *Server) reply(conv *conversation, adminID, body string, note bool, appCode string) *apiError {
	if _, e := s.adminFor(adminID); e != nil {
		return e
	}
	if body == "" {
		return errInvalid("body", "body is required")
	}
	pt, topic := "comment", "conversation.admin.replied"
	if note {
		pt, topic = "note", "conversation.admin.noted"
	}
	s.addPart(conv, &part{PartType: pt, Body: htmlBody(body), AuthorType: "admin", AuthorID: adminID, AppPackageCode: appCode}, topic)
	return nil
}

// setState closes or opens a conversation. Callers hold s.mu.
func (s *Server) setState(conv *conversation, adminID, state, body string) *apiError {
	if _, e := s.adminFor(adminID); e != nil {
		return e
	}
	conv.State = state
	pt := map[string]string{"open": "open", "closed": "close", "snoozed": "snoozed"}[state]
	topic := map[string]string{"open": "conversation.admin.opened", "closed": "conversation.admin.closed", "snoozed": "conversation.admin.snoozed"}[state]
	var b string
	if body != "" {
		b = htmlBody(body)
	}
	s.addPart(conv, &part{PartType: pt, Body: b, AuthorType: "admin", AuthorID: adminID}, topic)
	return nil
}

// assign assigns the conversation to admin assigneeID ("0" unassigns).
// Callers hold s.mu.
func (s *Server) assign(conv *conversation, adminID, assigneeID string) *apiError {
	if _, e := s.adminFor(adminID); e != nil {
		return e
	}
	n, ok := toInt64(assigneeID)
	if !ok {
		return errInvalid("assignee_id", "assignee_id must be an admin id")
	}
	if n != 0 {
		if _, e := s.adminFor(assigneeID); e != nil {
			return e
		}
	}
	conv.AdminAssigneeID = n
	s.addPart(conv, &part{PartType: "assignment", AuthorType: "admin", AuthorID: adminID, AssignedTo: assigneeID}, "conversation.admin.assigned")
	return nil
}

// tagConversation applies a tag to the conversation through its most
// recent part (the one conversation_part.tag.created reports, with
// tags_added), or to the conversation alone when it has no parts yet.
// Callers hold s.mu.
func (s *Server) tagConversation(conv *conversation, t *tag, adminID string) *apiError {
	var p *part
	if n := len(conv.Parts); n > 0 {
		p = conv.Parts[n-1]
	}
	return s.tagPart(conv, p, t, adminID)
}

// tagPart tags part p (nil: the conversation only) and the conversation,
// then fires conversation_part.tag.created. Callers hold s.mu.
func (s *Server) tagPart(conv *conversation, p *part, t *tag, adminID string) *apiError {
	if _, e := s.adminFor(adminID); e != nil {
		return e
	}
	has := func(list []appliedTag) bool {
		return slices.ContainsFunc(list, func(a appliedTag) bool { return a.TagID == t.ID })
	}
	applied := appliedTag{TagID: t.ID, AppliedAt: s.now(), AdminID: adminID}
	changed := false
	if !has(conv.Tags) {
		conv.Tags = append(conv.Tags, applied)
		changed = true
	}
	parts := []*part{}
	if p != nil {
		if !has(p.Tags) {
			p.Tags = append(p.Tags, applied)
			changed = true
		}
		parts = []*part{p}
	}
	if !changed {
		return nil
	}
	conv.UpdatedAt = max(s.now(), conv.UpdatedAt)
	s.emitConversation("conversation_part.tag.created", conv, parts, map[string]any{
		"tags_added": map[string]any{"type": "tag.list", "tags": []any{renderTag(t)}},
	})
	return nil
}

func (s *Server) renderAppliedTags(list []appliedTag) []any {
	tags := []any{}
	for _, at := range list {
		if t := s.tagByID(at.TagID); t != nil {
			m := renderTag(t)
			m["applied_at"] = at.AppliedAt
			m["applied_by"] = map[string]any{"type": "admin", "id": at.AdminID}
			tags = append(tags, m)
		}
	}
	return tags
}

func (s *Server) renderAuthor(typ, id string) map[string]any {
	m := map[string]any{"type": typ, "id": id, "name": nil, "email": "", "from_ai_agent": false, "is_ai_answer": false}
	switch typ {
	case "admin":
		if a := s.findAdmin(id); a != nil {
			m["name"], m["email"] = a.Name, a.Email
		}
	default:
		if c := s.contacts[id]; c != nil {
			m["name"], m["email"] = nullable(c.Name), c.Email
		}
	}
	return m
}

func (s *Server) renderPart(p *part, state string) map[string]any {
	m := map[string]any{
		"type": "conversation_part", "id": p.ID, "part_type": p.PartType, "body": nullable(p.Body),
		"created_at": p.CreatedAt, "updated_at": p.CreatedAt, "notified_at": p.CreatedAt,
		"author": s.renderAuthor(p.AuthorType, p.AuthorID), "attachments": []any{},
		"external_id": nil, "redacted": false, "state": state, "tags": s.renderAppliedTags(p.Tags),
		"app_package_code": nullable(p.AppPackageCode),
	}
	// assigned_to is a nullable $ref; it is left out when empty.
	if p.AssignedTo != "" {
		m["assigned_to"] = map[string]any{"type": "admin", "id": p.AssignedTo}
	}
	return m
}

// renderConversation renders conv for version. parts nil renders no
// conversation_parts (list/search items); otherwise the given parts are
// rendered (capped to the most recent maxParts).
func (s *Server) renderConversation(conv *conversation, version string, parts []*part) map[string]any {
	v216 := atLeast216(version)
	assignee := func(id int64) any {
		if id == 0 && !v216 {
			return nil
		}
		return id
	}
	priority := conv.Priority
	if !v216 {
		priority = "not_priority"
		if conv.Priority != "none" && conv.Priority != "" {
			priority = "priority"
		}
	}
	contacts := []any{}
	for _, id := range conv.ContactIDs {
		ext := ""
		if c := s.contacts[id]; c != nil {
			ext = c.ExternalID
		}
		contacts = append(contacts, map[string]any{"type": "contact", "id": id, "external_id": nullable(ext)})
	}
	tags := s.renderAppliedTags(conv.Tags)
	var teammates []any
	seen := map[string]bool{}
	for _, p := range conv.Parts {
		if p.AuthorType == "admin" && !seen[p.AuthorID] {
			seen[p.AuthorID] = true
			teammates = append(teammates, map[string]any{"type": "admin", "id": p.AuthorID})
		}
	}
	if teammates == nil {
		teammates = []any{}
	}
	m := map[string]any{
		"type": "conversation", "id": conv.ID, "title": nullable(conv.Title),
		"created_at": conv.CreatedAt, "updated_at": conv.UpdatedAt, "waiting_since": nil, "snoozed_until": nil,
		"open": conv.State != "closed", "state": conv.State, "read": conv.Read, "priority": priority,
		"admin_assignee_id": assignee(conv.AdminAssigneeID), "team_assignee_id": assignee(conv.TeamAssigneeID),
		"tags": map[string]any{"type": "tag.list", "tags": tags},
		"source": map[string]any{
			"type": conv.SourceType, "id": conv.SourceID, "delivered_as": conv.DeliveredAs,
			"subject": conv.Subject, "body": conv.Body, "author": s.renderAuthor(conv.AuthorType, conv.AuthorID),
			"attachments": []any{}, "url": nil, "redacted": false,
		},
		"contacts":              map[string]any{"type": "contact.list", "contacts": contacts},
		"teammates":             map[string]any{"type": "admin.list", "teammates": teammates, "admins": teammates},
		"custom_attributes":     maps.Clone(conv.CustomAttributes),
		"ai_agent_participated": false,
	}
	if parts != nil {
		total := len(parts)
		if len(parts) > maxParts {
			parts = parts[len(parts)-maxParts:]
		}
		list := make([]any, 0, len(parts))
		for _, p := range parts {
			list = append(list, s.renderPart(p, conv.State))
		}
		m["conversation_parts"] = map[string]any{"type": "conversation_part.list", "conversation_parts": list, "total_count": total}
	}
	return m
}
