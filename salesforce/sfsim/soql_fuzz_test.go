package sfsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var soqlErrorCodes = map[string]bool{"MALFORMED_QUERY": true, "INVALID_FIELD": true, "INVALID_TYPE": true,
	"INVALID_QUERY_FILTER_OPERATOR": true, "NUMBER_OUTSIDE_VALID_RANGE": true}

// FuzzSOQL checks that any query text either runs and renders valid JSON or
// fails with a Salesforce-shaped 400 error; it never panics.
func FuzzSOQL(f *testing.F) {
	for _, q := range []string{
		"SELECT Id, Name, Email, Account.Name, Owner.Name FROM Contact WHERE Email = 'a@b.c' ORDER BY Name DESC NULLS LAST LIMIT 5 OFFSET 1",
		"SELECT COUNT() FROM Lead WHERE CreatedDate = LAST_N_DAYS:30",
		"SELECT Id, (SELECT Role FROM OpportunityContactRoles) FROM Contact WHERE (Email LIKE '%\\_x%' OR Email IN ('a','b')) AND AccountId != null",
		"SELECT Id FROM Account WHERE NumberOfEmployees >= 10.5 AND Tags__c INCLUDES ('A;B') AND SystemModstamp > 2024-05-01T00:00:00+02:00",
		"SELECT Id FROM Task WHERE Who.Type = 'Lead' AND NOT Subject = null",
		"select id from opportunity where closedate < 2024-01-01 and isclosed = false",
		"SELECT COUNT(Id) FROM Case",
		"SELECT Id FROM Contact WHERE Id = '003000000000000'",
		"SELECT", "FROM", "(", "'", "\\", "SELECT Id FROM Contact WHERE Email = 'x\\u00e9'",
	} {
		f.Add(q)
	}
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	s := New(Options{Now: func() time.Time { return now }, CustomFields: map[string][]FieldSpec{
		"Account": {{Name: "Tags__c", Type: "multipicklist", Picklist: []string{"A", "B"}}}}})
	s.Seed(SeedOptions{Seed: 1, Accounts: 3, Contacts: 6, Leads: 3, Opportunities: 2, Cases: 2, Users: 1})
	req := &apiReq{base: testBase}
	f.Fuzz(func(t *testing.T, q string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		cq, err := s.compileSOQL(q)
		if err != nil {
			if err.Status != 400 || !soqlErrorCodes[err.Code] || err.Message == "" {
				t.Fatalf("query %q: unexpected error shape %+v", q, err)
			}
			body := errorBody(err)
			if !json.Valid(body) {
				t.Fatalf("query %q: invalid error JSON %s", q, body)
			}
			return
		}
		rows := s.run(cq, strings.Contains(q, "ALL"))
		page := s.page(req, &cursor{cq: cq, rows: rows, batch: 2000}, 0)
		if !json.Valid(page) {
			t.Fatalf("query %q: invalid JSON %s", q, page)
		}
	})
}
