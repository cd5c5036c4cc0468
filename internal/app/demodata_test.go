package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

func newDemoIntercom(t *testing.T) *intercomsim.Server {
	t.Helper()
	ic := intercomsim.New(intercomsim.Options{})
	t.Cleanup(ic.Close)
	return ic
}

func newDemoSalesforce() *sfsim.Server {
	return sfsim.New(sfsim.Options{CustomFields: sfsim.DefaultCustomFields()})
}

// keys returns the identifying values of records: ids and matching keys,
// which must not depend on the clock or on chance.
func keys(records []map[string]any, fields ...string) [][]any {
	var out [][]any
	for _, r := range records {
		var row []any
		for _, f := range fields {
			row = append(row, r[f])
		}
		out = append(out, row)
	}
	return out
}

func TestDemoHalvesAreDeterministic(t *testing.T) {
	t.Parallel()
	a, b := newDemoIntercom(t), newDemoIntercom(t)
	require.NoError(t, app.SeedDemoIntercom(a))
	require.NoError(t, app.SeedDemoIntercom(b))
	require.Equal(t, keys(a.Contacts(), "id", "email", "role", "owner_id"), keys(b.Contacts(), "id", "email", "role", "owner_id"))
	require.Equal(t, keys(a.Companies(), "id", "company_id", "size"), keys(b.Companies(), "id", "company_id", "size"))

	x, y := newDemoSalesforce(), newDemoSalesforce()
	require.NoError(t, app.SeedDemoSalesforce(x))
	require.NoError(t, app.SeedDemoSalesforce(y))
	for _, o := range []string{"User", "Account", "Contact", "Lead"} {
		require.Equal(t, keys(x.All(o), "Id", "Email", "AccountNumber", "AccountId", "OwnerId"),
			keys(y.All(o), "Id", "Email", "AccountNumber", "AccountId", "OwnerId"), o)
	}
}

func TestDemoHalvesOverlap(t *testing.T) {
	t.Parallel()
	ic, sf := newDemoIntercom(t), newDemoSalesforce()
	require.NoError(t, app.SeedSimulator("intercom", ic, nil, "demo"))
	require.NoError(t, app.SeedSimulator("salesforce", nil, sf, "demo"))

	accounts := map[string]map[string]any{} // by AccountNumber
	accountNumber := map[string]string{}    // Id → AccountNumber
	for _, a := range sf.All("Account") {
		if n, _ := a["AccountNumber"].(string); n != "" {
			accounts[n] = a
			accountNumber[a["Id"].(string)] = n
		}
	}
	companyID := map[string]string{} // Intercom id → company_id
	sizes := map[string]int{}
	for _, co := range ic.Companies() {
		cid := co["company_id"].(string)
		companyID[co["id"].(string)] = cid
		a, ok := accounts[cid]
		if !ok {
			continue
		}
		switch n, _ := a["NumberOfEmployees"].(float64); {
		case a["NumberOfEmployees"] == nil:
			sizes["empty in Salesforce"]++
		case int64(n) == co["size"].(int64):
			sizes["equal"]++
		default:
			sizes["different"]++
		}
	}
	require.Len(t, accounts, 6, "companies on both sides")
	require.Equal(t, map[string]int{"empty in Salesforce": 2, "equal": 2, "different": 2}, sizes)

	people := map[string]map[string]any{} // by role and email
	for _, c := range ic.Contacts() {
		people[c["role"].(string)+" "+c["email"].(string)] = c
	}
	matched := map[string]int{}
	for _, o := range []struct{ sobject, role string }{{"Contact", "user"}, {"Lead", "lead"}} {
		for _, r := range sf.All(o.sobject) {
			c, ok := people[o.role+" "+r["Email"].(string)]
			if !ok {
				continue
			}
			matched[o.sobject]++
			if o.sobject != "Contact" {
				continue
			}
			// The Contact's Account is the user's company.
			companies := c["companies"].(map[string]any)["data"].([]any)
			require.Len(t, companies, 1)
			require.Equal(t, companyID[companies[0].(map[string]any)["id"].(string)], accountNumber[r["AccountId"].(string)])
		}
	}
	require.Equal(t, map[string]int{"Contact": 13, "Lead": 7}, matched)
	require.Len(t, ic.Contacts(), 30)
	require.Equal(t, 16, sf.Count("Contact"))
	require.Equal(t, 9, sf.Count("Lead"))

	// The admins have Salesforce users with the same emails (ownership).
	emails := map[string]bool{}
	for _, u := range sf.All("User") {
		emails[u["Email"].(string)] = true
	}
	for _, a := range ic.Admins()[1:] {
		require.True(t, emails[a["email"].(string)], a["email"])
	}
}

func TestSeedSimulator(t *testing.T) {
	t.Parallel()
	ic := newDemoIntercom(t)
	require.NoError(t, app.SeedSimulator("intercom", ic, nil, "none"))
	require.Empty(t, ic.Contacts())
	require.NoError(t, app.SeedSimulator("intercom", ic, nil, "3"))
	require.NotEmpty(t, ic.Contacts())

	sf := newDemoSalesforce()
	require.NoError(t, app.SeedSimulator("salesforce", nil, sf, ""))
	require.Zero(t, sf.Count("Contact"))
	require.NoError(t, app.SeedSimulator("salesforce", nil, sf, "3"))
	require.NotZero(t, sf.Count("Contact"))

	require.ErrorContains(t, app.SeedSimulator("salesforce", nil, newDemoSalesforce(), "big"), `unknown seed "big"`)
	require.ErrorContains(t, app.SeedSimulator("zendesk", nil, nil, "demo"), `unknown simulator "zendesk"`)
	require.ErrorContains(t, app.SeedSimulator("intercom", nil, sf, "demo"), "no Intercom simulator")
	// Demo data twice is refused: the people already exist.
	demo := newDemoIntercom(t)
	require.NoError(t, app.SeedSimulator("intercom", demo, nil, "demo"))
	require.Error(t, app.SeedSimulator("intercom", demo, nil, "demo"))
}
