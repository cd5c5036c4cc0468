package intercomsim

import (
	"net/http"
	"slices"
	"strings"
)

// tagByName returns the tag named name, creating it when create is set.
// Callers hold s.mu.
func (s *Server) tagByName(name string, create bool) *tag {
	for _, t := range s.tags {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	if !create {
		return nil
	}
	t := &tag{ID: s.ids.num(), Name: name}
	s.tags = append(s.tags, t)
	return t
}

func (s *Server) tagByID(id string) *tag {
	for _, t := range s.tags {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func renderTag(t *tag) map[string]any {
	return map[string]any{"type": "tag", "id": t.ID, "name": t.Name}
}

func (s *Server) httpListTags(_ *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []any{}
	for _, t := range s.tags {
		data = append(data, renderTag(t))
	}
	return map[string]any{"type": "list", "data": data}, nil
}

func (s *Server) httpCreateTag(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	name := strings.TrimSpace(str(body["name"]))
	if name == "" {
		return nil, errInvalid("name", "name is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := str(body["id"]); id != "" {
		t := s.tagByID(id)
		if t == nil {
			return nil, errNotFound("Resource Not Found")
		}
		t.Name = name
		return renderTag(t), nil
	}
	t := s.tagByName(name, true)
	if users, ok := body["users"].([]any); ok {
		for _, u := range users {
			m, _ := u.(map[string]any)
			if c, ok := s.contacts[str(m["id"])]; ok && !c.deleted {
				s.setContactTag(c, t, m["untag"] == true)
			}
		}
	}
	if cos, ok := body["companies"].([]any); ok {
		for _, x := range cos {
			m, _ := x.(map[string]any)
			co := s.companies[str(m["id"])]
			if co == nil {
				co = s.companyByCompanyID(str(m["company_id"]))
			}
			if co == nil {
				continue
			}
			i := slices.Index(co.TagIDs, t.ID)
			if m["untag"] == true && i >= 0 {
				co.TagIDs = slices.Delete(co.TagIDs, i, i+1)
			} else if m["untag"] != true && i < 0 {
				co.TagIDs = append(co.TagIDs, t.ID)
			}
		}
	}
	return renderTag(t), nil
}

// setContactTag tags or untags c. Callers hold s.mu.
func (s *Server) setContactTag(c *contact, t *tag, untag bool) {
	i := slices.Index(c.TagIDs, t.ID)
	switch {
	case untag && i >= 0:
		c.TagIDs = slices.Delete(c.TagIDs, i, i+1)
	case !untag && i < 0:
		c.TagIDs = append(c.TagIDs, t.ID)
	default:
		return
	}
	c.UpdatedAt = max(s.now(), c.UpdatedAt)
	change := "created"
	if untag {
		change = "deleted"
	}
	s.emit("contact."+c.Role+".tag."+change, map[string]any{"type": "contact_tag", "created_at": s.now(),
		"tag": renderTag(t), "contact": s.renderContact(c, s.opts.DefaultVersion)})
}

func (s *Server) httpContactTags(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	data := []any{}
	for _, id := range c.TagIDs {
		if t := s.tagByID(id); t != nil {
			data = append(data, renderTag(t))
		}
	}
	return map[string]any{"type": "list", "data": data}, nil
}

func (s *Server) httpTagContact(r *http.Request) (any, *apiError) {
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
	t := s.tagByID(str(body["id"]))
	if t == nil {
		return nil, errNotFound("Resource Not Found")
	}
	s.setContactTag(c, t, false)
	return renderTag(t), nil
}

func (s *Server) httpUntagContact(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	t := s.tagByID(r.PathValue("tag_id"))
	if t == nil {
		return nil, errNotFound("Resource Not Found")
	}
	s.setContactTag(c, t, true)
	return renderTag(t), nil
}
