package sfsim

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// soqlFixture is a small org with known data for engine tests.
func soqlFixture(t *testing.T) (*testBundle, map[string]string) {
	t.Helper()
	b := setup(t, Options{})
	s := b.sim
	ids := map[string]string{}
	must := func(key, obj string, f map[string]any) {
		id, err := s.Insert(obj, f)
		require.NoError(t, err, key)
		ids[key] = id
	}
	owner := s.AddUser("Jane Doe", "jane@example.com")
	ids["jane"] = owner
	day := func(d int) time.Time { return b.clock.Now().AddDate(0, 0, d) }
	must("acme", "Account", map[string]any{"Name": "Acme", "AccountNumber": "A-1", "NumberOfEmployees": 50, "OwnerId": owner, "Tags__c": "A;B"})
	must("globex", "Account", map[string]any{"Name": "Globex", "AccountNumber": "A-2", "NumberOfEmployees": 500, "Tags__c": "C"})
	must("ada", "Contact", map[string]any{"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com", "AccountId": ids["acme"],
		"CreatedDate": day(-10), "LastModifiedDate": day(-10), "SystemModstamp": day(-10)})
	must("grace", "Contact", map[string]any{"FirstName": "Grace", "LastName": "Hopper", "Email": "grace_h@example.com", "AccountId": ids["globex"],
		"CreatedDate": day(-2), "LastModifiedDate": day(-2), "SystemModstamp": day(-2)})
	must("alan", "Contact", map[string]any{"FirstName": "Alan", "LastName": "O'Turing", "HasOptedOutOfEmail": true})
	must("opp", "Opportunity", map[string]any{"Name": "Big deal", "StageName": "Prospecting", "CloseDate": "2024-06-01", "AccountId": ids["acme"], "Amount": 45000})
	must("role", "OpportunityContactRole", map[string]any{"OpportunityId": ids["opp"], "ContactId": ids["ada"], "Role": "Decision Maker"})
	must("lead", "Lead", map[string]any{"LastName": "Babbage", "Company": "Engines", "OwnerId": owner})
	must("task", "Task", map[string]any{"Subject": "Call", "WhoId": ids["lead"]})
	return b, ids
}

func TestSOQLEngine(t *testing.T) {
	t.Parallel()
	b, ids := soqlFixture(t)
	s := b.sim
	cases := []struct {
		name, q string
		want    []string // ids, in order
	}{
		{"equals case-insensitive", "SELECT Id FROM Contact WHERE Email = 'ADA@example.com'", []string{"ada"}},
		{"not equals includes nulls", "SELECT Id FROM Contact WHERE Email != 'ada@example.com'", []string{"grace", "alan"}},
		{"diamond not equals", "SELECT Id FROM Contact WHERE Email <> 'ada@example.com'", []string{"grace", "alan"}},
		{"null", "SELECT Id FROM Contact WHERE Email = null", []string{"alan"}},
		{"not null", "SELECT Id FROM Contact WHERE AccountId != null", []string{"ada", "grace"}},
		{"number gt", "SELECT Id FROM Account WHERE NumberOfEmployees > 100", []string{"globex"}},
		{"number lte", "SELECT Id FROM Account WHERE NumberOfEmployees <= 50", []string{"acme"}},
		{"number gte decimal", "SELECT Id FROM Opportunity WHERE Amount >= 44999.5", []string{"opp"}},
		{"string lt", "SELECT Id FROM Account WHERE Name < 'b'", []string{"acme"}},
		{"boolean", "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true", []string{"alan"}},
		{"boolean false", "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = FALSE ORDER BY LastName", []string{"grace", "ada"}},
		{"like prefix", "SELECT Id FROM Contact WHERE LastName LIKE 'love%'", []string{"ada"}},
		{"like underscore", "SELECT Id FROM Contact WHERE Email LIKE 'gr_ce%'", []string{"grace"}},
		{"like escaped underscore", `SELECT Id FROM Contact WHERE Email LIKE '%\_h@%'`, []string{"grace"}},
		{"escaped quote", `SELECT Id FROM Contact WHERE LastName = 'O\'Turing'`, []string{"alan"}},
		{"in", "SELECT Id FROM Contact WHERE Email IN ('ada@example.com', 'grace_h@example.com', 'x@y.z')", []string{"ada", "grace"}},
		{"not in", "SELECT Id FROM Contact WHERE Email NOT IN ('ada@example.com')", []string{"grace", "alan"}},
		{"id in 15 char", "SELECT Id FROM Contact WHERE Id IN ('" + ids["grace"][:15] + "')", []string{"grace"}},
		{"and or parens", "SELECT Id FROM Contact WHERE (Email = 'ada@example.com' OR Email = 'grace_h@example.com') AND AccountId != null", []string{"ada", "grace"}},
		{"not", "SELECT Id FROM Contact WHERE NOT Email = 'ada@example.com'", []string{"grace", "alan"}},
		{"datetime literal", "SELECT Id FROM Contact WHERE CreatedDate > 2024-05-10T00:00:00Z", []string{"grace", "alan"}},
		{"datetime offset literal", "SELECT Id FROM Contact WHERE CreatedDate < 2024-05-06T00:00:00+02:00", []string{"ada"}},
		{"date literal", "SELECT Id FROM Opportunity WHERE CloseDate = 2024-06-01", []string{"opp"}},
		{"today", "SELECT Id FROM Contact WHERE CreatedDate = TODAY", []string{"alan"}},
		{"last n days", "SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:3", []string{"grace", "alan"}},
		{"before last n days", "SELECT Id FROM Contact WHERE CreatedDate < LAST_N_DAYS:3", []string{"ada"}},
		{"yesterday none", "SELECT Id FROM Contact WHERE CreatedDate = YESTERDAY", nil},
		{"next n days on date", "SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:30", []string{"opp"}},
		{"order desc", "SELECT Id FROM Account ORDER BY Name DESC", []string{"globex", "acme"}},
		{"order nulls first default", "SELECT Id FROM Contact ORDER BY AccountId ASC, LastName", []string{"alan", "ada", "grace"}},
		{"order nulls last", "SELECT Id FROM Contact ORDER BY Email ASC NULLS LAST", []string{"ada", "grace", "alan"}},
		{"order desc nulls first", "SELECT Id FROM Contact ORDER BY Email DESC NULLS FIRST", []string{"alan", "grace", "ada"}},
		{"limit", "SELECT Id FROM Contact ORDER BY LastName LIMIT 2", []string{"grace", "ada"}},
		{"offset", "SELECT Id FROM Contact ORDER BY LastName LIMIT 1 OFFSET 1", []string{"ada"}},
		{"parent field filter", "SELECT Id FROM Contact WHERE Account.Name = 'Acme'", []string{"ada"}},
		{"two-level parent", "SELECT Id FROM Contact WHERE Account.Owner.Email = 'jane@example.com'", []string{"ada"}},
		{"polymorphic owner", "SELECT Id FROM Lead WHERE Owner.Name = 'Jane Doe'", []string{"lead"}},
		{"polymorphic who type", "SELECT Id FROM Task WHERE Who.Type = 'Lead'", []string{"task"}},
		{"object-qualified field", "SELECT Contact.Id FROM Contact WHERE Contact.Email = 'ada@example.com'", []string{"ada"}},
		{"includes", "SELECT Id FROM Account WHERE Tags__c INCLUDES ('B')", []string{"acme"}},
		{"includes and-group", "SELECT Id FROM Account WHERE Tags__c INCLUDES ('A;C', 'C')", []string{"globex"}},
		{"excludes", "SELECT Id FROM Account WHERE Tags__c EXCLUDES ('A')", []string{"globex"}},
		{"keywords any case", "select id from contact where email = 'ada@example.com' order by id asc nulls last limit 5", []string{"ada"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s.mu.Lock()
			defer s.mu.Unlock()
			cq, err := s.compileSOQL(c.q)
			require.Nil(t, err, "%v", err)
			var got []string
			for _, r := range s.run(cq, false) {
				got = append(got, r.id)
			}
			var want []string
			for _, k := range c.want {
				want = append(want, ids[k])
			}
			require.Equal(t, want, got)
		})
	}
}

func TestSOQLErrors(t *testing.T) {
	t.Parallel()
	b, _ := soqlFixture(t)
	cases := []struct {
		q, code, msg string
	}{
		{"SELECT Id FORM Contact", "MALFORMED_QUERY", "unexpected token: 'FORM'"},
		{"SELECT Id FROM Contact WHERE", "MALFORMED_QUERY", "unexpected token: <EOF>"},
		{"SELECT FROM Contact", "MALFORMED_QUERY", "unexpected token: 'FROM'"},
		{"SELECT Id FROM Contact WHERE Email = 'a' AND LastName = 'b' OR LastName = 'c'", "MALFORMED_QUERY", "unexpected token: 'OR'"},
		{"SELECT Id FROM Contact WHERE Email = 'unterminated", "MALFORMED_QUERY", "<EOF>"},
		{`SELECT Id FROM Contact WHERE Email = 'bad\q'`, "MALFORMED_QUERY", "Illegal character sequence"},
		{"SELECT Id FROM Contact WHERE CreatedDate > '2024-05-01T00:00:00Z'", "INVALID_FIELD", "must be of type dateTime"},
		{"SELECT Id FROM Contact WHERE CreatedDate > 2024-05-01", "INVALID_FIELD", "must be of type dateTime"},
		{"SELECT Id FROM Contact WHERE Email = 5", "INVALID_FIELD", "should be enclosed in quotes"},
		{"SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'", "INVALID_FIELD", "must be of type boolean"},
		{"SELECT Id FROM Contact WHERE Id = 'nope'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope"},
		{"SELECT Id, Foo FROM Contact", "INVALID_FIELD", "No such column 'Foo' on entity 'Contact'"},
		{"SELECT Id, Boss.Name FROM Contact", "INVALID_FIELD", "Didn't understand relationship 'Boss'"},
		{"SELECT Id FROM Widget", "INVALID_TYPE", "sObject type 'Widget' is not supported"},
		{"SELECT Id FROM Contact OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"},
		{"", "MALFORMED_QUERY", "A query string has to be specified"},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			t.Parallel()
			r := b.query(t, c.q)
			require.Equal(t, 400, r.status, string(r.body))
			require.Equal(t, c.code, r.errorCode(t))
			require.Contains(t, string(r.body), c.msg)
		})
	}
	// The position marker points at the offending token.
	r := b.query(t, "SELECT Id FORM Contact")
	require.Contains(t, string(r.body), `ERROR at Row:1:Column:11`)
}

func TestSOQLCountAndAggregate(t *testing.T) {
	t.Parallel()
	b, _ := soqlFixture(t)
	r := b.query(t, "SELECT COUNT() FROM Contact WHERE AccountId != null")
	require.Equal(t, 200, r.status)
	m := r.obj(t)
	require.EqualValues(t, 2, m["totalSize"])
	require.Empty(t, m["records"])

	r = b.query(t, "SELECT COUNT(Email) FROM Contact")
	m = r.obj(t)
	rec := m["records"].([]any)[0].(map[string]any)
	require.EqualValues(t, 2, rec["expr0"])
	require.Equal(t, "AggregateResult", rec["attributes"].(map[string]any)["type"])
}

func TestSOQLRendering(t *testing.T) {
	t.Parallel()
	b, ids := soqlFixture(t)
	r := b.query(t, "SELECT Id, Email, Account.Name, Account.Owner.Name, Owner.Name, (SELECT Role FROM OpportunityContactRoles), (SELECT Id FROM Cases) FROM Contact ORDER BY LastName")
	require.Equal(t, 200, r.status, string(r.body))
	recs := r.obj(t)["records"].([]any)
	require.Len(t, recs, 3)
	ada := recs[1].(map[string]any)
	require.Equal(t, ids["ada"], ada["Id"])
	require.Equal(t, map[string]any{"type": "Contact", "url": testBase + "/sobjects/Contact/" + ids["ada"]}, ada["attributes"])
	acct := ada["Account"].(map[string]any)
	require.Equal(t, "Acme", acct["Name"])
	require.Equal(t, "Jane Doe", acct["Owner"].(map[string]any)["Name"])
	roles := ada["OpportunityContactRoles"].(map[string]any)
	require.EqualValues(t, 1, roles["totalSize"])
	require.Equal(t, true, roles["done"])
	require.Nil(t, ada["Cases"], "an empty child subquery is null")
	alan := recs[2].(map[string]any)
	require.Nil(t, alan["Account"], "a missing parent is null")
	require.Nil(t, alan["Email"])
	// Keys come in select order.
	body := string(r.body)
	require.Less(t, strings.Index(body, `"Email"`), strings.Index(body, `"Account"`))

	// Polymorphic relationships render with the pseudo-type Name.
	r = b.query(t, "SELECT Owner.Name, Owner.Type FROM Lead")
	owner := r.obj(t)["records"].([]any)[0].(map[string]any)["Owner"].(map[string]any)
	require.Equal(t, "Name", owner["attributes"].(map[string]any)["type"])
	require.Equal(t, "User", owner["Type"])
	require.Contains(t, owner["attributes"].(map[string]any)["url"], "/sobjects/User/"+ids["jane"])

	// Datetimes use Salesforce's +0000 format with milliseconds.
	r = b.query(t, "SELECT SystemModstamp FROM Contact WHERE Id = '"+ids["ada"]+"'")
	require.Contains(t, string(r.body), `"SystemModstamp":"2024-05-05T12:00:00.000+0000"`)
	r = b.query(t, "SELECT Amount, CloseDate FROM Opportunity")
	require.Contains(t, string(r.body), `"Amount":45000.0,"CloseDate":"2024-06-01"`)
}

func TestQueryAllSeesDeleted(t *testing.T) {
	t.Parallel()
	b, ids := soqlFixture(t)
	require.NoError(t, b.sim.Delete("Contact", ids["alan"]))
	r := b.query(t, "SELECT Id FROM Contact")
	require.EqualValues(t, 2, r.obj(t)["totalSize"])
	r = b.do(t, "GET", testBase+"/queryAll?q=SELECT+Id,IsDeleted+FROM+Contact+WHERE+IsDeleted+=+true", nil)
	recs := r.obj(t)["records"].([]any)
	require.Len(t, recs, 1)
	require.Equal(t, ids["alan"], recs[0].(map[string]any)["Id"])
	require.Equal(t, true, recs[0].(map[string]any)["IsDeleted"])
}

func TestQueryPagination(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for i := range 450 {
		_, err := b.sim.Insert("Lead", map[string]any{"LastName": "L" + string(rune('a'+i%26)), "Company": "C"})
		require.NoError(t, err)
	}
	r := b.query(t, "SELECT Id FROM Lead ORDER BY Id", "Sforce-Query-Options", "batchSize=200")
	m := r.obj(t)
	require.EqualValues(t, 450, m["totalSize"])
	require.Equal(t, false, m["done"])
	require.Len(t, m["records"], 200)
	seen := map[string]bool{}
	for _, x := range m["records"].([]any) {
		seen[x.(map[string]any)["Id"].(string)] = true
	}
	next := m["nextRecordsUrl"].(string)
	require.True(t, strings.HasPrefix(next, testBase+"/query/01g"))
	pages := 1
	for next != "" {
		r = b.do(t, "GET", next, nil)
		require.Equal(t, 200, r.status, string(r.body))
		m = r.obj(t)
		for _, x := range m["records"].([]any) {
			seen[x.(map[string]any)["Id"].(string)] = true
		}
		next, _ = m["nextRecordsUrl"].(string)
		pages++
	}
	require.Equal(t, 3, pages)
	require.Len(t, seen, 450)
	require.Equal(t, 3, b.sim.Calls()["GET query"])

	// An idle locator expires.
	r = b.query(t, "SELECT Id FROM Lead", "Sforce-Query-Options", "batchSize=200")
	next = r.obj(t)["nextRecordsUrl"].(string)
	b.clock.Advance(16 * time.Minute)
	r = b.do(t, "GET", next, nil)
	require.Equal(t, "INVALID_QUERY_LOCATOR", r.errorCode(t))

	// Over-long request URIs are refused.
	r = b.query(t, "SELECT Id FROM Lead WHERE Email IN ('"+strings.Repeat("x", 17000)+"')")
	require.Equal(t, 414, r.status)

	// A finished locator is gone.
	r = b.do(t, "GET", testBase+"/query/01gHs0000000000AAA-200", nil)
	require.Equal(t, 400, r.status)
	require.Equal(t, "INVALID_QUERY_LOCATOR", r.errorCode(t))
}
