package sfsim

import (
	"fmt"
	"math/rand"
	"strings"
	"time"
)

// SeedOptions sizes the generated data. Zero counts take the defaults shown.
type SeedOptions struct {
	// Seed makes the data deterministic (same seed, same data).
	Seed int64
	// Users (default 5), Accounts (20), Contacts (60), Leads (40),
	// Opportunities (15, each with one or two contact roles) and Cases (20).
	Users, Accounts, Contacts, Leads, Opportunities, Cases int
	// Spread is how far back CreatedDate/SystemModstamp go (default 30 days).
	Spread time.Duration
}

// SeedResult lists the ids Seed created, in creation order.
type SeedResult struct {
	// The generated records (fixtures not included).
	UserIDs, AccountIDs, ContactIDs, LeadIDs, OpportunityIDs, ContactRoleIDs, CaseIDs []string

	// The fixtures Seed adds after the generated records, the same for every
	// seed. TeammateUserIDs are users whose emails match the Intercom
	// simulator's seeded admins (operator@tandem.example,
	// priya.natarajan@support.example, marco.rossi@support.example).
	TeammateUserIDs []string
	// BillingRecordTypeID is a second Case record type, next to Support.
	BillingRecordTypeID string
	// FixtureAccountID is Northwind Traders (AccountNumber NW-001).
	FixtureAccountID string
	// SingleOpportunityContactID (SeedSingleOpportunityEmail) has exactly
	// one open Opportunity contact role, one on a closed Opportunity, an
	// open Case and a closed Case.
	SingleOpportunityContactID string
	// TwoOpportunitiesContactID (SeedTwoOpportunitiesEmail) has two open
	// Opportunity contact roles.
	TwoOpportunitiesContactID string
	// FixtureOpportunityIDs: the open expansion (both contacts), the open
	// add-on (two-opportunities contact only) and the closed-won pilot.
	FixtureOpportunityIDs []string
	// FixtureCaseIDs: the single-opportunity contact's open and closed Case.
	FixtureCaseIDs []string
}

var firstNames = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances",
	"Edsger", "Radia", "John", "Hedy", "Tim", "Sophie", "Donald", "Anita", "Guido", "Joan", "Niklaus", "Mary", "Bjarne", "Evelyn"}
var lastNames = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
	"Allen", "Dijkstra", "Perlman", "Backus", "Lamarr", "Berners-Lee", "Wilson", "Knuth", "Borg", "van Rossum", "Clarke",
	"Wirth", "Keller", "Stroustrup", "Berezin"}
var companyWords = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Wonka", "Tyrell",
	"Cyberdyne", "Soylent", "Aperture", "Gringotts", "Oscorp", "Pied Piper", "Massive Dynamic", "Nakatomi", "Dunder", "Prestige"}
var companySuffixes = []string{"Inc", "Labs", "Corp", "GmbH", "Ltd", "Systems", "Group", "Analytics"}
var titles = []string{"CEO", "CTO", "VP Sales", "Head of Support", "Engineer", "Product Manager", "Buyer", "Operations Lead"}
var countries = []string{"United States", "United Kingdom", "Germany", "France", "Canada", "Australia", "Japan", "Brazil"}

func slug(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(" ", "", "-", "", "'", "").Replace(s)
	return s
}

// Seed generates realistic, deterministic data: users, accounts with
// AccountNumber, contacts on those accounts, leads (some sharing an email
// domain with an account), opportunities with contact roles, and cases.
// Record timestamps spread over the past opts.Spread. It then adds the
// fixtures SeedResult describes: teammate users, a Billing Case record type
// and the Northwind Traders account with two contacts whose open
// Opportunity roles the inbox panel and Task features are tested with.
func (s *Server) Seed(opts SeedOptions) SeedResult {
	def := func(n, d int) int {
		if n == 0 {
			return d
		}
		return n
	}
	opts.Users, opts.Accounts, opts.Contacts = def(opts.Users, 5), def(opts.Accounts, 20), def(opts.Contacts, 60)
	opts.Leads, opts.Opportunities, opts.Cases = def(opts.Leads, 40), def(opts.Opportunities, 15), def(opts.Cases, 20)
	if opts.Spread <= 0 {
		opts.Spread = 30 * 24 * time.Hour
	}
	rng := rand.New(rand.NewSource(opts.Seed))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	stamp := func() time.Time {
		return now.Add(-time.Duration(rng.Int63n(int64(opts.Spread)))).Truncate(time.Millisecond)
	}
	var res SeedResult
	ins := func(obj string, f map[string]any) string {
		t := stamp()
		f["CreatedDate"], f["LastModifiedDate"], f["SystemModstamp"] = t, t, t
		r, e := s.insert(s.objects[strings.ToLower(obj)], f, writeCtx{user: s.defaultUser, ui: true})
		if e != nil {
			panic(fmt.Sprintf("sfsim: seed %s: %v", obj, e))
		}
		return r.id
	}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }
	for i := range opts.Users {
		first, last := pick(firstNames), pick(lastNames)
		email := fmt.Sprintf("%s.%s%d@sfsim.example", slug(first), slug(last), i+1)
		res.UserIDs = append(res.UserIDs, ins("User", map[string]any{"FirstName": first, "LastName": last, "Email": email,
			"Username": email, "IsActive": true, "Alias": strings.ToLower(first[:1] + last[:min(3, len(last))]), "Title": "Account Executive"}))
	}
	owners := append([]string{s.defaultUser}, res.UserIDs...)
	type acct struct{ id, domain string }
	var accts []acct
	for i := range opts.Accounts {
		name := fmt.Sprintf("%s %s", companyWords[i%len(companyWords)], companySuffixes[(i/len(companyWords)+rng.Intn(2))%len(companySuffixes)])
		if i >= len(companyWords) {
			name = fmt.Sprintf("%s %d", name, i/len(companyWords)+1)
		}
		domain := slug(name) + ".example"
		id := ins("Account", map[string]any{"Name": name, "AccountNumber": fmt.Sprintf("ACC-%05d", i+1),
			"Website": "https://" + domain, "Industry": pick(industries), "Type": "Customer - Direct",
			"NumberOfEmployees": 10 + rng.Intn(5000), "AnnualRevenue": float64(100000 * (1 + rng.Intn(500))),
			"BillingCountry": pick(countries), "OwnerId": pick(owners)})
		accts = append(accts, acct{id, domain})
		res.AccountIDs = append(res.AccountIDs, id)
	}
	contactAcct := map[string]string{}
	for i := range opts.Contacts {
		first, last := pick(firstNames), pick(lastNames)
		f := map[string]any{"FirstName": first, "LastName": last, "Title": pick(titles), "OwnerId": pick(owners),
			"Phone": fmt.Sprintf("+1 555 %04d", rng.Intn(10000)), "LeadSource": pick(leadSources)}
		domain := "mail.example"
		if len(accts) > 0 {
			a := accts[i%len(accts)]
			f["AccountId"], domain = a.id, a.domain
		}
		f["Email"] = fmt.Sprintf("%s.%s%d@%s", slug(first), slug(last), i+1, domain)
		id := ins("Contact", f)
		contactAcct[id], _ = f["AccountId"].(string)
		res.ContactIDs = append(res.ContactIDs, id)
	}
	for i := range opts.Leads {
		first, last := pick(firstNames), pick(lastNames)
		company := fmt.Sprintf("%s %s", pick(companyWords), pick(companySuffixes))
		res.LeadIDs = append(res.LeadIDs, ins("Lead", map[string]any{"FirstName": first, "LastName": last, "Company": company,
			"Email": fmt.Sprintf("%s.%s.lead%d@%s.example", slug(first), slug(last), i+1, slug(company)), "Title": pick(titles),
			"LeadSource": pick(leadSources), "Status": leadStatuses[rng.Intn(2)], "Country": pick(countries), "OwnerId": pick(owners)}))
	}
	roles := []string{"Decision Maker", "Economic Buyer", "Evaluator", "Technical Buyer", "Influencer"}
	for i := range opts.Opportunities {
		if len(accts) == 0 {
			break
		}
		a := accts[i%len(accts)]
		stage := stages[rng.Intn(len(stages))]
		id := ins("Opportunity", map[string]any{"Name": fmt.Sprintf("%s renewal %d", strings.TrimSuffix(a.domain, ".example"), i+1),
			"AccountId": a.id, "StageName": stage, "CloseDate": now.AddDate(0, 0, rng.Intn(120)-30),
			"Amount": float64(1000 * (5 + rng.Intn(200))), "OwnerId": pick(owners)})
		res.OpportunityIDs = append(res.OpportunityIDs, id)
		n := 0
		for _, c := range res.ContactIDs {
			if contactAcct[c] == a.id && n < 2 {
				res.ContactRoleIDs = append(res.ContactRoleIDs, ins("OpportunityContactRole", map[string]any{
					"OpportunityId": id, "ContactId": c, "Role": roles[rng.Intn(len(roles))], "IsPrimary": n == 0}))
				n++
			}
		}
	}
	subjects := []string{"Cannot log in", "Invoice question", "Feature request: export", "Integration error", "Upgrade plan", "Data import failed"}
	for range opts.Cases {
		f := map[string]any{"Subject": pick(subjects), "Origin": pick([]string{"Phone", "Email", "Web"}),
			"Priority": pick([]string{"High", "Medium", "Low"}), "Status": pick([]string{"New", "Working", "Closed"}), "OwnerId": pick(owners)}
		if len(res.ContactIDs) > 0 {
			f["ContactId"] = res.ContactIDs[rng.Intn(len(res.ContactIDs))]
		}
		res.CaseIDs = append(res.CaseIDs, ins("Case", f))
	}
	s.seedFixtures(&res, now)
	return res
}
