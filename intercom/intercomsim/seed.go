package intercomsim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// SeedOptions sizes the generated workspace. Zero counts take defaults.
type SeedOptions struct {
	Seed          int64
	Admins        int // default 3
	Companies     int // default 10
	Users         int // default 40
	Leads         int // default 15
	Conversations int // default 20
	PartsPerConv  int // default 4
}

// SeedResult lists the ids of what Seed created.
type SeedResult struct {
	AdminIDs        []string
	CompanyIDs      []string
	UserIDs         []string
	LeadIDs         []string
	ConversationIDs []string

	// Fixtures, the same for every seed, matching the Salesforce
	// simulator's seed fixtures by email and company_id: the Northwind
	// Traders company (company_id NW-001) and its users Nora Single
	// (nora.single@northwind.example, one open Opportunity in Salesforce)
	// and Theo Double (theo.double@northwind.example, two), each with an
	// open conversation.
	FixtureCompanyID                       string
	NoraUserID, TheoUserID                 string
	NoraConversationID, TheoConversationID string
}

// seedAdmins are the first teammates Seed adds after the token's owner
// (operator@tandem.example); the Salesforce simulator's seed has users with
// the same emails.
var seedAdmins = [][2]string{{"Priya Natarajan", "priya.natarajan@support.example"}, {"Marco Rossi", "marco.rossi@support.example"}}

var (
	seedFirst = []string{"Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Ken", "Radia", "Tim", "Hedy", "Edsger", "Sophie", "John", "Mary"}
	seedLast  = []string{"Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Ritchie", "Allen", "Thompson", "Perlman", "Berners-Lee", "Lamarr", "Dijkstra", "Wilson", "Backus", "Kenyon"}
	seedCo    = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Aperture", "Massive Dynamic", "Oscorp"}
	seedInd   = []string{"Software", "Manufacturing", "Retail", "Finance", "Healthcare", "Education"}
	seedPlans = []string{"free", "starter", "pro", "enterprise"}
	seedTitle = []string{"CTO", "Engineer", "Office Manager", "Head of Support", "CEO", "Buyer"}
	seedLead  = []string{"Open - Not Contacted", "Working - Contacted", "Closed - Not Converted"}
	seedAsk   = []string{"How do I export my invoices?", "The login page shows an error.", "Can we upgrade to the annual plan?", "Webhook deliveries stopped yesterday.", "Please add a teammate to our account."}
)

// Seed fills the workspace with deterministic, realistic data: admins,
// companies with company_id, users with email and external_id, leads,
// conversations with parts and attributes, then the fixtures SeedResult
// describes. The custom data attributes the
// demo uses (contact plan, job_title, sf_lead_status; company industry) are
// defined first. The same seed gives the same data.
func (s *Server) Seed(o SeedOptions) SeedResult {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Admins, 3)
	def(&o.Companies, 10)
	def(&o.Users, 40)
	def(&o.Leads, 15)
	def(&o.Conversations, 20)
	def(&o.PartsPerConv, 4)
	rnd := rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x5eed))
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }

	for _, a := range [][3]string{{"contact", "plan", "string"}, {"contact", "job_title", "string"},
		{"contact", "sf_lead_status", "string"},
		{"conversation", "sf_case_number", "string"}, {"conversation", "product_area", "string"}} {
		_ = s.DefineDataAttribute(a[0], a[1], a[2])
	}
	var res SeedResult
	s.mu.Lock()
	res.AdminIDs = append(res.AdminIDs, s.admins[0].ID)
	s.mu.Unlock()
	for i := 1; i < o.Admins; i++ {
		if i <= len(seedAdmins) {
			res.AdminIDs = append(res.AdminIDs, s.AddAdmin(seedAdmins[i-1][0], seedAdmins[i-1][1]))
			continue
		}
		first, last := pick(seedFirst), pick(seedLast)
		res.AdminIDs = append(res.AdminIDs, s.AddAdmin(first+" "+last, fmt.Sprintf("%s.%s.%d@support.example", strings.ToLower(first), strings.ToLower(last), i)))
	}
	for i := 0; i < o.Companies; i++ {
		name := fmt.Sprintf("%s %d", pick(seedCo), i+1)
		id := s.UpsertCompany(CompanySeed{
			CompanyID: fmt.Sprintf("ACC-%05d", i+1), Name: name,
			Website:  "https://" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example",
			Industry: pick(seedInd), Size: int64(5 + rnd.IntN(500)), MonthlySpend: int64(rnd.IntN(5000)),
			Plan: pick(seedPlans),
		})
		res.CompanyIDs = append(res.CompanyIDs, id)
	}
	person := func(i int, role string) ContactSeed {
		first, last := pick(seedFirst), pick(seedLast)
		c := ContactSeed{Role: role, Name: first + " " + last,
			Email:            fmt.Sprintf("%s.%s.%d@%s.example", strings.ToLower(first), strings.ToLower(last), i, role),
			Phone:            fmt.Sprintf("+1555%07d", rnd.IntN(10_000_000)),
			CustomAttributes: map[string]any{"plan": pick(seedPlans), "job_title": pick(seedTitle)}}
		if len(res.AdminIDs) > 0 && rnd.IntN(2) == 0 {
			c.OwnerID = res.AdminIDs[rnd.IntN(len(res.AdminIDs))]
		}
		if role == "user" {
			c.ExternalID = fmt.Sprintf("usr_%05d", i+1)
			if len(res.CompanyIDs) > 0 {
				c.CompanyIDs = []string{res.CompanyIDs[i%len(res.CompanyIDs)]}
			}
		} else {
			c.CustomAttributes["sf_lead_status"] = pick(seedLead)
		}
		return c
	}
	for i := 0; i < o.Users; i++ {
		if id, err := s.CreateContact(person(i, "user")); err == nil {
			res.UserIDs = append(res.UserIDs, id)
		}
	}
	for i := 0; i < o.Leads; i++ {
		if id, err := s.CreateContact(person(i, "lead")); err == nil {
			res.LeadIDs = append(res.LeadIDs, id)
		}
	}
	people := append(append([]string{}, res.UserIDs...), res.LeadIDs...)
	for i := 0; i < o.Conversations && len(people) > 0; i++ {
		convID, err := s.CreateConversation(people[rnd.IntN(len(people))], pick(seedAsk))
		if err != nil {
			continue
		}
		res.ConversationIDs = append(res.ConversationIDs, convID)
		adminID := res.AdminIDs[rnd.IntN(len(res.AdminIDs))]
		_ = s.AssignConversation(convID, adminID, adminID)
		for p := 1; p < o.PartsPerConv; p++ {
			_ = s.ReplyAsAdmin(convID, adminID, fmt.Sprintf("Thanks, looking into it (%d).", p), p%3 == 0)
		}
		_ = s.SetConversationAttribute(convID, "product_area", pick([]string{"billing", "auth", "integrations"}))
		if rnd.IntN(3) == 0 {
			_ = s.CloseConversation(convID, adminID)
		}
	}
	s.seedFixtures(&res)
	return res
}

// seedFixtures adds the fixed records of SeedResult's fixture fields.
func (s *Server) seedFixtures(res *SeedResult) {
	res.FixtureCompanyID = s.UpsertCompany(CompanySeed{CompanyID: "NW-001", Name: "Northwind Traders",
		Website: "https://northwind.example", Industry: "Retail", Size: 240, MonthlySpend: 4000, Plan: "pro"})
	owner := res.AdminIDs[len(res.AdminIDs)-1]
	if len(res.AdminIDs) > 1 {
		owner = res.AdminIDs[1]
	}
	user := func(name, email, title string) string {
		id, err := s.CreateContact(ContactSeed{Role: "user", Name: name, Email: email, OwnerID: owner,
			CompanyIDs: []string{res.FixtureCompanyID}, CustomAttributes: map[string]any{"plan": "pro", "job_title": title}})
		if err != nil {
			panic("intercomsim: seed fixture " + email + ": " + err.Error())
		}
		return id
	}
	res.NoraUserID = user("Nora Single", "nora.single@northwind.example", "Head of Operations")
	res.TheoUserID = user("Theo Double", "theo.double@northwind.example", "CTO")
	res.NoraConversationID, _ = s.CreateConversation(res.NoraUserID, "Our last invoice shows the wrong VAT rate.")
	_ = s.AssignConversation(res.NoraConversationID, owner, owner)
	res.TheoConversationID, _ = s.CreateConversation(res.TheoUserID, "Can we add SSO to our plan?")
}
