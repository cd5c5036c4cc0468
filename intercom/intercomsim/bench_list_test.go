package intercomsim

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// benchSim returns a simulator holding companies companies and contacts
// contacts, each contact attached to one company round robin.
func benchSim(tb testing.TB, companies, contacts int) *Server {
	tb.Helper()
	sim := New(Options{Now: func() time.Time { return fixedNow }})
	ids := make([]string, companies)
	for i := range ids {
		ids[i] = sim.UpsertCompany(CompanySeed{CompanyID: fmt.Sprintf("ACC-%06d", i), Name: fmt.Sprintf("Co %d", i)})
	}
	for i := range contacts {
		var cos []string
		if companies > 0 {
			cos = []string{ids[i%companies]}
		}
		if _, err := sim.CreateContact(ContactSeed{Email: fmt.Sprintf("p%d@example.com", i), CompanyIDs: cos}); err != nil {
			tb.Fatal(err)
		}
	}
	return sim
}

// BenchmarkListContacts100k measures one page (150) of GET /contacts in
// the middle of 100,000 contacts, rendering included.
func BenchmarkListContacts100k(b *testing.B) {
	sim := benchSim(b, 0, 100_000)
	after := encodeCursor(pageCursor{Key: sortKey{Seq: 50_000}, Page: 333})
	r := httptest.NewRequest("GET", "/contacts?per_page=150&starting_after="+after, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, e := sim.httpListContacts(r)
		if e != nil || len(res.(map[string]any)["data"].([]any)) != 150 {
			b.Fatalf("list: %v", e)
		}
	}
}

// BenchmarkScrollCompanies10k measures one page of GET /companies/scroll
// in the middle of 10,000 companies sharing 100,000 contacts.
func BenchmarkScrollCompanies10k(b *testing.B) {
	sim := benchSim(b, 10_000, 100_000)
	r := httptest.NewRequest("GET", "/companies/scroll?scroll_param="+encodeCursor(pageCursor{Page: 5000}), nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, e := sim.httpScrollCompanies(r)
		if e != nil || len(res.(map[string]any)["data"].([]any)) != 50 {
			b.Fatalf("scroll: %v", e)
		}
	}
}

// BenchmarkListCompanies10k measures one page (50) of POST /companies/list
// in the middle of 10,000 companies sharing 100,000 contacts.
func BenchmarkListCompanies10k(b *testing.B) {
	sim := benchSim(b, 10_000, 100_000)
	r := httptest.NewRequest("POST", "/companies/list?page=100&per_page=50", strings.NewReader("{}"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, e := sim.httpListCompaniesPost(r)
		if e != nil || len(res.(map[string]any)["data"].([]any)) != 50 {
			b.Fatalf("list: %v", e)
		}
	}
}
