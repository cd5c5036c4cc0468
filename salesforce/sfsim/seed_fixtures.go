package sfsim

import (
	"strings"
	"time"
)

// Teammates both simulators' Seed create: the Intercom simulator seeds
// admins with these emails, so owner and teammate matching by email finds
// them in Salesforce.
var seedTeammates = []struct{ first, last, email string }{
	{"Operator", "Desk", "operator@tandem.example"},
	{"Priya", "Natarajan", "priya.natarajan@support.example"},
	{"Marco", "Rossi", "marco.rossi@support.example"},
}

// Emails of the fixture contacts Seed creates; the Intercom simulator's
// Seed creates users with the same emails.
const (
	// SeedSingleOpportunityEmail is the Contact with exactly one open
	// Opportunity contact role (and one on a closed Opportunity), an open
	// and a closed Case.
	SeedSingleOpportunityEmail = "nora.single@northwind.example"
	// SeedTwoOpportunitiesEmail is the Contact with two open Opportunity
	// contact roles and no Case.
	SeedTwoOpportunitiesEmail = "theo.double@northwind.example"
	// SeedFixtureAccountNumber is the AccountNumber of their Account,
	// Northwind Traders (the company_id of the Intercom company).
	SeedFixtureAccountNumber = "NW-001"
)

// seedFixtures adds the well-known records of SeedResult's fixture fields.
// Callers hold s.mu.
func (s *Server) seedFixtures(res *SeedResult, now time.Time) {
	ins := func(obj string, f map[string]any) string {
		r, e := s.insert(s.objects[strings.ToLower(obj)], f, writeCtx{user: s.defaultUser, ui: true})
		if e != nil {
			panic("sfsim: seed fixture " + obj + ": " + e.Error())
		}
		return r.id
	}
	for _, tm := range seedTeammates {
		id := ins("User", map[string]any{"FirstName": tm.first, "LastName": tm.last, "Email": tm.email, "Username": tm.email,
			"IsActive": true, "Alias": strings.ToLower(tm.first[:1] + tm.last[:3]), "Title": "Support Engineer"})
		res.TeammateUserIDs = append(res.TeammateUserIDs, id)
	}
	owner := res.TeammateUserIDs[1]
	res.BillingRecordTypeID = ins("RecordType", map[string]any{"Name": "Billing", "DeveloperName": "Billing", "SobjectType": "Case",
		"IsActive": true, "Description": "Invoices, refunds and plan changes"})
	acct := ins("Account", map[string]any{"Name": "Northwind Traders", "AccountNumber": SeedFixtureAccountNumber,
		"Website": "https://northwind.example", "Industry": "Retail", "BillingCountry": "United Kingdom", "OwnerId": owner})
	res.FixtureAccountID = acct
	nora := ins("Contact", map[string]any{"FirstName": "Nora", "LastName": "Single", "Email": SeedSingleOpportunityEmail,
		"AccountId": acct, "Title": "Head of Operations", "OwnerId": owner})
	theo := ins("Contact", map[string]any{"FirstName": "Theo", "LastName": "Double", "Email": SeedTwoOpportunitiesEmail,
		"AccountId": acct, "Title": "CTO", "OwnerId": owner})
	res.SingleOpportunityContactID, res.TwoOpportunitiesContactID = nora, theo
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	opp := func(name, stage string, close time.Time, amount float64) string {
		id := ins("Opportunity", map[string]any{"Name": name, "AccountId": acct, "StageName": stage, "CloseDate": close,
			"Amount": amount, "OwnerId": owner})
		res.FixtureOpportunityIDs = append(res.FixtureOpportunityIDs, id)
		return id
	}
	expansion := opp("Northwind platform expansion", "Proposal/Price Quote", day(30), 48000)
	addOn := opp("Northwind support add-on", "Qualification", day(60), 9600)
	pilot := opp("Northwind pilot", "Closed Won", day(-90), 12000)
	role := func(oppID, contact, r string, primary bool) {
		ins("OpportunityContactRole", map[string]any{"OpportunityId": oppID, "ContactId": contact, "Role": r, "IsPrimary": primary})
	}
	role(expansion, nora, "Decision Maker", true)
	role(pilot, nora, "Evaluator", true)
	role(expansion, theo, "Technical Buyer", false)
	role(addOn, theo, "Economic Buyer", true)
	res.FixtureCaseIDs = append(res.FixtureCaseIDs,
		ins("Case", map[string]any{"Subject": "Invoice shows the wrong VAT rate", "ContactId": nora, "Origin": "Email",
			"Priority": "High", "Status": "Working", "RecordTypeId": res.BillingRecordTypeID, "OwnerId": owner}),
		ins("Case", map[string]any{"Subject": "Cannot invite a teammate", "ContactId": nora, "Origin": "Web",
			"Status": "Closed", "OwnerId": owner}))
}
