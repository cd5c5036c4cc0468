package intercomsim

import (
	"net/http"
	"slices"
)

func (s *Server) httpCreateContact(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.createContact(body)
	if e != nil {
		return nil, e
	}
	return s.renderContact(c, s.version(r)), nil
}

func (s *Server) httpGetContact(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	return s.renderContact(c, s.version(r)), nil
}

func (s *Server) httpUpdateContact(r *http.Request) (any, *apiError) {
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
	if e := s.updateContact(c, body); e != nil {
		return nil, e
	}
	return s.renderContact(c, s.version(r)), nil
}

func (s *Server) httpDeleteContact(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	s.deleteContact(c)
	return map[string]any{"type": "contact", "id": c.ID, "external_id": nullable(c.ExternalID), "deleted": true}, nil
}

func (s *Server) httpFindByExternalID(r *http.Request) (any, *apiError) {
	ext := r.PathValue("external_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.usersByExtID[ext]; ext != "" {
		if c != nil && !c.deleted && c.MergedInto == "" && c.Role == "user" {
			return s.renderContact(c, s.version(r)), nil
		}
		return nil, errNotFound("User Not Found")
	}
	for _, c := range s.contactList {
		if !c.deleted && c.MergedInto == "" && c.Role == "user" && c.ExternalID == ext {
			return s.renderContact(c, s.version(r)), nil
		}
	}
	return nil, errNotFound("User Not Found")
}

func (s *Server) renderContactPage(p pageResult[*contact], version string) (map[string]any, *apiError) {
	data, err := renderedList(s, contactAttrs, p.Items, version)
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "server_error", "render contacts: %v", err)
	}
	return map[string]any{"type": "list", "data": data, "total_count": p.Total, "pages": p.Pages}, nil
}

func (s *Server) httpListContacts(r *http.Request) (any, *apiError) {
	per, e := perPage(r.URL.Query().Get("per_page"), 50)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.listContactsPage(per, r.URL.Query().Get("starting_after"))
	if e != nil {
		return nil, e
	}
	return s.renderContactPage(p, s.version(r))
}

func (s *Server) httpSearchContacts(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.searchContacts(body, s.version(r))
	if e != nil {
		return nil, e
	}
	return s.renderContactPage(p, s.version(r))
}

func (s *Server) httpMergeContacts(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	skip, _ := body["skip_duplicate_validation"].(bool)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.mergeContacts(str(body["from"]), str(body["into"]), skip, s.version(r))
	if e != nil {
		return nil, e
	}
	return s.renderContact(c, s.version(r)), nil
}

func (s *Server) httpArchiveContact(archive bool) func(r *http.Request) (any, *apiError) {
	return func(r *http.Request) (any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c, e := s.liveContact(r.PathValue("id"), s.version(r))
		if e != nil {
			return nil, e
		}
		c.Archived = archive
		c.UpdatedAt = max(s.now(), c.UpdatedAt)
		topic := "contact.archived"
		if !archive {
			topic = "contact.unarchived"
		}
		s.emit(topic, s.renderContact(c, s.opts.DefaultVersion))
		return map[string]any{"type": "contact", "id": c.ID, "external_id": nullable(c.ExternalID), "archived": archive}, nil
	}
}

func (s *Server) httpContactCompanies(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	data := []any{}
	for _, id := range c.CompanyIDs {
		if co := s.companies[id]; co != nil && !co.deleted {
			data = append(data, s.renderCompany(co))
		}
	}
	return map[string]any{"type": "list", "data": data, "companies": data, "total_count": len(data),
		"pages": map[string]any{"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}}, nil
}

func (s *Server) httpAttachCompany(r *http.Request) (any, *apiError) {
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
	co, ok := s.companies[str(body["id"])]
	if !ok || co.deleted {
		return nil, errorf(http.StatusNotFound, "company_not_found", "Company Not Found")
	}
	if !slices.Contains(c.CompanyIDs, co.ID) {
		if len(c.CompanyIDs) >= 1000 {
			return nil, errorf(http.StatusBadRequest, "contact_company_limit_exceeded", "A contact can be attached to at most 1000 companies")
		}
		c.CompanyIDs = append(c.CompanyIDs, co.ID)
		addMember(co, c)
		s.touchContact(c)
		s.emit("company.contact.attached", map[string]any{"type": "company_contact", "company": s.renderCompany(co), "contact": s.renderContact(c, s.opts.DefaultVersion)})
	}
	return s.renderCompany(co), nil
}

func (s *Server) httpDetachCompany(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.liveContact(r.PathValue("id"), s.version(r))
	if e != nil {
		return nil, e
	}
	co, ok := s.companies[r.PathValue("company_id")]
	if !ok || co.deleted {
		return nil, errorf(http.StatusNotFound, "company_not_found", "Company Not Found")
	}
	if i := slices.Index(c.CompanyIDs, co.ID); i >= 0 {
		c.CompanyIDs = slices.Delete(c.CompanyIDs, i, i+1)
		detachMember(co, c)
		s.touchContact(c)
		s.emit("company.contact.detached", map[string]any{"type": "company_contact", "company": s.renderCompany(co), "contact": s.renderContact(c, s.opts.DefaultVersion)})
	}
	return s.renderCompany(co), nil
}
