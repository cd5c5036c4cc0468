package sfsim

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestVersionsAndResources(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	r := b.do(t, "GET", "/services/data/", nil)
	require.Equal(t, 200, r.status)
	require.Contains(t, string(r.body), `{"label":"Winter '25","url":"/services/data/v62.0","version":"62.0"}`)
	r = b.do(t, "GET", testBase+"/", nil)
	require.Equal(t, testBase+"/sobjects", r.obj(t)["sobjects"])
	r = b.do(t, "GET", "/services/data/v49.0/limits", nil)
	require.Equal(t, 404, r.status)
	r = b.do(t, "GET", "/services/data/v58.0/limits", nil)
	require.Equal(t, 200, r.status)
	r = b.do(t, "GET", testBase+"/nope", nil)
	require.Equal(t, 404, r.status)
	require.Equal(t, "NOT_FOUND", r.errorCode(t))
}

func TestCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	r := b.do(t, "POST", testBase+"/sobjects/Contact", map[string]any{"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com", "Plan__c": "pro"},
		"Sforce-Call-Options", "client=tandem")
	require.Equal(t, 201, r.status, string(r.body))
	m := r.obj(t)
	id := m["id"].(string)
	require.Equal(t, true, m["success"])
	require.Equal(t, []any{}, m["errors"])
	require.True(t, strings.HasPrefix(id, "003"))
	require.Equal(t, testBase+"/sobjects/Contact/"+id, r.header.Get("Location"))
	require.Equal(t, "client=tandem", b.sim.LastCallOptions("Contact", id))

	r = b.do(t, "GET", testBase+"/sobjects/Contact/"+id, nil)
	require.Equal(t, 200, r.status)
	m = r.obj(t)
	require.Equal(t, "Ada Lovelace", m["Name"])
	require.Equal(t, b.sim.DefaultUserID(), m["OwnerId"])
	require.Equal(t, b.sim.DefaultUserID(), m["CreatedById"])
	require.Equal(t, "2024-05-15T12:00:00.000+0000", m["CreatedDate"])
	require.Contains(t, m, "Phone")
	require.Nil(t, m["Phone"], "unset fields are null")

	// 15-character ids and a field list.
	r = b.do(t, "GET", testBase+"/sobjects/Contact/"+id[:15]+"?fields=Email,Plan__c", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, map[string]any{"attributes": map[string]any{"type": "Contact", "url": testBase + "/sobjects/Contact/" + id},
		"Email": "ada@example.com", "Plan__c": "pro"}, r.obj(t))

	b.clock.Advance(90*time.Second + 123*time.Millisecond)
	r = b.do(t, "PATCH", testBase+"/sobjects/Contact/"+id, map[string]any{"Title": "Countess", "Plan__c": nil})
	require.Equal(t, 204, r.status, string(r.body))
	require.Empty(t, r.body)
	rec, ok := b.sim.Get("Contact", id)
	require.True(t, ok)
	require.Equal(t, "Countess", rec["Title"])
	require.Nil(t, rec["Plan__c"])
	require.Equal(t, time.Date(2024, 5, 15, 12, 1, 30, 123e6, time.UTC), rec["SystemModstamp"])

	r = b.do(t, "DELETE", testBase+"/sobjects/Contact/"+id, nil)
	require.Equal(t, 204, r.status)
	r = b.do(t, "DELETE", testBase+"/sobjects/Contact/"+id, nil)
	require.Equal(t, 404, r.status)
	require.Equal(t, "ENTITY_IS_DELETED", r.errorCode(t))
	r = b.do(t, "GET", testBase+"/sobjects/Contact/"+id, nil)
	require.Equal(t, 404, r.status)
	r = b.do(t, "PATCH", testBase+"/sobjects/Contact/"+id, map[string]any{"Title": "x"})
	require.Equal(t, "ENTITY_IS_DELETED", r.errorCode(t))
	r = b.do(t, "GET", testBase+"/sobjects/Contact/"+missingID("003"), nil)
	require.Equal(t, "NOT_FOUND", r.errorCode(t))
	r = b.do(t, "GET", testBase+"/sobjects/Widget/"+missingID("003"), nil)
	require.Equal(t, 404, r.status)
	r = b.do(t, "PUT", testBase+"/sobjects/Contact", nil)
	require.Equal(t, 405, r.status)
	require.Equal(t, "METHOD_NOT_ALLOWED", r.errorCode(t))
}

func TestWriteValidation(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	lead, err := b.sim.Insert("Lead", map[string]any{"LastName": "Babbage", "Company": "Engines"})
	require.NoError(t, err)
	inactive := b.sim.AddUser("Gone Person", "gone@example.com")
	require.NoError(t, b.sim.Update("User", inactive, map[string]any{"IsActive": false}))
	b.sim.AddValidationRule("Account", func(rec map[string]any) (string, string, bool) {
		if rec["Website"] == "http://forbidden.example" {
			return "Website is not allowed", "Website", false
		}
		return "", "", true
	})
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
		fields             string
	}{
		{"required", "POST", "/sobjects/Lead", map[string]any{"LastName": "x"}, 400, "REQUIRED_FIELD_MISSING", `"fields":["Company"]`},
		{"required both", "POST", "/sobjects/Opportunity", map[string]any{"Name": "x"}, 400, "REQUIRED_FIELD_MISSING", `[StageName, CloseDate]`},
		{"required nulled on update", "PATCH", "/sobjects/Lead/" + lead, map[string]any{"Company": nil}, 400, "REQUIRED_FIELD_MISSING", `"fields":["Company"]`},
		{"unknown field", "POST", "/sobjects/Lead", map[string]any{"LastName": "x", "Company": "y", "Foo": 1}, 400, "INVALID_FIELD", "No such column 'Foo' on sobject of type Lead"},
		{"read-only field", "POST", "/sobjects/Lead", map[string]any{"LastName": "x", "Company": "y", "IsConverted": true}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", `"fields":["IsConverted"]`},
		{"create-only on update", "PATCH", "/sobjects/Lead/" + lead, map[string]any{"CreatedDate": "2024-01-01T00:00:00Z"}, 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "CreatedDate"},
		{"bad email", "POST", "/sobjects/Lead", map[string]any{"LastName": "x", "Company": "y", "Email": "not-an-email"}, 400, "INVALID_EMAIL_ADDRESS", "invalid email address: not-an-email"},
		{"too long", "POST", "/sobjects/Lead", map[string]any{"LastName": strings.Repeat("x", 81), "Company": "y"}, 400, "STRING_TOO_LONG", "max length=80"},
		{"restricted picklist", "PATCH", "/sobjects/Lead/" + lead, map[string]any{"Status": "Bogus"}, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "bad value for restricted picklist field: Bogus"},
		{"bad reference type", "POST", "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": lead}, 400, "FIELD_INTEGRITY_EXCEPTION", "id value of incorrect type"},
		{"missing reference", "POST", "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": missingID("001")}, 400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"},
		{"malformed id", "POST", "/sobjects/Contact", map[string]any{"LastName": "x", "AccountId": "garbage"}, 400, "MALFORMED_ID", "garbage"},
		{"inactive owner", "POST", "/sobjects/Account", map[string]any{"Name": "x", "OwnerId": inactive}, 400, "INACTIVE_OWNER_OR_USER", inactive},
		{"task lead with what", "POST", "/sobjects/Task", map[string]any{"Subject": "Call", "WhoId": lead, "WhatId": b.sim.DefaultUserID()}, 400, "FIELD_INTEGRITY_EXCEPTION", "WhatId"},
		{"validation rule", "POST", "/sobjects/Account", map[string]any{"Name": "x", "Website": "http://forbidden.example"}, 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", `"message":"Website is not allowed"`},
		{"wrong json type", "POST", "/sobjects/Account", map[string]any{"Name": "x", "NumberOfEmployees": "many"}, 400, "JSON_PARSER_ERROR", "Cannot deserialize"},
		{"malformed json", "POST", "/sobjects/Account", "{", 400, "JSON_PARSER_ERROR", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := b.do(t, c.method, testBase+c.path, c.body)
			require.Equal(t, c.status, r.status, string(r.body))
			require.Equal(t, c.code, r.errorCode(t))
			require.Contains(t, string(r.body), c.fields)
		})
	}
}

func TestTaskLeadWhatIDWithAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	lead, err := b.sim.Insert("Lead", map[string]any{"LastName": "Babbage", "Company": "Engines"})
	require.NoError(t, err)
	acct, err := b.sim.Insert("Account", map[string]any{"Name": "Acme"})
	require.NoError(t, err)
	r := b.do(t, "POST", testBase+"/sobjects/Task", map[string]any{"Subject": "Call", "WhoId": lead, "WhatId": acct})
	require.Equal(t, "FIELD_INTEGRITY_EXCEPTION", r.errorCode(t))
	r = b.do(t, "POST", testBase+"/sobjects/Task", map[string]any{"Subject": "Call", "WhoId": lead, "Status": "Completed"})
	require.Equal(t, 201, r.status)
	task, _ := b.sim.Get("Task", r.obj(t)["id"].(string))
	require.Equal(t, true, task["IsClosed"])
	require.Equal(t, "Normal", task["Priority"])
}

func TestSystemFieldsAndDerived(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	r := b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "Help"})
	require.Equal(t, 201, r.status)
	c, _ := b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, "00001001", c["CaseNumber"])
	require.Equal(t, "New", c["Status"])
	require.Equal(t, "Medium", c["Priority"])
	require.Equal(t, false, c["IsClosed"])
	r = b.do(t, "PATCH", testBase+"/sobjects/Case/"+c["Id"].(string), map[string]any{"Status": "Closed"})
	require.Equal(t, 204, r.status)
	c, _ = b.sim.Get("Case", c["Id"].(string))
	require.Equal(t, true, c["IsClosed"])
	require.NotNil(t, c["ClosedDate"])

	r = b.do(t, "POST", testBase+"/sobjects/Opportunity", map[string]any{"Name": "Deal", "StageName": "Closed Won", "CloseDate": "2024-06-30"})
	require.Equal(t, 201, r.status, string(r.body))
	o, _ := b.sim.Get("Opportunity", r.obj(t)["id"].(string))
	require.Equal(t, true, o["IsClosed"])
	require.Equal(t, true, o["IsWon"])
}

func TestLeadAssignmentRule(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	body := map[string]any{"LastName": "x", "Company": "y"}
	r := b.do(t, "POST", testBase+"/sobjects/Lead", body)
	assigned, _ := b.sim.Get("Lead", r.obj(t)["id"].(string))
	require.Equal(t, b.sim.AssignmentUserID(), assigned["OwnerId"], "absent header runs the assignment rule")

	r = b.do(t, "POST", testBase+"/sobjects/Lead", body, "Sforce-Auto-Assign", "FALSE")
	id := r.obj(t)["id"].(string)
	kept, _ := b.sim.Get("Lead", id)
	require.Equal(t, b.sim.DefaultUserID(), kept["OwnerId"])

	// Even a plain field update re-runs the rule unless told not to.
	r = b.do(t, "PATCH", testBase+"/sobjects/Lead/"+id, map[string]any{"Title": "CEO"}, "Sforce-Auto-Assign", "FALSE")
	require.Equal(t, 204, r.status)
	kept, _ = b.sim.Get("Lead", id)
	require.Equal(t, b.sim.DefaultUserID(), kept["OwnerId"])
	r = b.do(t, "PATCH", testBase+"/sobjects/Lead/"+id, map[string]any{"Title": "CTO"}, "Sforce-Auto-Assign", "TRUE")
	require.Equal(t, 204, r.status)
	moved, _ := b.sim.Get("Lead", id)
	require.Equal(t, b.sim.AssignmentUserID(), moved["OwnerId"])
}

func TestUpsertByExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	path := testBase + "/sobjects/Account/Ext_Id__c/ext-1"
	r := b.do(t, "PATCH", path, map[string]any{"Name": "Acme"})
	require.Equal(t, 201, r.status, string(r.body))
	m := r.obj(t)
	require.Equal(t, true, m["created"])
	id := m["id"].(string)

	r = b.do(t, "PATCH", path, map[string]any{"Name": "Acme 2"})
	require.Equal(t, 200, r.status)
	require.Equal(t, map[string]any{"id": id, "success": true, "errors": []any{}, "created": false}, r.obj(t))
	acct, _ := b.sim.Get("Account", id)
	require.Equal(t, "Acme 2", acct["Name"])

	r = b.do(t, "GET", path, nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "Acme 2", r.obj(t)["Name"])

	// Ext_Id__c is an external id but not unique on Account: two matches.
	_, err := b.sim.Insert("Account", map[string]any{"Name": "Dup", "Ext_Id__c": "EXT-1"})
	require.NoError(t, err)
	r = b.do(t, "PATCH", path, map[string]any{"Name": "Acme 3"})
	require.Equal(t, 300, r.status)
	require.Len(t, r.json(t), 2)

	r = b.do(t, "PATCH", testBase+"/sobjects/Account/Ext_Id__c/new?updateOnly=true", map[string]any{"Name": "x"})
	require.Equal(t, 404, r.status)
	r = b.do(t, "PATCH", testBase+"/sobjects/Account/Name/x", map[string]any{"Name": "x"})
	require.Equal(t, 404, r.status)
	require.Contains(t, string(r.body), "Provided external ID field does not exist or is not accessible: Name")

	// A unique external id rejects duplicates on insert.
	_, err = b.sim.Insert("Contact", map[string]any{"LastName": "a", "Ext_Id__c": "c-1"})
	require.NoError(t, err)
	r = b.do(t, "POST", testBase+"/sobjects/Contact", map[string]any{"LastName": "b", "Ext_Id__c": "C-1"})
	require.Equal(t, 400, r.status)
	require.Equal(t, "DUPLICATE_VALUE", r.errorCode(t))
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	r := b.do(t, "GET", testBase+"/sobjects/Lead/describe", nil)
	require.Equal(t, 200, r.status)
	m := r.obj(t)
	require.Equal(t, "Lead", m["name"])
	require.Equal(t, "00Q", m["keyPrefix"])
	fields := map[string]map[string]any{}
	for _, f := range m["fields"].([]any) {
		fm := f.(map[string]any)
		fields[fm["name"].(string)] = fm
	}
	last := fields["LastName"]
	require.Equal(t, "string", last["type"])
	require.EqualValues(t, 80, last["length"])
	require.Equal(t, false, last["nillable"])
	require.Equal(t, true, last["createable"])
	status := fields["Status"]
	require.Equal(t, true, status["defaultedOnCreate"])
	require.Equal(t, true, status["restrictedPicklist"])
	require.NotEmpty(t, status["picklistValues"])
	owner := fields["OwnerId"]
	require.Equal(t, []any{"Group", "User"}, owner["referenceTo"])
	require.Equal(t, "Owner", owner["relationshipName"])
	require.Equal(t, true, fields["Plan__c"]["custom"])
	require.Equal(t, false, fields["IsConverted"]["updateable"])
	rts := m["recordTypeInfos"].([]any)
	require.Equal(t, "012000000000000AAA", rts[len(rts)-1].(map[string]any)["recordTypeId"])

	r = b.do(t, "GET", testBase+"/sobjects/Case/describe", nil)
	require.Len(t, r.obj(t)["recordTypeInfos"], 2, "Support plus Master")

	r = b.do(t, "GET", testBase+"/sobjects", nil)
	g := r.obj(t)
	require.EqualValues(t, 200, g["maxBatchSize"])
	require.NotEmpty(t, g["sobjects"])
	r = b.do(t, "GET", testBase+"/sobjects/Contact", nil)
	require.Equal(t, "003", r.obj(t)["objectDescribe"].(map[string]any)["keyPrefix"])
	r = b.do(t, "GET", testBase+"/sobjects/Widget/describe", nil)
	require.Equal(t, 404, r.status)
}

func TestGetUpdatedAndDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	start := b.clock.Now()
	a, err := b.sim.Insert("Account", map[string]any{"Name": "A"})
	require.NoError(t, err)
	b.clock.Advance(2 * time.Minute)
	c, err := b.sim.Insert("Account", map[string]any{"Name": "C"})
	require.NoError(t, err)
	require.NoError(t, b.sim.Delete("Account", c))
	b.clock.Advance(2 * time.Minute)
	q := "?start=" + start.Format("2006-01-02T15:04:05Z") + "&end=" + b.clock.Now().Format("2006-01-02T15:04:05Z")
	r := b.do(t, "GET", testBase+"/sobjects/Account/updated/"+q, nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, map[string]any{"ids": []any{a}, "latestDateCovered": "2024-05-15T12:04:00.000+0000"}, r.obj(t))
	r = b.do(t, "GET", testBase+"/sobjects/Account/deleted/"+q, nil)
	m := r.obj(t)
	require.Equal(t, []any{map[string]any{"id": c, "deletedDate": "2024-05-15T12:02:00.000+0000"}}, m["deletedRecords"])
	require.Contains(t, m, "earliestDateAvailable")

	r = b.do(t, "GET", testBase+"/sobjects/Account/updated/?start=2020-01-01T00:00:00Z&end=2024-05-15T00:00:00Z", nil)
	require.Equal(t, "INVALID_REPLICATION_DATE", r.errorCode(t))
	r = b.do(t, "GET", testBase+"/sobjects/Account/updated/", nil)
	require.Equal(t, 400, r.status)
}

func TestLimitsAndUsage(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{DailyAPILimit: 3})
	r := b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "api-usage=1/3", r.header.Get("Sforce-Limit-Info"))
	daily := r.obj(t)["DailyApiRequests"].(map[string]any)
	require.EqualValues(t, 3, daily["Max"])
	require.EqualValues(t, 2, daily["Remaining"])
	b.do(t, "GET", testBase+"/limits", nil)
	b.do(t, "GET", testBase+"/limits", nil)
	r = b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 403, r.status)
	require.Equal(t, "REQUEST_LIMIT_EXCEEDED", r.errorCode(t))
	require.Contains(t, string(r.body), "TotalRequests Limit exceeded.")
	used, max := b.sim.APIUsage()
	require.Equal(t, 3, used)
	require.Equal(t, 3, max)
	// The window rolls: a day later the allowance is back.
	b.clock.Advance(24*time.Hour + time.Minute)
	r = b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, 5, b.sim.Calls()["GET limits"])
	require.Equal(t, 5, b.sim.TotalCalls())
	b.sim.ResetCalls()
	require.Zero(t, b.sim.TotalCalls())
}

func TestConvertLead(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	lead, err := b.sim.Insert("Lead", map[string]any{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Engines", "Email": "ada@example.com", "Plan__c": "pro"})
	require.NoError(t, err)
	res, err := b.sim.ConvertLead(lead, ConvertOptions{CreateOpportunity: true})
	require.NoError(t, err)
	l, _ := b.sim.Get("Lead", lead)
	require.Equal(t, true, l["IsConverted"])
	require.Equal(t, res.ContactID, l["ConvertedContactId"])
	require.Equal(t, res.AccountID, l["ConvertedAccountId"])
	require.Equal(t, res.OpportunityID, l["ConvertedOpportunityId"])
	c, _ := b.sim.Get("Contact", res.ContactID)
	require.Equal(t, "ada@example.com", c["Email"])
	require.Equal(t, "pro", c["Plan__c"])
	require.Equal(t, res.AccountID, c["AccountId"])
	a, _ := b.sim.Get("Account", res.AccountID)
	require.Equal(t, "Engines", a["Name"])

	r := b.do(t, "PATCH", testBase+"/sobjects/Lead/"+lead, map[string]any{"Title": "x"}, "Sforce-Auto-Assign", "FALSE")
	require.Equal(t, 400, r.status)
	require.Equal(t, "CANNOT_UPDATE_CONVERTED_LEAD", r.errorCode(t))
	_, err = b.sim.ConvertLead(lead, ConvertOptions{})
	require.Error(t, err)

	lead2, err := b.sim.Insert("Lead", map[string]any{"LastName": "Two", "Company": "Other"})
	require.NoError(t, err)
	res2, err := b.sim.ConvertLead(lead2, ConvertOptions{AccountID: res.AccountID})
	require.NoError(t, err)
	require.Equal(t, res.AccountID, res2.AccountID)
	require.Empty(t, res2.OpportunityID)
	r = b.query(t, "SELECT Id FROM Lead WHERE IsConverted = true")
	require.EqualValues(t, 2, r.obj(t)["totalSize"])
}

func TestSeedDeterministic(t *testing.T) {
	t.Parallel()
	opts := Options{Now: func() time.Time { return time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC) }}
	s1, s2 := New(opts), New(opts)
	r1 := s1.Seed(SeedOptions{Seed: 7})
	r2 := s2.Seed(SeedOptions{Seed: 7})
	require.Equal(t, r1, r2)
	require.Len(t, r1.AccountIDs, 20)
	require.Len(t, r1.ContactIDs, 60)
	require.Len(t, r1.LeadIDs, 40)
	require.Len(t, r1.OpportunityIDs, 15)
	require.NotEmpty(t, r1.ContactRoleIDs)
	require.Len(t, r1.CaseIDs, 20)
	require.Equal(t, s1.All("Contact"), s2.All("Contact"))
	a, _ := s1.Get("Account", r1.AccountIDs[0])
	require.Equal(t, "ACC-00001", a["AccountNumber"])
	require.Equal(t, 60+2, s1.Count("Contact"), "the generated contacts plus the two fixtures")
	s3 := New(opts)
	s3.Seed(SeedOptions{Seed: 8, Contacts: 5})
	require.Equal(t, 5+2, s3.Count("Contact"))
	require.NotEqual(t, s1.All("Contact")[0]["Email"], s3.All("Contact")[0]["Email"])
}

func TestStateHandleErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	_, err := b.sim.Insert("Widget", map[string]any{})
	require.Error(t, err)
	_, err = b.sim.Insert("Lead", map[string]any{"LastName": "x"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "REQUIRED_FIELD_MISSING", apiErr.Code)
	require.Error(t, b.sim.Update("Lead", missingID("00Q"), map[string]any{"LastName": "x"}))
	_, ok := b.sim.Get("Lead", "nope")
	require.False(t, ok)
	require.Zero(t, b.sim.Count("Widget"))
}
