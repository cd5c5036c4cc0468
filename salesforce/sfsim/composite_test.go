package sfsim

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// compositeResults posts a composite request and returns its subresults.
func (b *testBundle) composite(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	r := b.do(t, "POST", testBase+"/composite", body)
	require.Equal(t, 200, r.status, string(r.body))
	var out []map[string]any
	for _, x := range r.obj(t)["compositeResponse"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func sub(method, path, ref string, body any, headers ...string) map[string]any {
	m := map[string]any{"method": method, "url": testBase + path, "referenceId": ref}
	if body != nil {
		m["body"] = body
	}
	if len(headers) > 0 {
		h := map[string]any{}
		for i := 0; i+1 < len(headers); i += 2 {
			h[headers[i]] = headers[i+1]
		}
		m["httpHeaders"] = h
	}
	return m
}

func TestCompositeReferencesAndOneCall(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	contact, err := b.sim.Insert("Contact", map[string]any{"LastName": "Lovelace", "Email": "ada@example.com"})
	require.NoError(t, err)
	used, _ := b.sim.APIUsage()

	res := b.composite(t, map[string]any{"allOrNone": true, "compositeRequest": []any{
		sub("GET", "/query?q="+url.QueryEscape("SELECT Id, AccountId FROM Contact WHERE Email = 'ada@example.com'"), "who", nil),
		sub("POST", "/sobjects/Case", "newCase", map[string]any{"Subject": "Login broken", "ContactId": "@{who.records[0].Id}", "Origin": "Web"},
			"Sforce-Auto-Assign", "FALSE"),
		sub("POST", "/sobjects/CaseComment", "comment", map[string]any{"ParentId": "@{newCase.id}", "CommentBody": "From conversation 1295"}),
		sub("GET", "/sobjects/Case/@{newCase.id}?fields=CaseNumber,OwnerId,ContactId", "caseNo", nil),
	}})
	require.Len(t, res, 4)
	for i, want := range []float64{200, 201, 201, 200} {
		require.Equal(t, want, res[i]["httpStatusCode"], "%d: %v", i, res[i]["body"])
	}
	require.Equal(t, "newCase", res[1]["referenceId"])
	caseID := res[1]["body"].(map[string]any)["id"].(string)
	require.Equal(t, testBase+"/sobjects/Case/"+caseID, res[1]["httpHeaders"].(map[string]any)["Location"])
	got := res[3]["body"].(map[string]any)
	require.Equal(t, "00001001", got["CaseNumber"])
	require.Equal(t, contact, got["ContactId"])
	require.Equal(t, b.sim.DefaultUserID(), got["OwnerId"], "the subrequest's Sforce-Auto-Assign header applies")
	after, _ := b.sim.APIUsage()
	require.Equal(t, used+1, after, "a composite request is one API call")
}

func TestCompositeAllOrNone(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	acct, err := b.sim.Insert("Account", map[string]any{"Name": "Acme"})
	require.NoError(t, err)
	before := b.sim.Count("Case")

	res := b.composite(t, map[string]any{"allOrNone": true, "compositeRequest": []any{
		sub("POST", "/sobjects/Case", "c1", map[string]any{"Subject": "one"}),
		sub("PATCH", "/sobjects/Account/"+acct, "a1", map[string]any{"Name": "Acme 2"}),
		sub("POST", "/sobjects/Case", "c2", map[string]any{"Subject": "two", "Status": "Bogus"}),
		sub("POST", "/sobjects/Case", "c3", map[string]any{"Subject": "three"}),
	}})
	require.Equal(t, 400.0, res[2]["httpStatusCode"])
	require.Contains(t, fmt.Sprint(res[2]["body"]), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
	for _, i := range []int{0, 1, 3} {
		require.Equal(t, 400.0, res[i]["httpStatusCode"])
		require.Contains(t, fmt.Sprint(res[i]["body"]), "PROCESSING_HALTED")
	}
	require.Equal(t, before, b.sim.Count("Case"), "everything rolled back")
	a, _ := b.sim.Get("Account", acct)
	require.Equal(t, "Acme", a["Name"])

	res = b.composite(t, map[string]any{"allOrNone": false, "compositeRequest": []any{
		sub("POST", "/sobjects/Case", "bad", map[string]any{"Subject": "x", "Status": "Bogus"}),
		sub("POST", "/sobjects/CaseComment", "dependent", map[string]any{"ParentId": "@{bad.id}", "CommentBody": "x"}),
		sub("POST", "/sobjects/Case", "fine", map[string]any{"Subject": "independent"}),
		sub("GET", "/sobjects/Case/@{fine.id}", "read", nil),
		sub("GET", "/query?q="+url.QueryEscape("SELECT Id FROM Case WHERE Subject = 'nothing'"), "empty", nil),
		sub("PATCH", "/sobjects/Case/@{empty.records[0].Id}", "noRow", map[string]any{"Subject": "y"}),
	}})
	require.Equal(t, 400.0, res[0]["httpStatusCode"])
	require.Equal(t, 400.0, res[1]["httpStatusCode"])
	require.Contains(t, fmt.Sprint(res[1]["body"]), "PROCESSING_HALTED")
	require.Equal(t, 201.0, res[2]["httpStatusCode"])
	require.Equal(t, 200.0, res[3]["httpStatusCode"])
	require.Equal(t, 400.0, res[5]["httpStatusCode"])
	require.Contains(t, fmt.Sprint(res[5]["body"]), "PROCESSING_HALTED")
	require.Equal(t, before+1, b.sim.Count("Case"))
}

func TestCompositeLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	many := func(n int, path string) []any {
		var out []any
		for i := range n {
			out = append(out, sub("GET", path, fmt.Sprintf("r%d", i), nil))
		}
		return out
	}
	for name, body := range map[string]map[string]any{
		"26 subrequests": {"compositeRequest": many(26, "/limits")},
		"6 queries":      {"compositeRequest": many(6, "/query?q=SELECT+Id+FROM+Case")},
		"auth header":    {"compositeRequest": []any{sub("GET", "/limits", "a", nil, "Authorization", "Bearer x")}},
		"bad reference":  {"compositeRequest": []any{sub("GET", "/limits", "bad-ref", nil)}},
		"duplicate ref":  {"compositeRequest": append(many(1, "/limits"), many(1, "/limits")...)},
		"empty":          {"compositeRequest": []any{}},
	} {
		r := b.do(t, "POST", testBase+"/composite", body)
		require.Equal(t, 400, r.status, name)
		require.NotEmpty(t, r.errorCode(t), name)
	}
	res := b.composite(t, map[string]any{"compositeRequest": many(5, "/query?q=SELECT+Id+FROM+Case")})
	require.Len(t, res, 5)
	r := b.do(t, "GET", testBase+"/composite", nil)
	require.Equal(t, 405, r.status)
}
