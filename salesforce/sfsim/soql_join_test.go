package sfsim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSOQLSemiJoin(t *testing.T) {
	t.Parallel()
	b, ids := soqlFixture(t)
	s := b.sim
	closed, err := s.Insert("Opportunity", map[string]any{"Name": "Old deal", "StageName": "Closed Lost", "CloseDate": "2024-01-01", "AccountId": ids["acme"]})
	require.NoError(t, err)
	_, err = s.Insert("OpportunityContactRole", map[string]any{"OpportunityId": closed, "ContactId": ids["ada"], "Role": "Evaluator"})
	require.NoError(t, err)
	other, err := s.Insert("Opportunity", map[string]any{"Name": "Globex deal", "StageName": "Qualification", "CloseDate": "2024-08-01", "AccountId": ids["globex"]})
	require.NoError(t, err)

	ids18 := func(rows []map[string]any) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r["Id"].(string))
		}
		return out
	}
	q := "SELECT Id, Name, StageName FROM Opportunity WHERE IsClosed = false AND Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = '" + ids["ada"] + "')"
	require.Equal(t, []string{ids["opp"]}, ids18(records(t, b.query(t, q))))
	q = "SELECT Id FROM Opportunity WHERE Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = '" + ids["ada"] + "') ORDER BY Name"
	require.Equal(t, []string{ids["opp"], closed}, ids18(records(t, b.query(t, q))))
	q = "SELECT Id FROM Opportunity WHERE Id NOT IN (SELECT OpportunityId FROM OpportunityContactRole)"
	require.Equal(t, []string{other}, ids18(records(t, b.query(t, q))))
	q = "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email LIKE 'grace%')"
	require.Equal(t, []string{ids["globex"]}, ids18(records(t, b.query(t, q))))

	for _, bad := range []struct{ q, code string }{
		{"SELECT Id FROM Opportunity WHERE Id IN (SELECT Role FROM OpportunityContactRole)", "INVALID_FIELD"},
		{"SELECT Id FROM Opportunity WHERE Name IN (SELECT OpportunityId FROM OpportunityContactRole)", "INVALID_FIELD"},
		{"SELECT Id FROM Opportunity WHERE Id IN (SELECT OpportunityId, ContactId FROM OpportunityContactRole)", "MALFORMED_QUERY"},
		{"SELECT Id FROM Opportunity WHERE Id IN (SELECT OpportunityId FROM Nope)", "INVALID_TYPE"},
	} {
		r := b.query(t, bad.q)
		require.Equal(t, 400, r.status, bad.q)
		require.Equal(t, bad.code, r.errorCode(t), bad.q)
	}
}

func TestSOQLPanelQuery(t *testing.T) {
	t.Parallel()
	b, ids := soqlFixture(t)
	s := b.sim
	open, err := s.Insert("Case", map[string]any{"Subject": "Login broken", "ContactId": ids["ada"], "Priority": "High"})
	require.NoError(t, err)
	_, err = s.Insert("Case", map[string]any{"Subject": "Old", "ContactId": ids["ada"], "Status": "Closed"})
	require.NoError(t, err)

	r := b.query(t, "SELECT Id, Name, Owner.Name, Owner.Email, Account.Name, Account.Owner.Name, "+
		"(SELECT Id, CaseNumber, Status, Priority, Subject FROM Cases WHERE IsClosed = false ORDER BY CreatedDate DESC LIMIT 10), "+
		"(SELECT Role, IsPrimary, Opportunity.Id, Opportunity.Name, Opportunity.StageName, Opportunity.Owner.Name FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false) "+
		"FROM Contact WHERE Id = '"+ids["ada"]+"'")
	rows := records(t, r)
	require.Len(t, rows, 1)
	ada := rows[0]
	require.Equal(t, "Integration User", ada["Owner"].(map[string]any)["Name"])
	require.Equal(t, "integration@sfsim.example", ada["Owner"].(map[string]any)["Email"])
	require.Equal(t, "Jane Doe", ada["Account"].(map[string]any)["Owner"].(map[string]any)["Name"])
	cases := ada["Cases"].(map[string]any)
	require.Equal(t, 1.0, cases["totalSize"])
	require.Equal(t, true, cases["done"])
	c := cases["records"].([]any)[0].(map[string]any)
	require.Equal(t, open, c["Id"])
	require.Equal(t, "Case", c["attributes"].(map[string]any)["type"])
	roles := ada["OpportunityContactRoles"].(map[string]any)["records"].([]any)
	require.Len(t, roles, 1)
	opp := roles[0].(map[string]any)["Opportunity"].(map[string]any)
	require.Equal(t, "Big deal", opp["Name"])

	r = b.query(t, "SELECT Id, (SELECT Id FROM Cases WHERE IsClosed = false), (SELECT Id FROM OpportunityContactRoles) FROM Contact WHERE Id = '"+ids["grace"]+"'")
	grace := records(t, r)[0]
	require.Contains(t, grace, "Cases")
	require.Nil(t, grace["Cases"], "no child rows renders null")
	require.Nil(t, grace["OpportunityContactRoles"])
}
