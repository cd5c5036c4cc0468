package sfsim

// SeedFixtures adds only the fixtures Seed adds after its generated data
// (teammate users, the Billing Case record type, Northwind Traders with
// its two contacts, their Opportunities and Cases), for a data set of its
// own that wants them; the generated fields of the result are empty.
func (s *Server) SeedFixtures() SeedResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res SeedResult
	s.seedFixtures(&res, s.now())
	return res
}
