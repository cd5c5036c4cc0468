package intercomsim

import (
	"maps"
	"net/http"
	"slices"
)

func (s *Server) companyByCompanyID(cid string) *company {
	if cid == "" {
		return nil
	}
	if co := s.companiesByCID[cid]; co != nil && !co.deleted {
		return co
	}
	return nil
}

func (s *Server) renderCompany(co *company) map[string]any {
	tags := []any{}
	for _, id := range co.TagIDs {
		if t := s.tagByID(id); t != nil {
			tags = append(tags, renderTag(t))
		}
	}
	plan := map[string]any{}
	if co.Plan != "" {
		plan = map[string]any{"type": "plan", "id": co.Plan, "name": co.Plan}
	}
	return map[string]any{
		"type": "company", "id": co.ID, "company_id": co.CompanyID, "app_id": s.opts.WorkspaceID,
		"name": co.Name, "website": co.Website, "industry": co.Industry, "size": co.Size,
		"monthly_spend": co.MonthlySpend, "plan": plan, "created_at": co.CreatedAt, "updated_at": co.UpdatedAt,
		"remote_created_at": co.RemoteCreatedAt, "last_request_at": co.UpdatedAt, "session_count": 0,
		"user_count": s.userCount(co), "custom_attributes": maps.Clone(co.CustomAttributes),
		"tags":     map[string]any{"type": "tag.list", "tags": tags},
		"segments": map[string]any{"type": "segment.list", "segments": []any{}},
	}
}

// applyCompanyFields applies API-named fields. Callers hold s.mu.
func (s *Server) applyCompanyFields(co *company, f map[string]any) *apiError {
	next := *co
	next.CustomAttributes = maps.Clone(co.CustomAttributes)
	for k, v := range f {
		switch k {
		case "name":
			next.Name = str(v)
		case "website":
			next.Website = str(v)
		case "industry":
			next.Industry = str(v)
		case "plan":
			next.Plan = str(v)
		case "size", "monthly_spend", "remote_created_at":
			n, ok := toInt64(v)
			if v != nil && !ok {
				return errInvalid(k, "%s must be a number", k)
			}
			if k == "monthly_spend" && n > 1<<31-1 {
				return errInvalid(k, "monthly_spend must be less than 2147483647")
			}
			switch k {
			case "size":
				next.Size = n
			case "monthly_spend":
				next.MonthlySpend = n
			default:
				next.RemoteCreatedAt = n
			}
		case "custom_attributes":
			m, ok := v.(map[string]any)
			if !ok {
				return errInvalid(k, "custom_attributes must be an object")
			}
			ca, e := s.checkCustomAttributes("company", m)
			if e != nil {
				return e
			}
			if next.CustomAttributes == nil {
				next.CustomAttributes = map[string]any{}
			}
			maps.Copy(next.CustomAttributes, ca)
		}
	}
	*co = next
	return nil
}

// upsertCompany creates or updates the company keyed on company_id.
// Callers hold s.mu.
func (s *Server) upsertCompany(f map[string]any) (*company, *apiError) {
	cid := str(f["company_id"])
	if co := s.companyByCompanyID(cid); co != nil {
		if e := s.updateCompany(co, f); e != nil {
			return nil, e
		}
		return co, nil
	}
	if cid == "" && str(f["name"]) == "" {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "company_id or name is required")
	}
	now := s.now()
	co := &company{CompanyID: cid, CreatedAt: now, UpdatedAt: now, CustomAttributes: map[string]any{}}
	if e := s.applyCompanyFields(co, f); e != nil {
		return nil, e
	}
	co.ID = s.ids.hex24()
	if co.CompanyID == "" {
		co.CompanyID = co.ID
	}
	s.seq++
	co.seq = s.seq
	s.companies[co.ID] = co
	s.companiesByCID[co.CompanyID] = co
	s.companyList = append(s.companyList, co)
	s.emit("company.created", s.renderCompany(co))
	return co, nil
}

func (s *Server) updateCompany(co *company, f map[string]any) *apiError {
	f = maps.Clone(f)
	delete(f, "company_id")
	if e := s.applyCompanyFields(co, f); e != nil {
		return e
	}
	co.UpdatedAt = max(s.now(), co.UpdatedAt)
	s.emit("company.updated", s.renderCompany(co))
	return nil
}

func (s *Server) liveCompany(id string) (*company, *apiError) {
	co, ok := s.companies[id]
	if !ok || co.deleted {
		return nil, errorf(http.StatusNotFound, "company_not_found", "Company Not Found")
	}
	return co, nil
}

// listedCompanyPage returns up to n of the companies Intercom lists (live,
// with at least one contact), skipping the first start of them in creation
// order (newest first when desc), and how many companies are listed. It
// costs O(companies) time and O(n) memory.
func (s *Server) listedCompanyPage(start, n int, desc bool) ([]*company, int) {
	items := make([]*company, 0, min(n, len(s.companyList)))
	total := 0
	visit := func(co *company) {
		if co.deleted || len(co.members) == 0 {
			return
		}
		if total >= start && total < start+n {
			items = append(items, co)
		}
		total++
	}
	if desc {
		for i := len(s.companyList) - 1; i >= 0; i-- {
			visit(s.companyList[i])
		}
	} else {
		for _, co := range s.companyList {
			visit(co)
		}
	}
	return items, total
}

func (s *Server) renderCompanyPage(items []*company, page, per, total int) map[string]any {
	data := []any{}
	for _, co := range items {
		data = append(data, s.renderCompany(co))
	}
	pages := map[string]any{"type": "pages", "page": page, "per_page": per, "total_pages": (total + per - 1) / per}
	if page*per < total {
		pages["next"] = map[string]any{"page": page + 1}
	}
	return map[string]any{"type": "list", "data": data, "total_count": total, "pages": pages}
}

func (s *Server) httpUpsertCompany(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.upsertCompany(body)
	if e != nil {
		return nil, e
	}
	return s.renderCompany(co), nil
}

func (s *Server) listCompaniesPaged(r *http.Request, desc bool) (any, *apiError) {
	page, e := queryInt(r, "page", 1)
	if e != nil {
		return nil, e
	}
	per, e := perPage(r.URL.Query().Get("per_page"), 15)
	if e != nil {
		return nil, e
	}
	items, total := s.listedCompanyPage((page-1)*per, per, desc)
	return s.renderCompanyPage(items, page, per, total), nil
}

func (s *Server) httpListCompanies(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if cid, name := q.Get("company_id"), q.Get("name"); cid != "" || name != "" {
		if cid != "" {
			if co := s.companyByCompanyID(cid); co != nil {
				return s.renderCompanyPage([]*company{co}, 1, 15, 1), nil
			}
			return nil, errorf(http.StatusNotFound, "company_not_found", "Company Not Found")
		}
		for _, co := range s.companyList {
			if !co.deleted && co.Name == name {
				return s.renderCompanyPage([]*company{co}, 1, 15, 1), nil
			}
		}
		return nil, errorf(http.StatusNotFound, "company_not_found", "Company Not Found")
	}
	return s.listCompaniesPaged(r, true)
}

func (s *Server) httpListCompaniesPost(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listCompaniesPaged(r, r.URL.Query().Get("order") != "asc")
}

func (s *Server) httpScrollCompanies(r *http.Request) (any, *apiError) {
	param := r.URL.Query().Get("scroll_param")
	s.mu.Lock()
	defer s.mu.Unlock()
	start := 0
	if param != "" {
		c, e := decodeCursor(param)
		if e != nil {
			return nil, errInvalid("scroll_param", "scroll_param is invalid or expired")
		}
		start = c.Page
	}
	items, total := s.listedCompanyPage(start, 50, false)
	start = min(start, total)
	end := start + len(items)
	page := s.renderCompanyPage(items, start/50+1, 50, total)
	page["scroll_param"] = encodeCursor(pageCursor{Page: max(end, 1)})
	delete(page, "pages")
	return page, nil
}

func (s *Server) httpGetCompany(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	return s.renderCompany(co), nil
}

func (s *Server) httpUpdateCompany(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	if e := s.updateCompany(co, body); e != nil {
		return nil, e
	}
	return s.renderCompany(co), nil
}

func (s *Server) httpDeleteCompany(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	co.deleted = true
	co.members = nil
	for _, c := range s.contactList {
		if i := slices.Index(c.CompanyIDs, co.ID); i >= 0 {
			c.CompanyIDs = slices.Delete(c.CompanyIDs, i, i+1)
		}
	}
	s.emit("company.deleted", map[string]any{"type": "company", "id": co.ID, "company_id": co.CompanyID})
	return map[string]any{"id": co.ID, "object": "company", "deleted": true}, nil
}

func (s *Server) httpCompanyContacts(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co, e := s.liveCompany(r.PathValue("id"))
	if e != nil {
		return nil, e
	}
	list := s.companyMembers(co)
	per, e := perPage(r.URL.Query().Get("per_page"), 50)
	if e != nil {
		return nil, e
	}
	p, e := paginate(list, func(c *contact) sortKey { return sortKey{Seq: c.seq} }, false, per, r.URL.Query().Get("starting_after"))
	if e != nil {
		return nil, e
	}
	return s.renderContactPage(p, s.version(r))
}
