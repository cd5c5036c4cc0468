package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// The demo data set: a small B2B SaaS with customers in both systems. Most
// people and companies exist on both sides (matched by email and by
// company_id ↔ AccountNumber), some only on one; a few mapped values differ
// so the first sync has something to do.
//
// Each half is seeded on its own (SeedDemoIntercom, SeedDemoSalesforce)
// from the same fixed tables, so two simulators seeded separately, even in
// different processes, overlap exactly as the demo's do. Nothing depends on
// the clock or on chance: the same calls on fresh simulators give the same
// records and ids every time.

var demoAdmins = []struct{ name, email string }{
	{"Priya Natarajan", "priya@tandem-demo.com"}, {"Marco Rossi", "marco@tandem-demo.com"}, {"Lena Vogel", "lena@tandem-demo.com"},
}

var demoCompanies = []struct {
	id, name, industry, domain string
	spend                      int64
	inSalesforce               bool
}{
	{"acme-analytics", "Acme Analytics", "Technology", "acme-analytics.com", 4200, true},
	{"birch-logistics", "Birch Logistics", "Transportation", "birchlogistics.io", 1800, true},
	{"corvid-health", "Corvid Health", "Healthcare", "corvidhealth.com", 9600, true},
	{"dunmore-foods", "Dunmore Foods", "Food & Beverage", "dunmorefoods.co", 650, true},
	{"eastlake-energy", "Eastlake Energy", "Energy", "eastlake-energy.com", 12500, true},
	{"fjord-finance", "Fjord Finance", "Finance", "fjordfinance.no", 3100, true},
	{"gully-games", "Gully Games", "Entertainment", "gullygames.gg", 240, false},
	{"harbor-hotels", "Harbor Hotels", "Hospitality", "harborhotels.com", 780, false},
}

// demoSalesforceOnlyAccounts have no AccountNumber and no Intercom company.
var demoSalesforceOnlyAccounts = []string{"Iverson Instruments", "Juniper Labs"}

var demoFirst = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances",
	"Edsger", "Radia", "Donald", "Hedy", "John", "Sophie", "Tim", "Shafi", "Leslie", "Anita", "Niklaus", "Evelyn", "Guido",
	"Jean", "Bjarne", "Mary", "Claude", "Adele", "Vint", "Joan"}
var demoLast = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
	"Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "McCarthy", "Wilson", "Berners-Lee", "Goldwasser", "Lamport", "Borg",
	"Wirth", "Boyd", "van Rossum", "Sammet", "Stroustrup", "Keller", "Shannon", "Goldberg", "Cerf", "Clarke"}
var demoTitles = []string{"VP Engineering", "Head of Support", "CTO", "Operations Manager", "Product Lead", "Data Analyst"}
var demoPlans = []string{"starter", "growth", "enterprise"}

// demoAttributes are the data attributes the demo's mappings name: the
// contact attributes of the people mappings and the conversation attribute
// of the Case mapping.
var demoAttributes = [][3]string{{"contact", "plan", "string"}, {"contact", "job_title", "string"}, {"contact", "sf_lead_status", "string"},
	{"conversation", "product_area", "string"}}

// demoSize is a company's Intercom size.
func demoSize(spend int64) int64 { return 20 + spend/10 }

// demoPerson is one person of the data set, as each side knows them.
type demoPerson struct {
	// intercom is the Intercom contact, nil when the person is only in
	// Salesforce. Its CompanyIDs hold company_id values, which the
	// Intercom half turns into Intercom ids.
	intercom *intercomsim.ContactSeed
	// owner indexes demoAdmins: the Intercom owner.
	owner int
	// sobject and salesforce are the Salesforce record ("Contact" or
	// "Lead"), nil when the person is only in Intercom. A Contact's
	// AccountId holds the company_id of its Account, which the Salesforce
	// half turns into the Account's id.
	sobject    string
	salesforce map[string]any
}

// demoPeople returns the people of the data set in creation order.
func demoPeople() []demoPerson {
	var out []demoPerson
	// Users ↔ Contacts.
	for i := 0; i < 20; i++ {
		first, last := demoFirst[i], demoLast[i]
		c := demoCompanies[i%len(demoCompanies)]
		email := strings.ToLower(strings.ReplaceAll(first+"."+last, " ", "")) + "@" + c.domain
		phone := fmt.Sprintf("+1 415 555 %04d", 100+i)
		plan := demoPlans[i%3]
		p := demoPerson{owner: i % 3, intercom: &intercomsim.ContactSeed{Role: "user", Email: email, Name: first + " " + last,
			Phone: phone, CompanyIDs: []string{c.id}, CustomAttributes: map[string]any{"plan": plan}}}
		if i%4 != 3 && c.inSalesforce { // the others are only in Intercom
			p.sobject = "Contact"
			p.salesforce = map[string]any{"FirstName": first, "LastName": last, "Email": email, "Title": demoTitles[i%len(demoTitles)],
				"AccountId": c.id, "Plan__c": plan, "Phone": phone}
			if i%5 == 0 {
				p.salesforce["Phone"] = "+1 415 555 0000" // stale: Intercom owns phone and will correct it
			}
		}
		out = append(out, p)
	}
	for i := 20; i < 23; i++ { // only in Salesforce
		out = append(out, demoPerson{sobject: "Contact", salesforce: map[string]any{"FirstName": demoFirst[i], "LastName": demoLast[i],
			"Email": strings.ToLower(demoFirst[i]) + "@example.org", "Title": "Buyer"}})
	}

	// Leads ↔ Leads.
	statuses := []string{"Open - Not Contacted", "Working - Contacted", "Open - Not Contacted"}
	for i := 0; i < 10; i++ {
		first, last := demoFirst[(i+7)%len(demoFirst)], demoLast[(i+13)%len(demoLast)]
		email := fmt.Sprintf("%s.%s@prospect%d.example.com", strings.ToLower(first), strings.ToLower(strings.ReplaceAll(last, " ", "")), i)
		p := demoPerson{owner: i % 3, intercom: &intercomsim.ContactSeed{Role: "lead", Email: email, Name: first + " " + last,
			Phone: fmt.Sprintf("+44 20 7946 %04d", 300+i), CustomAttributes: map[string]any{"plan": "trial"}}}
		if i < 7 { // the others are only in Intercom: candidates for Create Lead
			p.sobject = "Lead"
			p.salesforce = map[string]any{"FirstName": first, "LastName": last, "Email": email,
				"Company": fmt.Sprintf("Prospect %d Ltd", i), "Status": statuses[i%3], "Title": demoTitles[(i+2)%len(demoTitles)]}
		}
		out = append(out, p)
	}
	for i := 0; i < 2; i++ { // only in Salesforce
		out = append(out, demoPerson{sobject: "Lead", salesforce: map[string]any{"LastName": demoLast[25+i], "Company": "Walk-in Co",
			"Email": fmt.Sprintf("walkin%d@example.net", i)}})
	}
	return out
}

// SeedDemoIntercom fills a freshly created Intercom simulator with the
// Intercom half of the demo data set: the demo's data attributes (contact
// plan, job_title, sf_lead_status), three admins, eight companies and
// thirty contacts (users on those companies, and leads). It fails on a
// simulator that already holds any of them.
func SeedDemoIntercom(ic *intercomsim.Server) error {
	if err := defineDemoAttributes(ic); err != nil {
		return err
	}
	var adminIDs []string
	for _, a := range demoAdmins {
		adminIDs = append(adminIDs, ic.AddAdmin(a.name, a.email))
	}
	companyIDs := map[string]string{}
	for i, c := range demoCompanies {
		id := ic.UpsertCompany(intercomsim.CompanySeed{CompanyID: c.id, Name: c.name, Website: "https://" + c.domain,
			MonthlySpend: c.spend, Size: demoSize(c.spend), Plan: demoPlans[i%3]})
		if id == "" {
			return fmt.Errorf("company %s: rejected", c.id)
		}
		companyIDs[c.id] = id
	}
	for _, p := range demoPeople() {
		if p.intercom == nil {
			continue
		}
		seed := *p.intercom
		seed.OwnerID = adminIDs[p.owner]
		seed.CompanyIDs = nil
		for _, cid := range p.intercom.CompanyIDs {
			seed.CompanyIDs = append(seed.CompanyIDs, companyIDs[cid])
		}
		if _, err := ic.CreateContact(seed); err != nil {
			return fmt.Errorf("%s %s: %w", seed.Role, seed.Email, err)
		}
	}
	return nil
}

// defineDemoAttributes defines the contact data attributes the demo's
// mappings name.
func defineDemoAttributes(ic *intercomsim.Server) error {
	for _, a := range demoAttributes {
		if err := ic.DefineDataAttribute(a[0], a[1], a[2]); err != nil {
			return fmt.Errorf("define Intercom data attribute %s: %w", a[1], err)
		}
	}
	return nil
}

// SeedDemoSalesforce fills a freshly created Salesforce simulator with the
// Salesforce half of the demo data set: users for the three Intercom
// admins (same emails), eight Accounts (six with an AccountNumber equal to
// an Intercom company_id; NumberOfEmployees empty, different from or equal
// to the company's size), Contacts on them and Leads. The simulator needs
// the custom field Plan__c on Contact and Lead, as sfsim.DefaultCustomFields
// declares it.
func SeedDemoSalesforce(sf *sfsim.Server) error {
	for _, a := range demoAdmins {
		sf.AddUser(a.name, a.email)
	}
	accountIDs := map[string]string{}
	for i, c := range demoCompanies {
		if !c.inSalesforce {
			continue
		}
		account := map[string]any{"Name": c.name, "AccountNumber": c.id, "Industry": c.industry,
			"Website": c.domain, "AnnualRevenue": float64(c.spend * 120)}
		switch size := demoSize(c.spend); i % 3 {
		case 0: // empty in Salesforce: the first sync fills it
		case 1: // Salesforce knows better: kept at first link, shown in the plan
			account["NumberOfEmployees"] = size + 7
		default:
			account["NumberOfEmployees"] = size
		}
		id, err := sf.Insert("Account", account)
		if err != nil {
			return fmt.Errorf("account %s: %w", c.name, err)
		}
		accountIDs[c.id] = id
	}
	for _, name := range demoSalesforceOnlyAccounts {
		if _, err := sf.Insert("Account", map[string]any{"Name": name, "Industry": "Manufacturing"}); err != nil {
			return fmt.Errorf("account %s: %w", name, err)
		}
	}
	contactIDs := map[string]contactRef{}
	for _, p := range demoPeople() {
		if p.salesforce == nil {
			continue
		}
		rec := p.salesforce
		if cid, ok := rec["AccountId"].(string); ok {
			rec["AccountId"] = accountIDs[cid]
		}
		id, err := sf.Insert(p.sobject, rec)
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.sobject, rec["Email"], err)
		}
		if p.sobject == "Contact" {
			contactIDs[strings.ToLower(fmt.Sprint(rec["Email"]))] = contactRef{id: id, account: fmt.Sprint(rec["AccountId"])}
		}
	}
	return seedDemoOpportunities(sf, contactIDs)
}

// contactRef is a seeded Contact and its Account.
type contactRef struct{ id, account string }

// demoOpportunities give the first demo Contact exactly one open
// Opportunity role and the second two, so a Task's relation to "the one
// open Opportunity" can be seen both ways; a closed one shows it is left
// out.
var demoOpportunities = []struct {
	email, name, stage string
	amount             float64
}{
	{"ada.lovelace@acme-analytics.com", "Acme Analytics — platform renewal", "Negotiation/Review", 48000},
	{"ada.lovelace@acme-analytics.com", "Acme Analytics — pilot (won)", "Closed Won", 6000},
	{"grace.hopper@birchlogistics.io", "Birch Logistics — fleet tracking", "Proposal/Price Quote", 36000},
	{"grace.hopper@birchlogistics.io", "Birch Logistics — EU expansion", "Qualification", 22000},
}

func seedDemoOpportunities(sf *sfsim.Server, contacts map[string]contactRef) error {
	for i, o := range demoOpportunities {
		c, ok := contacts[o.email]
		if !ok {
			return fmt.Errorf("demo opportunity %q: no Contact %s", o.name, o.email)
		}
		opp := map[string]any{"Name": o.name, "StageName": o.stage, "Amount": o.amount,
			"CloseDate": fmt.Sprintf("2027-0%d-15", 1+i%6)}
		if c.account != "" {
			opp["AccountId"] = c.account
		}
		oppID, err := sf.Insert("Opportunity", opp)
		if err != nil {
			return fmt.Errorf("opportunity %q: %w", o.name, err)
		}
		if _, err := sf.Insert("OpportunityContactRole", map[string]any{"OpportunityId": oppID, "ContactId": c.id,
			"Role": "Decision Maker", "IsPrimary": true}); err != nil {
			return fmt.Errorf("contact role on %q: %w", o.name, err)
		}
	}
	return nil
}

// seedDemo seeds both halves of the demo data set.
func seedDemo(ic *intercomsim.Server, sf *sfsim.Server) error {
	if err := SeedDemoIntercom(ic); err != nil {
		return err
	}
	return SeedDemoSalesforce(sf)
}

// SeedSimulator seeds one standalone simulator, kind "intercom" (ic) or
// "salesforce" (sf; the other server may be nil), with a named data set:
//
//   - "demo": that simulator's half of the demo data set (SeedDemoIntercom,
//     SeedDemoSalesforce), so an Intercom and a Salesforce simulator
//     seeded separately overlap in people (by email) and companies
//     (company_id ↔ AccountNumber) exactly as in tandem demo;
//   - an integer N: the simulator's own generated data set with seed N
//     (intercomsim Seed, sfsim Seed);
//   - "" or "none": nothing, an empty workspace or org.
//
// The server must be freshly created; a Salesforce simulator needs
// sfsim.DefaultCustomFields. Any other kind or seed is an error that names
// the accepted values.
func SeedSimulator(kind string, ic *intercomsim.Server, sf *sfsim.Server, seed string) error {
	switch kind {
	case "intercom":
		if ic == nil {
			return errors.New("seed the Intercom simulator: no Intercom simulator given")
		}
	case "salesforce":
		if sf == nil {
			return errors.New("seed the Salesforce simulator: no Salesforce simulator given")
		}
	default:
		return fmt.Errorf("unknown simulator %q (have intercom, salesforce)", kind)
	}
	switch seed {
	case "", "none":
		return nil
	case "demo":
		if kind == "intercom" {
			return SeedDemoIntercom(ic)
		}
		return SeedDemoSalesforce(sf)
	}
	n, err := strconv.ParseInt(seed, 10, 64)
	if err != nil {
		return fmt.Errorf("unknown seed %q (have demo, none, or an integer for generated data)", seed)
	}
	if kind == "intercom" {
		ic.Seed(intercomsim.SeedOptions{Seed: n})
	} else {
		sf.Seed(sfsim.SeedOptions{Seed: n})
	}
	return nil
}
