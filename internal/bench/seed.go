package bench

import (
	"fmt"
	"math"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// Seeded is what a run put into the simulators before the sync, and so what
// the sync is expected to do.
type Seeded struct {
	// Pairs per object ("Contact", "Account", "Lead").
	Pairs map[string]int `json:"pairs"`
	// ToSalesforce and ToIntercom count, per object, the pairs whose
	// Intercom-owned (resp. Salesforce-owned) fields differ: each needs
	// exactly one Salesforce (resp. Intercom) write.
	ToSalesforce map[string]int `json:"to_salesforce"`
	ToIntercom   map[string]int `json:"to_intercom"`
	// IntercomOnly and SalesforceOnly are people without a match on the
	// other side.
	IntercomOnly   int `json:"intercom_only"`
	SalesforceOnly int `json:"salesforce_only"`
	// SalesforceRecords is how many Salesforce records the sync reads
	// (every Account, Contact and unconverted Lead).
	SalesforceRecords int `json:"salesforce_records"`
}

// ChangedSalesforce is the number of pairs that need a Salesforce write.
func (s Seeded) ChangedSalesforce() int { return sum(s.ToSalesforce) }

// ChangedIntercom is the number of pairs that need an Intercom write.
func (s Seeded) ChangedIntercom() int { return sum(s.ToIntercom) }

// Changed is the number of pairs out of sync.
func (s Seeded) Changed() int { return s.ChangedSalesforce() + s.ChangedIntercom() }

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// drift decides which pairs are out of sync: spread evenly over the ids at
// the given fraction, alternating between the two directions.
type drift struct {
	frac float64
	k    int
}

// next reports whether pair i is out of sync, and if so whether Intercom's
// side is the newer one (a Salesforce write).
func (d *drift) next(i int) (stale, toSalesforce bool) {
	if math.Floor(float64(i+1)*d.frac) == math.Floor(float64(i)*d.frac) {
		return false, false
	}
	d.k++
	return true, d.k%2 == 1
}

// seed fills both simulators through their state handles, which bypass HTTP,
// latency, rate limits and call counting.
func seed(ic *intercomsim.Server, sf *sfsim.Server, o Options) (Seeded, error) {
	nAcc, nLead := o.Pairs/10, o.Pairs/20
	if o.MaxAccounts > 0 {
		nAcc = min(nAcc, o.MaxAccounts)
	}
	nCon := o.Pairs - nAcc - nLead
	s := Seeded{
		Pairs:        map[string]int{"Contact": nCon, "Account": nAcc, "Lead": nLead},
		ToSalesforce: map[string]int{}, ToIntercom: map[string]int{},
	}
	note := func(obj tandem.Object, stale, toSF bool) {
		switch {
		case !stale:
		case toSF:
			s.ToSalesforce[obj.SObject()]++
		default:
			s.ToIntercom[obj.SObject()]++
		}
	}

	// Intercom lists only companies with at least one user, so every
	// company gets users: user i belongs to company i mod nAcc.
	companyIDs := make([]string, nAcc)
	d := &drift{frac: o.OutOfSync}
	for i := range nAcc {
		stale, toSF := d.next(i)
		note(tandem.ObjectAccount, stale, toSF)
		cid, size := fmt.Sprintf("co-%07d", i), int64(100+i%5000)
		companyIDs[i] = ic.UpsertCompany(intercomsim.CompanySeed{CompanyID: cid, Name: "Company " + cid, Size: size,
			Industry: "Technology"})
		if companyIDs[i] == "" {
			return s, fmt.Errorf("seed Intercom company %s", cid)
		}
		employees, industry := size, "Technology"
		if stale && toSF {
			employees++
		} else if stale {
			industry = "Retail"
		}
		if _, err := sf.Insert("Account", map[string]any{"Name": "Company " + cid, "AccountNumber": cid,
			"NumberOfEmployees": employees, "Industry": industry}); err != nil {
			return s, fmt.Errorf("seed Account %s: %w", cid, err)
		}
	}

	d = &drift{frac: o.OutOfSync}
	for i := range nCon {
		stale, toSF := d.next(i)
		note(tandem.ObjectContact, stale, toSF)
		email, phone := fmt.Sprintf("user%07d@bench.example", i), fmt.Sprintf("+1 555 %07d", i)
		var companies []string
		if nAcc > 0 {
			companies = []string{companyIDs[i%nAcc]}
		}
		if _, err := ic.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Phone: phone, CompanyIDs: companies,
			CustomAttributes: map[string]any{"plan": "growth", "job_title": "Engineer"}}); err != nil {
			return s, fmt.Errorf("seed Intercom user %s: %w", email, err)
		}
		sfPhone, title := phone, "Engineer"
		if stale && toSF {
			sfPhone = "+1 000 0000000"
		} else if stale {
			title = "Director"
		}
		if _, err := sf.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("User %d", i), "Email": email,
			"Phone": sfPhone, "Title": title, "Plan__c": "growth"}); err != nil {
			return s, fmt.Errorf("seed Contact %s: %w", email, err)
		}
	}

	d = &drift{frac: o.OutOfSync}
	const status = "Open - Not Contacted"
	for i := range nLead {
		stale, toSF := d.next(i)
		note(tandem.ObjectLead, stale, toSF)
		email, phone := fmt.Sprintf("lead%07d@bench.example", i), fmt.Sprintf("+44 20 %07d", i)
		if _, err := ic.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email, Phone: phone,
			CustomAttributes: map[string]any{"plan": "trial", "job_title": "Buyer", "sf_lead_status": status}}); err != nil {
			return s, fmt.Errorf("seed Intercom lead %s: %w", email, err)
		}
		sfPhone, title := phone, "Buyer"
		if stale && toSF {
			sfPhone = "+44 20 0000000"
		} else if stale {
			title = "Manager"
		}
		if _, err := sf.Insert("Lead", map[string]any{"LastName": fmt.Sprintf("Lead %d", i), "Company": "Prospect",
			"Email": email, "Phone": sfPhone, "Title": title, "Status": status, "Plan__c": "trial"}); err != nil {
			return s, fmt.Errorf("seed Lead %s: %w", email, err)
		}
	}

	unlinked := int(math.Round(float64(o.Pairs) * o.Unlinked))
	for i := range unlinked {
		email := fmt.Sprintf("iconly%07d@bench.example", i)
		if _, err := ic.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email,
			CustomAttributes: map[string]any{"plan": "starter"}}); err != nil {
			return s, fmt.Errorf("seed Intercom user %s: %w", email, err)
		}
		email = fmt.Sprintf("sfonly%07d@bench.example", i)
		if _, err := sf.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("Only %d", i), "Email": email}); err != nil {
			return s, fmt.Errorf("seed Contact %s: %w", email, err)
		}
	}
	s.IntercomOnly, s.SalesforceOnly = unlinked, unlinked
	s.SalesforceRecords = o.Pairs + unlinked
	return s, nil
}
