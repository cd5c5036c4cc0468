package intercomsim

// SeedFixtures adds only the fixtures Seed adds after its generated data
// (the Northwind Traders company, Nora Single and Theo Double with an open
// conversation each), owned by the workspace's second admin when there is
// one; the generated fields of the result are empty.
func (s *Server) SeedFixtures() SeedResult {
	var res SeedResult
	s.mu.Lock()
	for _, a := range s.admins {
		res.AdminIDs = append(res.AdminIDs, a.ID)
	}
	s.mu.Unlock()
	s.seedFixtures(&res)
	res.AdminIDs = nil
	return res
}
