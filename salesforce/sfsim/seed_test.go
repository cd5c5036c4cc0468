package sfsim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeedFixtures(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{CustomFields: DefaultCustomFields()})
	res := b.sim.Seed(SeedOptions{Seed: 3})

	openOpps := func(email string) []map[string]any {
		return records(t, b.query(t, "SELECT Id, Name FROM Opportunity WHERE IsClosed = false AND Id IN "+
			"(SELECT OpportunityId FROM OpportunityContactRole WHERE Contact.Email = '"+email+"') ORDER BY Name"))
	}
	require.Len(t, openOpps(SeedSingleOpportunityEmail), 1)
	require.Len(t, openOpps(SeedTwoOpportunitiesEmail), 2)

	rows := records(t, b.query(t, "SELECT Id, Account.AccountNumber, (SELECT Id FROM Cases WHERE IsClosed = false), "+
		"(SELECT Role FROM OpportunityContactRoles) FROM Contact WHERE Email = '"+SeedSingleOpportunityEmail+"'"))
	require.Len(t, rows, 1)
	require.Equal(t, res.SingleOpportunityContactID, rows[0]["Id"])
	require.Equal(t, SeedFixtureAccountNumber, rows[0]["Account"].(map[string]any)["AccountNumber"])
	require.EqualValues(t, 1, rows[0]["Cases"].(map[string]any)["totalSize"])
	require.EqualValues(t, 2, rows[0]["OpportunityContactRoles"].(map[string]any)["totalSize"])

	users := records(t, b.query(t, "SELECT Email FROM User WHERE Email IN ('operator@tandem.example', "+
		"'priya.natarajan@support.example', 'marco.rossi@support.example') AND IsActive = true"))
	require.Len(t, users, 3)
	rts := records(t, b.query(t, "SELECT DeveloperName FROM RecordType WHERE SobjectType = 'Case' ORDER BY DeveloperName"))
	require.Equal(t, "Billing", rts[0]["DeveloperName"])
	require.Equal(t, "Support", rts[1]["DeveloperName"])
}
