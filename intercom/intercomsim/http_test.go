package intercomsim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAuthAndRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{RateLimit: 2})

	req, err := http.NewRequest(http.MethodGet, b.srv.URL+"/me", nil)
	require.NoError(t, err)
	resp, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Empty(t, resp.Header.Get("X-RateLimit-Limit"))

	resp1, _ := b.call(t, "GET", "/me", "", nil)
	require.Equal(t, "2", resp1.Header.Get("X-RateLimit-Limit"))
	require.Equal(t, "1", resp1.Header.Get("X-RateLimit-Remaining"))
	require.Equal(t, itoa(fixedNow.Truncate(10*time.Second).Add(10*time.Second).Unix()), resp1.Header.Get("X-RateLimit-Reset"))
	b.call(t, "GET", "/admins", "", nil)
	resp3, body := b.call(t, "GET", "/me", "", nil)
	require.Equal(t, http.StatusTooManyRequests, resp3.StatusCode)
	require.Equal(t, "rate_limit_exceeded", errCode(t, body))
	require.Equal(t, "0", resp3.Header.Get("X-RateLimit-Remaining"))
	require.Equal(t, 2, b.sim.Calls()["GET /me"])
	require.Equal(t, 3, b.sim.TotalCalls())
	b.sim.ResetCalls()
	require.Zero(t, b.sim.TotalCalls())
}

func TestContactsLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	require.NoError(t, b.sim.DefineDataAttribute("contact", "plan", "string"))
	adminID := b.sim.Admins()[0]["id"].(string)

	resp, c := b.call(t, "POST", "/contacts", "2.16", map[string]any{"role": "user", "email": "ada@acme.example",
		"external_id": "u1", "name": "Ada", "owner_id": adminID, "custom_attributes": map[string]any{"plan": "pro"}})
	require.Equal(t, 200, resp.StatusCode)
	id := c["id"].(string)
	require.Len(t, id, 24)
	require.Equal(t, adminID, c["owner_id"])
	require.Equal(t, "acme.example", c["email_domain"])

	_, old := b.call(t, "GET", "/contacts/"+id, "2.14", nil)
	require.InDelta(t, float64(mustInt(t, adminID)), old["owner_id"], 0)

	resp, dup := b.call(t, "POST", "/contacts", "2.16", map[string]any{"email": "ADA@acme.example"})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Equal(t, "conflict", errCode(t, dup))
	require.Contains(t, dup["errors"].([]any)[0].(map[string]any)["message"], "id="+id)

	resp, _ = b.call(t, "POST", "/contacts", "2.16", map[string]any{"role": "lead", "email": "ada@acme.example"})
	require.Equal(t, 200, resp.StatusCode, "leads may share an email")

	resp, bad := b.call(t, "PUT", "/contacts/"+id, "2.16", map[string]any{"custom_attributes": map[string]any{"nope": 1}})
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "parameter_invalid", errCode(t, bad))

	resp, up := b.call(t, "PUT", "/contacts/"+id, "2.16", map[string]any{"phone": "+1555", "custom_attributes": map[string]any{"plan": "free"}})
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "+1555", up["phone"])
	require.Equal(t, "free", up["custom_attributes"].(map[string]any)["plan"])

	_, found := b.call(t, "GET", "/contacts/find_by_external_id/u1", "", nil)
	require.Equal(t, id, found["id"])
	require.Equal(t, 1, b.sim.Calls()["GET /contacts/find_by_external_id/{external_id}"])

	resp, nf := b.call(t, "GET", "/contacts/0123456789abcdef01234567", "", nil)
	require.Equal(t, 404, resp.StatusCode)
	require.Equal(t, "not_found", errCode(t, nf))

	_, del := b.call(t, "DELETE", "/contacts/"+id, "", nil)
	require.Equal(t, true, del["deleted"])
	resp, _ = b.call(t, "GET", "/contacts/"+id, "", nil)
	require.Equal(t, 404, resp.StatusCode)
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, ok := toInt64(s)
	require.True(t, ok)
	return n
}

func TestMergeByVersion(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	user, err := b.sim.CreateContact(ContactSeed{Email: "a@x.example"})
	require.NoError(t, err)
	lead, err := b.sim.CreateContact(ContactSeed{Role: "lead", Email: "other@x.example"})
	require.NoError(t, err)

	resp, body := b.call(t, "POST", "/contacts/merge", "2.16", map[string]any{"from": lead, "into": user})
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "invalid_merge", errCode(t, body))

	resp, body = b.call(t, "POST", "/contacts/merge", "2.16", map[string]any{"from": lead, "into": user, "skip_duplicate_validation": true})
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, user, body["id"])

	resp, body = b.call(t, "GET", "/contacts/"+lead, "2.16", nil)
	require.Equal(t, http.StatusGone, resp.StatusCode)
	require.Equal(t, "contact_merged", errCode(t, body))
	require.Equal(t, `</contacts/`+user+`>; rel="canonical"`, resp.Header.Get("Link"))

	resp, body = b.call(t, "GET", "/contacts/"+lead, "2.15", nil)
	require.Equal(t, 404, resp.StatusCode)
	require.Equal(t, "not_found", errCode(t, body))
}

func TestSearchHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for i := range 5 {
		_, err := b.sim.CreateContact(ContactSeed{Email: "p" + itoa(int64(i)) + "@acme.example", Name: "P" + itoa(int64(i))})
		require.NoError(t, err)
	}
	q := map[string]any{"field": "email", "operator": "~", "value": "acme"}
	var seen []string
	after := any(nil)
	for range 10 {
		body := map[string]any{"query": q, "pagination": map[string]any{"per_page": 2, "starting_after": after},
			"sort": map[string]any{"field": "name", "order": "ascending"}}
		resp, page := b.call(t, "POST", "/contacts/search?starting_after=ignored", "2.16", body)
		require.Equal(t, 200, resp.StatusCode, page)
		require.EqualValues(t, 5, page["total_count"])
		for _, d := range page["data"].([]any) {
			seen = append(seen, d.(map[string]any)["name"].(string))
		}
		next, ok := page["pages"].(map[string]any)["next"].(map[string]any)
		if !ok {
			break
		}
		after = next["starting_after"]
	}
	require.Equal(t, []string{"P0", "P1", "P2", "P3", "P4"}, seen)

	resp, body := b.call(t, "POST", "/contacts/search", "2.16", map[string]any{"query": q, "sort": map[string]any{"field": "name", "order": "asc"}})
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "invalid_sort_order", errCode(t, body))
	resp, _ = b.call(t, "POST", "/contacts/search", "2.14", map[string]any{"query": q, "sort": map[string]any{"field": "name", "order": "asc"}})
	require.Equal(t, 200, resp.StatusCode)

	resp, body = b.call(t, "POST", "/contacts/search", "2.16", map[string]any{"query": q, "pagination": map[string]any{"per_page": 151}})
	require.Equal(t, 400, resp.StatusCode)
	require.Equal(t, "parameter_invalid", errCode(t, body))
}

func TestConversationsByVersion(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	cid, err := b.sim.CreateContact(ContactSeed{Email: "c@x.example"})
	require.NoError(t, err)
	resp, msg := b.call(t, "POST", "/conversations", "2.16", map[string]any{"from": map[string]any{"type": "user", "id": cid}, "body": "Help"})
	require.Equal(t, 200, resp.StatusCode)
	convID := msg["conversation_id"].(string)

	_, c16 := b.call(t, "GET", "/conversations/"+convID, "2.16", nil)
	require.EqualValues(t, 0, c16["admin_assignee_id"])
	require.Equal(t, "none", c16["priority"])
	_, c14 := b.call(t, "GET", "/conversations/"+convID, "2.14", nil)
	require.Nil(t, c14["admin_assignee_id"])
	require.Equal(t, "not_priority", c14["priority"])

	adminID := b.sim.Admins()[0]["id"].(string)
	_, note := b.call(t, "POST", "/conversations/"+convID+"/reply", "2.16", map[string]any{"message_type": "note", "type": "admin", "admin_id": mustInt(t, adminID), "body": "Case created"})
	parts := note["conversation_parts"].(map[string]any)["conversation_parts"].([]any)
	require.Equal(t, "note", parts[len(parts)-1].(map[string]any)["part_type"])
	require.Equal(t, "<p>Case created</p>", parts[len(parts)-1].(map[string]any)["body"])

	resp, body := b.call(t, "PUT", "/conversations/"+convID, "2.16", map[string]any{"custom_attributes": map[string]any{"nope": "x"}})
	require.Equal(t, 400, resp.StatusCode)
	require.Contains(t, body["errors"].([]any)[0].(map[string]any)["message"], "Conversation attribute 'nope' does not exist")

	_, closed := b.call(t, "POST", "/conversations/"+convID+"/parts", "2.16", map[string]any{"message_type": "close", "type": "admin", "admin_id": adminID})
	require.Equal(t, "closed", closed["state"])

	_, list := b.call(t, "POST", "/conversations/search", "2.16", map[string]any{"query": map[string]any{"field": "state", "operator": "=", "value": "closed"}})
	require.EqualValues(t, 1, list["total_count"])
	require.Equal(t, "conversation.list", list["type"])

	resp, body = b.call(t, "GET", "/data_attributes?model=conversation", "2.16", nil)
	require.Equal(t, 422, resp.StatusCode)
	require.Equal(t, "parameter_invalid", errCode(t, body))
	resp, _ = b.call(t, "GET", "/data_attributes?model=conversation", "2.14", nil)
	require.Equal(t, 200, resp.StatusCode)

	b.sim.mu.Lock()
	conv := b.sim.conversations[convID]
	for range maxParts + 10 {
		b.sim.addPart(conv, &part{PartType: "comment", Body: "x", AuthorType: "admin", AuthorID: adminID}, "")
	}
	b.sim.mu.Unlock()
	_, full := b.call(t, "GET", "/conversations/"+convID, "2.16", nil)
	require.Len(t, full["conversation_parts"].(map[string]any)["conversation_parts"], maxParts)
}

func TestCompaniesUpsert(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	_, c1 := b.call(t, "POST", "/companies", "", map[string]any{"company_id": "ACC-1", "name": "Acme"})
	_, c2 := b.call(t, "POST", "/companies", "", map[string]any{"company_id": "ACC-1", "industry": "Retail"})
	require.Equal(t, c1["id"], c2["id"])
	require.Equal(t, "Acme", c2["name"])
	require.Equal(t, "Retail", c2["industry"])

	_, list := b.call(t, "GET", "/companies", "", nil)
	require.EqualValues(t, 0, list["total_count"], "companies without contacts are hidden")
	cid, err := b.sim.CreateContact(ContactSeed{Email: "x@acme.example"})
	require.NoError(t, err)
	resp, _ := b.call(t, "POST", "/contacts/"+cid+"/companies", "", map[string]any{"id": c1["id"]})
	require.Equal(t, 200, resp.StatusCode)
	_, list = b.call(t, "GET", "/companies", "", nil)
	require.EqualValues(t, 1, list["total_count"])
	_, contact := b.call(t, "GET", "/contacts/"+cid, "", nil)
	attached := contact["companies"].(map[string]any)
	require.Equal(t, "/contacts/"+cid+"/companies", attached["url"])
	require.Equal(t, map[string]any{"type": "company", "id": c1["id"], "url": "/companies/" + c1["id"].(string)},
		attached["data"].([]any)[0], "an attached company's url is its own path")
	_, byID := b.call(t, "GET", "/companies?company_id=ACC-1", "", nil)
	require.Equal(t, c1["id"], byID["data"].([]any)[0].(map[string]any)["id"])
	resp, body := b.call(t, "POST", "/contacts/"+cid+"/companies", "", map[string]any{"id": "ACC-1"})
	require.Equal(t, 404, resp.StatusCode)
	require.Equal(t, "company_not_found", errCode(t, body))
}

func TestFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	for _, tc := range []struct {
		kind   FaultKind
		status int
	}{{Fault500, 500}, {Fault503, 503}, {Fault429, 429}} {
		b.sim.Faults().FailNext(1, tc.kind)
		resp, body := b.call(t, "GET", "/me", "", nil)
		require.Equal(t, tc.status, resp.StatusCode)
		require.Equal(t, "error.list", body["type"])
	}
	resp, _ := b.call(t, "GET", "/me", "", nil)
	require.Equal(t, 200, resp.StatusCode)

	b.sim.Faults().FailNext(1, FaultDrop)
	// POST: Go's transport does not silently retry it on a fresh connection.
	req, err := http.NewRequest("POST", b.srv.URL+"/contacts/search", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-token")
	_, err = b.srv.Client().Do(req)
	require.Error(t, err)

	b.sim.Faults().SetFailRate(1, Fault503)
	resp, _ = b.call(t, "GET", "/me", "", nil)
	require.Equal(t, 503, resp.StatusCode)
	b.sim.Faults().SetFailRate(0, 0)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"))
}
