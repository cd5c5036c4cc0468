package intercomsim

import "net/http"

// findAdmin returns the admin with id, or nil. Callers hold s.mu.
func (s *Server) findAdmin(id string) *admin {
	for _, a := range s.admins {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func renderAdmin(a *admin) map[string]any {
	return map[string]any{
		"type": "admin", "id": a.ID, "name": a.Name, "email": a.Email, "job_title": "",
		"away_mode_enabled": false, "away_mode_reassign": false, "away_status_reason_id": nil,
		"has_inbox_seat": true, "team_ids": []any{}, "avatar": nil,
	}
}

// AddAdmin adds a teammate and returns its id.
func (s *Server) AddAdmin(name, email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &admin{ID: s.ids.num(), Name: name, Email: email}
	s.admins = append(s.admins, a)
	return a.ID
}

// Admins returns every admin as the API renders it.
func (s *Server) Admins() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.admins))
	for _, a := range s.admins {
		out = append(out, renderAdmin(a))
	}
	return out
}

func (s *Server) httpMe(_ *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := renderAdmin(s.admins[0])
	m["avatar"] = map[string]any{"type": "avatar", "image_url": nil}
	m["email_verified"] = true
	m["app"] = map[string]any{
		"type": "app", "id_code": s.opts.WorkspaceID, "name": "tandem simulated workspace",
		"created_at": int64(1700000000), "secure": false, "identity_verification": false,
		"timezone": s.opts.Location.String(), "region": "US",
	}
	return m, nil
}

func (s *Server) httpListAdmins(_ *http.Request) (any, *apiError) {
	list := []any{}
	for _, a := range s.Admins() {
		list = append(list, a)
	}
	return map[string]any{"type": "admin.list", "admins": list}, nil
}

func (s *Server) httpGetAdmin(r *http.Request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.findAdmin(r.PathValue("id"))
	if a == nil {
		return nil, errorf(http.StatusNotFound, "admin_not_found", "Admin not found")
	}
	return renderAdmin(a), nil
}

func (s *Server) httpListTeams(_ *http.Request) (any, *apiError) {
	return map[string]any{"type": "team.list", "teams": []any{}}, nil
}
