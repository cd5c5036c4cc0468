package sfsim

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func records(t *testing.T, r resp) []map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var out []map[string]any
	for _, x := range r.obj(t)["records"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestStatusValuesAreOrgData(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})

	rows := records(t, b.query(t, "SELECT MasterLabel, IsClosed, IsDefault FROM CaseStatus ORDER BY SortOrder"))
	require.Len(t, rows, 4)
	require.Equal(t, "New", rows[0]["MasterLabel"])
	require.Equal(t, true, rows[0]["IsDefault"])
	require.Equal(t, "Closed", rows[3]["MasterLabel"])
	require.Equal(t, true, rows[3]["IsClosed"])

	rows = records(t, b.query(t, "SELECT MasterLabel FROM TaskStatus WHERE IsClosed = true"))
	require.Len(t, rows, 1)
	require.Equal(t, "Completed", rows[0]["MasterLabel"])

	rows = records(t, b.query(t, "SELECT MasterLabel, IsClosed, IsWon, DefaultProbability FROM OpportunityStage WHERE IsClosed = true ORDER BY SortOrder"))
	require.Len(t, rows, 2)
	require.Equal(t, "Closed Won", rows[0]["MasterLabel"])
	require.Equal(t, true, rows[0]["IsWon"])
	require.Equal(t, false, rows[1]["IsWon"])

	r := b.do(t, "POST", testBase+"/sobjects/CaseStatus", map[string]any{"MasterLabel": "Mine", "ApiName": "Mine"})
	require.Equal(t, 400, r.status)
	require.Equal(t, "INVALID_TYPE_FOR_OPERATION", r.errorCode(t))
	d := b.do(t, "GET", testBase+"/sobjects/CaseStatus/describe", nil).obj(t)
	require.Equal(t, false, d["createable"])
}

func TestClosedStatusesComeFromOrgData(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	_, err := b.sim.AddCaseStatus("Resolved", true, false)
	require.NoError(t, err)
	_, err = b.sim.AddTaskStatus("Logged", true, false)
	require.NoError(t, err)
	_, err = b.sim.AddOpportunityStage("Churned", true, false, 0)
	require.NoError(t, err)

	r := b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "Status": "Resolved"})
	require.Equal(t, 201, r.status, string(r.body))
	c, _ := b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, true, c["IsClosed"])
	require.NotNil(t, c["ClosedDate"])

	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "Status": "Pending Customer"})
	require.Equal(t, 400, r.status)
	require.Equal(t, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", r.errorCode(t))
	require.Contains(t, string(r.body), `"fields":["Status"]`)

	r = b.do(t, "POST", testBase+"/sobjects/Task", map[string]any{"Subject": "Call", "Status": "Logged"})
	require.Equal(t, 201, r.status, string(r.body))
	task, _ := b.sim.Get("Task", r.obj(t)["id"].(string))
	require.Equal(t, true, task["IsClosed"])
	r = b.do(t, "POST", testBase+"/sobjects/Task", map[string]any{"Subject": "Call", "Status": "Done-ish"})
	require.Equal(t, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", r.errorCode(t))
	r = b.do(t, "POST", testBase+"/sobjects/Task", map[string]any{"Subject": "Call"})
	task, _ = b.sim.Get("Task", r.obj(t)["id"].(string))
	require.Equal(t, "Not Started", task["Status"])
	require.Equal(t, false, task["IsClosed"])

	r = b.do(t, "POST", testBase+"/sobjects/Opportunity", map[string]any{"Name": "x", "StageName": "Churned", "CloseDate": "2024-06-01"})
	require.Equal(t, 201, r.status, string(r.body))
	o, _ := b.sim.Get("Opportunity", r.obj(t)["id"].(string))
	require.Equal(t, true, o["IsClosed"])
	require.Equal(t, false, o["IsWon"])
	require.Equal(t, "Omitted", o["ForecastCategoryName"])
	r = b.do(t, "POST", testBase+"/sobjects/Opportunity", map[string]any{"Name": "y", "StageName": "Negotiation/Review", "CloseDate": "2024-06-01"})
	o, _ = b.sim.Get("Opportunity", r.obj(t)["id"].(string))
	require.Equal(t, false, o["IsClosed"])
	require.Equal(t, 90.0, o["Probability"])

	d := b.do(t, "GET", testBase+"/sobjects/Case/describe", nil).obj(t)
	var values []string
	for _, f := range d["fields"].([]any) {
		if fm := f.(map[string]any); fm["name"] == "Status" {
			for _, v := range fm["picklistValues"].([]any) {
				values = append(values, v.(map[string]any)["value"].(string))
			}
			require.Equal(t, true, fm["restrictedPicklist"])
			require.Equal(t, "New", fm["defaultValue"])
		}
	}
	require.Equal(t, []string{"New", "Working", "Escalated", "Closed", "Resolved"}, values)
}

func TestCaseDefaultOwner(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	owner := b.sim.DefaultCaseOwnerID()
	require.NotEqual(t, b.sim.DefaultUserID(), owner)
	other := b.sim.AddUser("Rita Agent", "rita@sfsim.example")

	r := b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "OwnerId": other})
	id := r.obj(t)["id"].(string)
	c, _ := b.sim.Get("Case", id)
	require.Equal(t, owner, c["OwnerId"], "without the header the default case owner wins, even over an explicit owner")

	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "OwnerId": other}, "Sforce-Auto-Assign", "FALSE")
	c, _ = b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, other, c["OwnerId"])
	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x"}, "Sforce-Auto-Assign", "false")
	c, _ = b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, b.sim.DefaultUserID(), c["OwnerId"])

	require.NoError(t, b.sim.Update("Case", id, map[string]any{"OwnerId": other}))
	r = b.do(t, "PATCH", testBase+"/sobjects/Case/"+id, map[string]any{"Priority": "High"}, "Sforce-Auto-Assign", "FALSE")
	require.Equal(t, 204, r.status)
	c, _ = b.sim.Get("Case", id)
	require.Equal(t, other, c["OwnerId"])
	b.do(t, "PATCH", testBase+"/sobjects/Case/"+id, map[string]any{"Priority": "Low"})
	c, _ = b.sim.Get("Case", id)
	require.Equal(t, owner, c["OwnerId"], "an update without the header reassigns too")

	require.NoError(t, b.sim.SetDefaultCaseOwner(other))
	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x"})
	c, _ = b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, other, c["OwnerId"])
	require.Error(t, b.sim.SetDefaultCaseOwner(missingID("005")))
}

func TestCaseRecordTypes(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	rts := records(t, b.query(t, "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Case' AND IsActive = true"))
	require.Len(t, rts, 1)
	support := rts[0]["Id"].(string)
	billing, err := b.sim.AddRecordType("Case", "Billing", "Billing")
	require.NoError(t, err)
	acctRT, err := b.sim.AddRecordType("Account", "Partner", "Partner")
	require.NoError(t, err)
	me := b.sim.DefaultUserID()

	r := b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x"})
	c, _ := b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, support, c["RecordTypeId"], "the caller's default record type applies")

	require.NoError(t, b.sim.SetDefaultRecordType(me, billing))
	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x"})
	c, _ = b.sim.Get("Case", r.obj(t)["id"].(string))
	require.Equal(t, billing, c["RecordTypeId"])

	infos := map[string]map[string]any{}
	for _, x := range b.do(t, "GET", testBase+"/sobjects/Case/describe", nil).obj(t)["recordTypeInfos"].([]any) {
		m := x.(map[string]any)
		infos[m["developerName"].(string)] = m
	}
	require.Len(t, infos, 3)
	require.Equal(t, true, infos["Billing"]["defaultRecordTypeMapping"])
	require.Equal(t, false, infos["Support"]["defaultRecordTypeMapping"])
	require.Equal(t, false, infos["Master"]["defaultRecordTypeMapping"])

	b.sim.SetRecordTypeAvailable(me, support, false)
	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "RecordTypeId": support})
	require.Equal(t, 400, r.status)
	require.Equal(t, "INVALID_CROSS_REFERENCE_KEY", r.errorCode(t))
	require.Contains(t, string(r.body), "Record Type ID: this ID value isn't valid for the user: "+support)
	require.Contains(t, string(r.body), `"fields":["RecordTypeId"]`)
	for _, x := range b.do(t, "GET", testBase+"/sobjects/Case/describe", nil).obj(t)["recordTypeInfos"].([]any) {
		if m := x.(map[string]any); m["recordTypeId"] == support {
			require.Equal(t, false, m["available"])
		}
	}

	for _, bad := range []string{acctRT, missingID("012"), masterRecordType} {
		r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "RecordTypeId": bad})
		require.Equal(t, "INVALID_CROSS_REFERENCE_KEY", r.errorCode(t), bad)
	}
	r = b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x", "RecordTypeId": billing})
	require.Equal(t, 201, r.status, string(r.body))
}

func TestCaseCustomFieldsAndUpsert(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{CustomFields: map[string][]FieldSpec{
		"Case": {{Name: "Intercom_Conversation_Id__c", Type: "string", Length: 40, ExternalID: true, Unique: true},
			{Name: "Product_Area__c", Type: "picklist", Picklist: []string{"Billing", "Auth"}, Required: true}},
	}})
	r := b.do(t, "POST", testBase+"/sobjects/Case", map[string]any{"Subject": "x"})
	require.Equal(t, 400, r.status)
	require.Equal(t, "REQUIRED_FIELD_MISSING", r.errorCode(t))
	require.Contains(t, string(r.body), `"message":"Required fields are missing: [Product_Area__c]"`)
	require.Contains(t, string(r.body), `"fields":["Product_Area__c"]`)

	path := testBase + "/sobjects/Case/Intercom_Conversation_Id__c/1295"
	r = b.do(t, "PATCH", path, map[string]any{"Subject": "Login broken", "Product_Area__c": "Auth"}, "Sforce-Auto-Assign", "FALSE")
	require.Equal(t, 201, r.status, string(r.body))
	created := r.obj(t)
	require.Equal(t, true, created["created"])
	r = b.do(t, "PATCH", path, map[string]any{"Status": "Closed", "Description": "transcript"}, "Sforce-Auto-Assign", "FALSE")
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, false, r.obj(t)["created"])
	require.Equal(t, created["id"], r.obj(t)["id"])
	c, _ := b.sim.Get("Case", created["id"].(string))
	require.Equal(t, true, c["IsClosed"])
	require.Equal(t, "1295", c["Intercom_Conversation_Id__c"])
	require.Equal(t, b.sim.DefaultUserID(), c["OwnerId"])
}
