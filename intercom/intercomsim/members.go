package intercomsim

import "slices"

// addMember records that the live contact c is attached to co. Callers
// hold s.mu.
func addMember(co *company, c *contact) {
	if co.members == nil {
		co.members = map[*contact]struct{}{}
	}
	co.members[c] = struct{}{}
}

// linkCompanies adds c to the member sets of the companies it is attached
// to, when c is live. Callers hold s.mu.
func (s *Server) linkCompanies(c *contact) {
	if c.deleted || c.MergedInto != "" {
		return
	}
	for _, id := range c.CompanyIDs {
		if co := s.companies[id]; co != nil && !co.deleted {
			addMember(co, c)
		}
	}
}

// unlinkCompanies removes c from the member sets of its companies, before
// c stops being live. Callers hold s.mu.
func (s *Server) unlinkCompanies(c *contact) {
	for _, id := range c.CompanyIDs {
		if co := s.companies[id]; co != nil {
			delete(co.members, c)
		}
	}
}

// detachMember drops c from co's members once c no longer lists co.
// Callers hold s.mu.
func detachMember(co *company, c *contact) {
	if !slices.Contains(c.CompanyIDs, co.ID) {
		delete(co.members, c)
	}
}

// userCount is the number of live contacts attached to co. Callers hold
// s.mu.
func (s *Server) userCount(co *company) int { return len(co.members) }

// companyMembers returns co's live contacts in creation order. Callers
// hold s.mu.
func (s *Server) companyMembers(co *company) []*contact {
	out := make([]*contact, 0, len(co.members))
	for c := range co.members {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *contact) int { return a.seq - b.seq })
	return out
}
