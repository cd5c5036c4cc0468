package crashtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// pair is one seeded person and the values the mapping directions must
// leave on both sides.
type pair struct {
	email, icID, sfID string
	phone, plan       string // Intercom owns these
	title             string // Salesforce owns this
}

// seedPairs creates n Contacts and n Intercom users with the same emails.
// Every third Contact has a stale phone, every fifth a stale plan, and every
// second Intercom user lacks its job_title, so a bulk sync has work on both
// sides.
func seedPairs(t *testing.T, sfURL, icURL string, n int) []pair {
	t.Helper()
	ps := make([]pair, n)
	recs := make([]map[string]any, n)
	for i := range ps {
		p := &ps[i]
		p.email = fmt.Sprintf("pair%06d@crash.example", i)
		p.phone, p.plan, p.title = fmt.Sprintf("+1 555 %06d", i), "growth", fmt.Sprintf("Title %d", i)
		if i%5 == 0 {
			p.plan = "enterprise"
		}
		sfPhone, sfPlan := p.phone, p.plan
		if i%3 == 0 {
			sfPhone = "+1 000 000000"
		}
		if i%5 == 0 {
			sfPlan = "starter"
		}
		recs[i] = map[string]any{"LastName": fmt.Sprintf("Pair %d", i), "Email": p.email, "Phone": sfPhone, "Plan__c": sfPlan, "Title": p.title}
	}
	for i, id := range sfCreate(t, sfURL, "Contact", recs) {
		ps[i].sfID = id
	}
	for i := range ps {
		p := &ps[i]
		attrs := map[string]any{"plan": p.plan}
		if i%2 == 0 {
			attrs["job_title"] = p.title
		}
		p.icID = icCreate(t, icURL, map[string]any{"role": "user", "email": p.email, "phone": p.phone, "custom_attributes": attrs})
	}
	return ps
}

// outcome is what the verification found.
type outcome struct {
	records    int // records compared on both sides
	lost       int // pairs with a mapped value not where it belongs
	duplicated int // extra links, Salesforce records or Intercom contacts
	problems   []string
	lostIDs    []string // Intercom and Salesforce ids of the lost pairs
}

func (o *outcome) problem(format string, args ...any) {
	if len(o.problems) < 20 {
		o.problems = append(o.problems, fmt.Sprintf(format, args...))
	}
}

// verify compares both systems with the expected pairs, and the links in
// the bridge's SQLite database (the bridge must not be running).
func verify(t *testing.T, sfURL, icURL, dataDir string, ps []pair, icBefore int) outcome {
	t.Helper()
	var o outcome
	sf := map[string]map[string]any{}
	contacts := sfQuery(t, sfURL, "SELECT Id, Email, Phone, Plan__c, Title FROM Contact")
	for _, c := range contacts {
		sf[str(c["Id"])] = c
	}
	if len(contacts) != len(ps) {
		o.duplicated += max(0, len(contacts)-len(ps))
		o.problem("Salesforce has %d Contacts, %d were seeded", len(contacts), len(ps))
	}
	ic := map[string]map[string]any{}
	all := icContacts(t, icURL)
	for _, c := range all {
		ic[str(c["id"])] = c
	}
	if len(all) != icBefore {
		o.duplicated += max(0, len(all)-icBefore)
		o.problem("Intercom has %d contacts, %d before the bridge ran", len(all), icBefore)
	}

	db, err := store.Open(context.Background(), store.Config{DataDir: dataDir})
	require.NoError(t, err)
	defer db.Close()
	var links []tandem.Link
	for after := int64(0); ; { // pages of store.MaxLimit
		page, err := db.ListLinks(context.Background(), store.ListLinksParams{Installation: tandem.DefaultInstallation, AfterID: after, Limit: store.MaxLimit})
		require.NoError(t, err)
		links = append(links, page...)
		if len(page) < store.MaxLimit {
			break
		}
		after = page[len(page)-1].ID
	}
	byIC, bySF := map[string]string{}, map[string]int{}
	for _, l := range links {
		if prev, ok := byIC[l.IntercomID]; ok {
			o.duplicated++
			o.problem("Intercom %s linked twice (%s, %s)", l.IntercomID, prev, l.SalesforceID)
		}
		byIC[l.IntercomID] = l.SalesforceID
		if bySF[l.SalesforceID]++; bySF[l.SalesforceID] == 2 {
			o.duplicated++
			o.problem("Salesforce %s linked twice", l.SalesforceID)
		}
	}

	for _, p := range ps {
		o.records += 2
		s, i := sf[p.sfID], ic[p.icID]
		var bad []string
		if byIC[p.icID] != p.sfID {
			bad = append(bad, fmt.Sprintf("link %q", byIC[p.icID]))
		}
		if s == nil || i == nil {
			bad = append(bad, "record missing")
		} else {
			if str(s["Phone"]) != p.phone {
				bad = append(bad, fmt.Sprintf("Phone %q", s["Phone"]))
			}
			if str(s["Plan__c"]) != p.plan {
				bad = append(bad, fmt.Sprintf("Plan__c %q", s["Plan__c"]))
			}
			if str(customAttr(i, "job_title")) != p.title {
				bad = append(bad, fmt.Sprintf("job_title %q", customAttr(i, "job_title")))
			}
			if str(i["phone"]) != p.phone || str(customAttr(i, "plan")) != p.plan {
				bad = append(bad, "Intercom-owned value changed")
			}
		}
		if len(bad) > 0 {
			o.lost++
			o.lostIDs = append(o.lostIDs, p.icID, p.sfID)
			o.problem("%s: %v", p.email, bad)
		}
	}
	return o
}
