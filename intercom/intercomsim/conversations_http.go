package intercomsim

import (
	"maps"
	"net/http"
	"strings"
)

func (s *Server) fullConversation(conv *conversation, r *http.Request) map[string]any {
	parts := conv.Parts
	if parts == nil {
		parts = []*part{}
	}
	m := s.renderConversation(conv, s.version(r), parts)
	if r.Method == http.MethodGet && r.URL.Query().Get("display_as") == "plaintext" {
		plainConversation(m)
	}
	return m
}

func (s *Server) httpCreateConversation(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	from, _ := body["from"].(map[string]any)
	if from == nil {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "from is required")
	}
	text := str(body["body"])
	if text == "" {
		return nil, errInvalid("body", "body is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *contact
	switch id := str(from["id"]); {
	case id != "":
		c = s.contacts[id]
	case str(from["email"]) != "":
		for _, x := range s.liveContacts() {
			if strings.EqualFold(x.Email, str(from["email"])) {
				c = x
				break
			}
		}
	}
	if c == nil || c.deleted || c.MergedInto != "" {
		return nil, errNotFound("User Not Found")
	}
	conv := s.createConversation(c, text)
	return map[string]any{"type": "user_message", "id": conv.SourceID, "created_at": conv.CreatedAt,
		"body": text, "message_type": "inapp", "conversation_id": conv.ID}, nil
}

func (s *Server) httpGetConversation(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	return s.fullConversation(conv, r), nil
}

func (s *Server) renderConversationPage(p pageResult[*conversation], version string) map[string]any {
	list := make([]any, 0, len(p.Items))
	for _, c := range p.Items {
		list = append(list, s.renderConversation(c, version, nil))
	}
	return map[string]any{"type": "conversation.list", "conversations": list, "total_count": p.Total, "pages": p.Pages}
}

func (s *Server) httpListConversations(r *http.Request) (any, *apiError) {
	per, e := perPage(r.URL.Query().Get("per_page"), 20)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := paginate(s.convList, func(c *conversation) sortKey { return sortKeyOf(c.UpdatedAt, c.seq) }, true, per, r.URL.Query().Get("starting_after"))
	if e != nil {
		return nil, e
	}
	return s.renderConversationPage(p, s.version(r)), nil
}

// conversationSchema returns the searchable conversation fields.
func (s *Server) conversationSchema() *searchSchema[*conversation] {
	strf := func(get func(*conversation) string) fieldSpec[*conversation] {
		return fieldSpec[*conversation]{typ: ftString, get: func(c *conversation) any { return get(c) }}
	}
	intf := func(typ fieldType, get func(*conversation) int64) fieldSpec[*conversation] {
		return fieldSpec[*conversation]{typ: typ, get: func(c *conversation) any { return get(c) }}
	}
	return &searchSchema[*conversation]{
		fields: map[string]fieldSpec[*conversation]{
			"id":                  strf(func(c *conversation) string { return c.ID }),
			"state":               strf(func(c *conversation) string { return c.State }),
			"priority":            strf(func(c *conversation) string { return c.Priority }),
			"source.type":         strf(func(c *conversation) string { return c.SourceType }),
			"source.id":           strf(func(c *conversation) string { return c.SourceID }),
			"source.subject":      strf(func(c *conversation) string { return c.Subject }),
			"source.body":         strf(func(c *conversation) string { return c.Body }),
			"source.author.id":    strf(func(c *conversation) string { return c.AuthorID }),
			"source.author.type":  strf(func(c *conversation) string { return c.AuthorType }),
			"source.delivered_as": strf(func(c *conversation) string { return c.DeliveredAs }),
			"created_at":          intf(ftDate, func(c *conversation) int64 { return c.CreatedAt }),
			"updated_at":          intf(ftDate, func(c *conversation) int64 { return c.UpdatedAt }),
			"admin_assignee_id":   intf(ftInt, func(c *conversation) int64 { return c.AdminAssigneeID }),
			"team_assignee_id":    intf(ftInt, func(c *conversation) int64 { return c.TeamAssigneeID }),
			"open":                {typ: ftBool, get: func(c *conversation) any { return c.State != "closed" }},
			"read":                {typ: ftBool, get: func(c *conversation) any { return c.Read }},
			"contact_ids":         {typ: ftStrings, get: func(c *conversation) any { return c.ContactIDs }},
			"tag_ids": {typ: ftStrings, get: func(c *conversation) any {
				ids := make([]string, len(c.Tags))
				for i, t := range c.Tags {
					ids[i] = t.TagID
				}
				return ids
			}},
		},
		custom: func(name string) (fieldType, bool) {
			a := s.findAttribute("conversation", name)
			if a == nil {
				return 0, false
			}
			return dataTypeToField(a.DataType), true
		},
		customGet: func(c *conversation, name string) any { return c.CustomAttributes[name] },
		lenient:   true,
		loc:       s.opts.Location,
	}
}

func (s *Server) httpSearchConversations(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	sb, e := parseSearchBody(body, 20, false, false)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pred, e := compile(s.conversationSchema(), sb.query)
	if e != nil {
		return nil, e
	}
	var matched []*conversation
	for _, c := range s.convList {
		if pred(c) {
			matched = append(matched, c)
		}
	}
	p, e := paginate(matched, func(c *conversation) sortKey { return sortKeyOf(c.UpdatedAt, c.seq) }, true, sb.per, sb.after)
	if e != nil {
		return nil, e
	}
	return s.renderConversationPage(p, s.version(r)), nil
}

func (s *Server) httpUpdateConversation(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	next := *conv
	if v, ok := body["read"].(bool); ok {
		next.Read = v
	}
	if v, ok := body["title"]; ok {
		next.Title = str(v)
	}
	if m, ok := body["custom_attributes"].(map[string]any); ok {
		ca, e := s.checkCustomAttributes("conversation", m)
		if e != nil {
			return nil, e
		}
		next.CustomAttributes = maps.Clone(conv.CustomAttributes)
		maps.Copy(next.CustomAttributes, ca)
	}
	next.UpdatedAt = max(s.now(), conv.UpdatedAt)
	*conv = next
	return s.fullConversation(conv, r), nil
}

func (s *Server) httpReply(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if id == "last" {
		if len(s.convList) == 0 {
			return nil, errNotFound("Resource Not Found")
		}
		id = s.convList[len(s.convList)-1].ID
	}
	conv, e := s.liveConversation(id)
	if e != nil {
		return nil, e
	}
	mt := str(body["message_type"])
	switch str(body["type"]) {
	case "admin":
		if mt != "comment" && mt != "note" && mt != "quick_reply" {
			return nil, errInvalid("message_type", "message_type must be one of comment, note, quick_reply")
		}
		if e := s.reply(conv, str(body["admin_id"]), str(body["body"]), mt == "note", s.opts.AppPackageCode); e != nil {
			return nil, e
		}
	case "user":
		if str(body["body"]) == "" {
			return nil, errInvalid("body", "body is required")
		}
		c := s.contacts[str(body["intercom_user_id"])]
		if c == nil && len(conv.ContactIDs) > 0 {
			c = s.contacts[conv.ContactIDs[0]]
		}
		if c == nil {
			return nil, errNotFound("User Not Found")
		}
		s.addPart(conv, &part{PartType: "comment", Body: htmlBody(str(body["body"])), AuthorType: c.Role, AuthorID: c.ID,
			AppPackageCode: s.opts.AppPackageCode}, "conversation.user.replied")
	default:
		return nil, errInvalid("type", "type must be admin or user")
	}
	return s.fullConversation(conv, r), nil
}

func (s *Server) httpManage(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	adminID := str(body["admin_id"])
	switch mt := str(body["message_type"]); mt {
	case "close":
		e = s.setState(conv, adminID, "closed", str(body["body"]))
	case "open":
		e = s.setState(conv, adminID, "open", "")
	case "snoozed":
		e = s.setState(conv, adminID, "snoozed", "")
	case "assignment":
		e = s.assign(conv, adminID, str(body["assignee_id"]))
	default:
		e = errInvalid("message_type", "message_type must be one of close, open, snoozed, assignment")
	}
	if e != nil {
		return nil, e
	}
	return s.fullConversation(conv, r), nil
}

func (s *Server) httpTagConversation(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	t := s.tagByID(str(body["id"]))
	if t == nil {
		return nil, errNotFound("Resource Not Found")
	}
	if e := s.tagConversation(conv, t, str(body["admin_id"])); e != nil {
		return nil, e
	}
	return renderTag(t), nil
}

func (s *Server) httpUntagConversation(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	if _, e := s.adminFor(str(body["admin_id"])); e != nil {
		return nil, e
	}
	t := s.tagByID(r.PathValue("tag_id"))
	if t == nil {
		return nil, errNotFound("Resource Not Found")
	}
	for i, at := range conv.Tags {
		if at.TagID == t.ID {
			conv.Tags = append(conv.Tags[:i], conv.Tags[i+1:]...)
			break
		}
	}
	return renderTag(t), nil
}
