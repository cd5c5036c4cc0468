package sfsim

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func leadRec(last, company string) map[string]any {
	return map[string]any{"attributes": map[string]any{"type": "Lead"}, "LastName": last, "Company": company}
}

func TestCollectionsCreatePartialFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	r := b.do(t, "POST", testBase+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		leadRec("Lovelace", "Analytical"), leadRec("Hopper", ""), leadRec("Turing", "Bletchley"),
	}})
	require.Equal(t, 200, r.status, string(r.body))
	res := r.json(t).([]any)
	require.Len(t, res, 3)
	require.Equal(t, true, res[0].(map[string]any)["success"])
	require.Equal(t, map[string]any{"success": false, "errors": []any{map[string]any{
		"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Company]", "fields": []any{"Company"}}}}, res[1])
	require.Equal(t, true, res[2].(map[string]any)["success"])
	require.Equal(t, 2, b.sim.Count("Lead"))
	require.Equal(t, 1, b.sim.Calls()["POST composite/sobjects"])
	used, _ := b.sim.APIUsage()
	require.Equal(t, 1, used, "one collections call is one API call")
}

func TestCollectionsAllOrNone(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	existing, err := b.sim.Insert("Lead", map[string]any{"LastName": "Keep", "Company": "Same"})
	require.NoError(t, err)
	r := b.do(t, "POST", testBase+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{
		leadRec("Lovelace", "Analytical"), leadRec("Hopper", ""),
	}})
	require.Equal(t, 200, r.status)
	res := r.json(t).([]any)
	first := res[0].(map[string]any)
	require.Equal(t, false, first["success"])
	require.NotContains(t, first, "id")
	require.Equal(t, "ALL_OR_NONE_OPERATION_ROLLED_BACK", first["errors"].([]any)[0].(map[string]any)["statusCode"])
	require.Equal(t, "REQUIRED_FIELD_MISSING", res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	require.Equal(t, 1, b.sim.Count("Lead"), "the valid record was rolled back")

	// Updates roll back too.
	upd := func(id, company string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Lead"}, "Id": id, "Company": company}
	}
	r = b.do(t, "PATCH", testBase+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{
		upd(existing, "Changed"), upd(missingID("00Q"), "x"),
	}}, "Sforce-Auto-Assign", "FALSE")
	res = r.json(t).([]any)
	require.Equal(t, existing, res[0].(map[string]any)["id"])
	require.Equal(t, "INVALID_CROSS_REFERENCE_KEY", res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	l, _ := b.sim.Get("Lead", existing)
	require.Equal(t, "Same", l["Company"])

	r = b.do(t, "PATCH", testBase+"/composite/sobjects", map[string]any{"records": []any{upd(existing, "Changed"), leadRec("NoID", "x")}},
		"Sforce-Auto-Assign", "FALSE")
	res = r.json(t).([]any)
	require.Equal(t, true, res[0].(map[string]any)["success"])
	require.Equal(t, "MISSING_ARGUMENT", res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	l, _ = b.sim.Get("Lead", existing)
	require.Equal(t, "Changed", l["Company"])
}

func TestCollectionsUpsertDeleteRetrieve(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	rec := func(ext, last string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "Contact"}, "Ext_Id__c": ext, "LastName": last}
	}
	r := b.do(t, "PATCH", testBase+"/composite/sobjects/Contact/Ext_Id__c", map[string]any{"records": []any{rec("e1", "One"), rec("e2", "Two")}})
	require.Equal(t, 200, r.status, string(r.body))
	res := r.json(t).([]any)
	require.Equal(t, true, res[0].(map[string]any)["created"])
	id1 := res[0].(map[string]any)["id"].(string)
	id2 := res[1].(map[string]any)["id"].(string)

	r = b.do(t, "PATCH", testBase+"/composite/sobjects/Contact/Ext_Id__c", map[string]any{"records": []any{rec("E1", "Uno"), rec("e3", "Three"), rec("e3", "Again")}})
	res = r.json(t).([]any)
	require.Equal(t, map[string]any{"id": id1, "success": true, "errors": []any{}, "created": false}, res[0])
	require.Equal(t, "DUPLICATE_EXTERNAL_ID", res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	c, _ := b.sim.Get("Contact", id1)
	require.Equal(t, "Uno", c["LastName"])

	r = b.do(t, "GET", testBase+"/composite/sobjects/Contact?ids="+id1+","+id2+","+missingID("003")+"&fields=Id,LastName", nil)
	require.Equal(t, 200, r.status, string(r.body))
	got := r.json(t).([]any)
	require.Equal(t, "Uno", got[0].(map[string]any)["LastName"])
	require.Nil(t, got[2])
	r = b.do(t, "POST", testBase+"/composite/sobjects/Contact", map[string]any{"ids": []string{id2}, "fields": []string{"LastName"}})
	require.Equal(t, "Two", r.json(t).([]any)[0].(map[string]any)["LastName"])

	r = b.do(t, "DELETE", testBase+"/composite/sobjects?ids="+id1+","+missingID("003")+"&allOrNone=true", nil)
	res = r.json(t).([]any)
	require.Equal(t, "ALL_OR_NONE_OPERATION_ROLLED_BACK", res[0].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	require.Equal(t, 2, b.sim.Count("Contact"))
	r = b.do(t, "DELETE", testBase+"/composite/sobjects?ids="+id1+","+id2, nil)
	res = r.json(t).([]any)
	require.Equal(t, true, res[1].(map[string]any)["success"])
	require.Zero(t, b.sim.Count("Contact"))
}

func TestCollectionsLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	var recs []any
	for i := range 201 {
		recs = append(recs, leadRec(fmt.Sprint("L", i), "C"))
	}
	r := b.do(t, "POST", testBase+"/composite/sobjects", map[string]any{"records": recs})
	require.Equal(t, 400, r.status)
	require.Equal(t, "EXCEEDED_ID_LIMIT", r.errorCode(t))
	r = b.do(t, "POST", testBase+"/composite/sobjects", map[string]any{"records": []any{map[string]any{"LastName": "x"}}})
	require.Equal(t, "INVALID_TYPE", r.json(t).([]any)[0].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	r = b.do(t, "POST", testBase+"/composite/sobjects", "not json")
	require.Equal(t, "JSON_PARSER_ERROR", r.errorCode(t))
}
