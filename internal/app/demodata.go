package app

import (
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// The demo data set: a small B2B SaaS with customers in both systems. Most
// people and companies exist on both sides (matched by email and by
// company_id ↔ AccountNumber), some only on one; a few mapped values differ
// so the first sync has something to do.

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

var demoFirst = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances",
	"Edsger", "Radia", "Donald", "Hedy", "John", "Sophie", "Tim", "Shafi", "Leslie", "Anita", "Niklaus", "Evelyn", "Guido",
	"Jean", "Bjarne", "Mary", "Claude", "Adele", "Vint", "Joan"}
var demoLast = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
	"Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "McCarthy", "Wilson", "Berners-Lee", "Goldwasser", "Lamport", "Borg",
	"Wirth", "Boyd", "van Rossum", "Sammet", "Stroustrup", "Keller", "Shannon", "Goldberg", "Cerf", "Clarke"}
var demoTitles = []string{"VP Engineering", "Head of Support", "CTO", "Operations Manager", "Product Lead", "Data Analyst"}
var demoPlans = []string{"starter", "growth", "enterprise"}

func seedDemo(ic *intercomsim.Server, sf *sfsim.Server) error {
	admins := []struct{ name, email string }{
		{"Priya Natarajan", "priya@tandem-demo.com"}, {"Marco Rossi", "marco@tandem-demo.com"}, {"Lena Vogel", "lena@tandem-demo.com"},
	}
	var adminIDs []string
	for _, a := range admins {
		adminIDs = append(adminIDs, ic.AddAdmin(a.name, a.email))
		sf.AddUser(a.name, a.email)
	}

	companyIDs := map[string]string{}
	accountIDs := map[string]string{}
	for i, c := range demoCompanies {
		size := 20 + c.spend/10
		companyIDs[c.id] = ic.UpsertCompany(intercomsim.CompanySeed{CompanyID: c.id, Name: c.name, Website: "https://" + c.domain,
			MonthlySpend: c.spend, Size: size, Plan: demoPlans[i%3]})
		if c.inSalesforce {
			account := map[string]any{"Name": c.name, "AccountNumber": c.id, "Industry": c.industry,
				"Website": c.domain, "AnnualRevenue": float64(c.spend * 120)}
			switch i % 3 {
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
	}
	for _, name := range []string{"Iverson Instruments", "Juniper Labs"} { // only in Salesforce
		if _, err := sf.Insert("Account", map[string]any{"Name": name, "Industry": "Manufacturing"}); err != nil {
			return err
		}
	}

	// Users ↔ Contacts.
	for i := 0; i < 20; i++ {
		first, last := demoFirst[i], demoLast[i]
		c := demoCompanies[i%len(demoCompanies)]
		email := strings.ToLower(strings.ReplaceAll(first+"."+last, " ", "")) + "@" + c.domain
		phone := fmt.Sprintf("+1 415 555 %04d", 100+i)
		plan := demoPlans[i%3]
		if _, err := ic.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Name: first + " " + last,
			Phone: phone, OwnerID: adminIDs[i%3], CompanyIDs: []string{companyIDs[c.id]},
			CustomAttributes: map[string]any{"plan": plan}}); err != nil {
			return fmt.Errorf("user %s: %w", email, err)
		}
		if i%4 == 3 || !c.inSalesforce { // some people only in Intercom
			continue
		}
		rec := map[string]any{"FirstName": first, "LastName": last, "Email": email, "Title": demoTitles[i%len(demoTitles)],
			"AccountId": accountIDs[c.id], "Plan__c": plan, "Phone": phone}
		if i%5 == 0 {
			rec["Phone"] = "+1 415 555 0000" // stale: Intercom owns phone and will correct it
		}
		if _, err := sf.Insert("Contact", rec); err != nil {
			return fmt.Errorf("contact %s: %w", email, err)
		}
	}
	for i := 20; i < 23; i++ { // only in Salesforce
		if _, err := sf.Insert("Contact", map[string]any{"FirstName": demoFirst[i], "LastName": demoLast[i],
			"Email": strings.ToLower(demoFirst[i]) + "@example.org", "Title": "Buyer"}); err != nil {
			return err
		}
	}

	// Leads ↔ Leads.
	statuses := []string{"Open - Not Contacted", "Working - Contacted", "Open - Not Contacted"}
	for i := 0; i < 10; i++ {
		first, last := demoFirst[(i+7)%len(demoFirst)], demoLast[(i+13)%len(demoLast)]
		email := fmt.Sprintf("%s.%s@prospect%d.example.com", strings.ToLower(first), strings.ToLower(strings.ReplaceAll(last, " ", "")), i)
		if _, err := ic.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email, Name: first + " " + last,
			Phone: fmt.Sprintf("+44 20 7946 %04d", 300+i), OwnerID: adminIDs[i%3],
			CustomAttributes: map[string]any{"plan": "trial"}}); err != nil {
			return fmt.Errorf("lead %s: %w", email, err)
		}
		if i >= 7 { // only in Intercom: candidates for Create Lead
			continue
		}
		if _, err := sf.Insert("Lead", map[string]any{"FirstName": first, "LastName": last, "Email": email,
			"Company": fmt.Sprintf("Prospect %d Ltd", i), "Status": statuses[i%3], "Title": demoTitles[(i+2)%len(demoTitles)]}); err != nil {
			return fmt.Errorf("lead %s: %w", email, err)
		}
	}
	for i := 0; i < 2; i++ { // only in Salesforce
		if _, err := sf.Insert("Lead", map[string]any{"LastName": demoLast[25+i], "Company": "Walk-in Co", "Email": fmt.Sprintf("walkin%d@example.net", i)}); err != nil {
			return err
		}
	}
	return nil
}
