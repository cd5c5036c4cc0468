package intercomsim

import (
	"maps"
	"slices"
)

// ContactSeed describes a contact created through the state handle.
type ContactSeed struct {
	Role             string // "user" (default) or "lead"
	Email            string
	ExternalID       string
	Name             string
	Phone            string
	OwnerID          string
	CustomAttributes map[string]any
	CompanyIDs       []string // Intercom company ids to attach
}

// CompanySeed describes a company upserted through the state handle.
type CompanySeed struct {
	CompanyID        string
	Name             string
	Website          string
	Industry         string
	Size             int64
	MonthlySpend     int64
	Plan             string
	CustomAttributes map[string]any
}

// handleVersion is the API version the state handle renders objects for.
const handleVersion = "2.16"

func errOrNil(e *apiError) error {
	if e == nil {
		return nil
	}
	return e
}

// CreateContact creates a contact as a teammate would in the Intercom UI
// and fires the created webhook. Uniqueness and attribute rules apply.
func (s *Server) CreateContact(c ContactSeed) (string, error) {
	f := map[string]any{"role": c.Role}
	if c.Role == "" {
		f["role"] = "user"
	}
	for k, v := range map[string]string{"email": c.Email, "external_id": c.ExternalID, "name": c.Name, "phone": c.Phone, "owner_id": c.OwnerID} {
		if v != "" {
			f[k] = v
		}
	}
	if c.CustomAttributes != nil {
		f["custom_attributes"] = c.CustomAttributes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range c.CompanyIDs {
		if _, e := s.liveCompany(id); e != nil {
			return "", e
		}
	}
	ct, e := s.createContact(f)
	if e != nil {
		return "", e
	}
	ct.CompanyIDs = slices.Clone(c.CompanyIDs)
	s.linkCompanies(ct)
	return ct.ID, nil
}

// UpdateContact changes API-named fields of a contact ("name", "email",
// "phone", "owner_id", "external_id", "role", "custom_attributes" merged
// key by key…), bumps updated_at and fires the updated webhook.
func (s *Server) UpdateContact(id string, fields map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(id, handleVersion)
	if e != nil {
		return e
	}
	return errOrNil(s.updateContact(c, fields))
}

// DeleteContact deletes a contact and fires contact.deleted.
func (s *Server) DeleteContact(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(id, handleVersion)
	if e != nil {
		return e
	}
	s.deleteContact(c)
	return nil
}

// Contact returns the contact as the API (version 2.16) renders it.
func (s *Server) Contact(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(id, handleVersion)
	if e != nil {
		return nil, false
	}
	return s.renderContact(c, handleVersion), true
}

// Contacts returns every listed contact in creation order.
func (s *Server) Contacts() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, c := range s.liveContacts() {
		out = append(out, s.renderContact(c, handleVersion))
	}
	return out
}

// UpsertCompany creates or updates the company keyed on CompanyID and
// returns its Intercom id ("" when the seed is invalid).
func (s *Server) UpsertCompany(c CompanySeed) string {
	f := map[string]any{"company_id": c.CompanyID, "name": c.Name, "website": c.Website, "industry": c.Industry,
		"size": c.Size, "monthly_spend": c.MonthlySpend, "plan": c.Plan}
	if c.CustomAttributes != nil {
		f["custom_attributes"] = c.CustomAttributes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.upsertCompany(f)
	if e != nil {
		return ""
	}
	return co.ID
}

// UpdateCompany changes API-named fields of the company with Intercom id id.
func (s *Server) UpdateCompany(id string, fields map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(id)
	if e != nil {
		return e
	}
	return errOrNil(s.updateCompany(co, fields))
}

// Company returns the company as the API renders it.
func (s *Server) Company(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(id)
	if e != nil {
		return nil, false
	}
	return s.renderCompany(co), true
}

// Companies returns every company (with or without contacts).
func (s *Server) Companies() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, co := range s.companyList {
		if !co.deleted {
			out = append(out, s.renderCompany(co))
		}
	}
	return out
}

// CreateConversation starts a conversation from a contact and fires
// conversation.user.created.
func (s *Server) CreateConversation(contactID, body string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(contactID, handleVersion)
	if e != nil {
		return "", e
	}
	return s.createConversation(c, body).ID, nil
}

// withConversation runs f on a conversation under the lock.
func (s *Server) withConversation(id string, f func(*conversation) *apiError) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(id)
	if e != nil {
		return e
	}
	return errOrNil(f(conv))
}

// ReplyAsAdmin adds an admin comment (or a note) to a conversation.
func (s *Server) ReplyAsAdmin(convID, adminID, body string, note bool) error {
	return s.withConversation(convID, func(c *conversation) *apiError { return s.reply(c, adminID, body, note, "") })
}

// CloseConversation closes a conversation as adminID.
func (s *Server) CloseConversation(convID, adminID string) error {
	return s.withConversation(convID, func(c *conversation) *apiError { return s.setState(c, adminID, "closed", "") })
}

// OpenConversation reopens a conversation as adminID.
func (s *Server) OpenConversation(convID, adminID string) error {
	return s.withConversation(convID, func(c *conversation) *apiError { return s.setState(c, adminID, "open", "") })
}

// AssignConversation assigns a conversation to assigneeID ("0" unassigns).
func (s *Server) AssignConversation(convID, adminID, assigneeID string) error {
	return s.withConversation(convID, func(c *conversation) *apiError { return s.assign(c, adminID, assigneeID) })
}

// TagConversation tags a conversation, creating the tag when needed.
func (s *Server) TagConversation(convID, tagName, adminID string) error {
	return s.withConversation(convID, func(c *conversation) *apiError {
		return s.tagConversation(c, s.tagByName(tagName, true), adminID)
	})
}

// TagConversationPart tags one part of a conversation (and so the
// conversation), creating the tag when needed, as a teammate or a Workflow
// does, and fires conversation_part.tag.created with that part.
func (s *Server) TagConversationPart(convID, partID, tagName, adminID string) error {
	return s.withConversation(convID, func(c *conversation) *apiError {
		for _, p := range c.Parts {
			if p.ID == partID {
				return s.tagPart(c, p, s.tagByName(tagName, true), adminID)
			}
		}
		return errNotFound("Conversation part not found")
	})
}

// StartAdminConversation starts a conversation an admin initiates with a
// contact (an outbound in-app message) and fires
// conversation.admin.single.created. It returns the conversation id.
func (s *Server) StartAdminConversation(adminID, contactID, body string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, e := s.adminFor(adminID)
	if e != nil {
		return "", e
	}
	c, e := s.liveContact(contactID, handleVersion)
	if e != nil {
		return "", e
	}
	return s.startAdminConversation(a, c, "", body, "inapp").ID, nil
}

// ConversationParts returns the ids and types of a conversation's parts in
// order.
func (s *Server) ConversationParts(convID string) ([][2]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(convID)
	if e != nil {
		return nil, e
	}
	out := make([][2]string, 0, len(conv.Parts))
	for _, p := range conv.Parts {
		out = append(out, [2]string{p.ID, p.PartType})
	}
	return out, nil
}

// SetConversationAttribute sets a conversation attribute, defining it (with
// a data type inferred from value) when it does not exist yet.
func (s *Server) SetConversationAttribute(convID, name string, value any) error {
	return s.withConversation(convID, func(c *conversation) *apiError {
		if s.findAttribute("conversation", name) == nil {
			dt := "string"
			switch normalizeValue(value).(type) {
			case int64:
				dt = "integer"
			case float64:
				dt = "decimal"
			case bool:
				dt = "boolean"
			}
			if _, e := s.defineAttribute("conversation", name, dt, ""); e != nil {
				return e
			}
		}
		ca, e := s.checkCustomAttributes("conversation", map[string]any{name: value})
		if e != nil {
			return e
		}
		c.CustomAttributes = maps.Clone(c.CustomAttributes)
		maps.Copy(c.CustomAttributes, ca)
		c.UpdatedAt = max(s.now(), c.UpdatedAt)
		return nil
	})
}

// Conversation returns the conversation with its parts as the API (2.16)
// renders it.
func (s *Server) Conversation(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(id)
	if e != nil {
		return nil, false
	}
	parts := conv.Parts
	if parts == nil {
		parts = []*part{}
	}
	return s.renderConversation(conv, handleVersion, parts), true
}
