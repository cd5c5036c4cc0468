package intercomsim

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// apiReads collects what the API answers to every read a client can make
// of the workspace: lists, each record (deleted and merged ones too), its
// tags, notes and companies, searches, attributes, admins and tags.
func apiReads(t *testing.T, b *testBundle, contactIDs, companyIDs, convIDs []string) map[string]any {
	t.Helper()
	out := map[string]any{}
	get := func(path, version string) map[string]any {
		resp, body := b.call(t, "GET", path, version, nil)
		delete(body, "request_id") // random per error
		out[version+" GET "+path] = map[string]any{"status": resp.StatusCode, "link": resp.Header.Get("Link"), "body": body}
		return body
	}
	post := func(path string, body any) {
		resp, got := b.call(t, "POST", path, "2.16", body)
		delete(got, "request_id")
		out["POST "+path+" "+fmt.Sprint(body)] = map[string]any{"status": resp.StatusCode, "body": got}
	}
	for _, p := range []string{"/me", "/admins", "/tags", "/data_attributes", "/data_attributes?include_archived=true",
		"/conversations/attributes", "/companies?per_page=60", "/companies/list", "/conversations?per_page=150"} {
		get(p, "2.16")
	}
	for path := "/contacts?per_page=25"; path != ""; {
		body := get(path, "2.16")
		path = ""
		if next, ok := body["pages"].(map[string]any)["next"].(map[string]any); ok {
			path = "/contacts?per_page=25&starting_after=" + next["starting_after"].(string)
		}
	}
	for _, id := range contactIDs {
		for _, v := range []string{"2.14", "2.16"} {
			get("/contacts/"+id, v)
		}
		get("/contacts/"+id+"/tags", "2.16")
		get("/contacts/"+id+"/notes", "2.16")
		get("/contacts/"+id+"/companies", "2.16")
	}
	for _, id := range companyIDs {
		get("/companies/"+id, "2.16")
		get("/companies/"+id+"/contacts", "2.16")
	}
	for _, id := range convIDs {
		for _, v := range []string{"2.14", "2.16"} {
			get("/conversations/"+id, v)
		}
	}
	post("/contacts/search", map[string]any{"query": map[string]any{"field": "role", "operator": "=", "value": "user"},
		"pagination": map[string]any{"per_page": 150}})
	post("/contacts/search", map[string]any{"query": map[string]any{"field": "custom_attributes.plan", "operator": "=", "value": "pro"},
		"pagination": map[string]any{"per_page": 150}})
	post("/conversations/search", map[string]any{"query": map[string]any{"field": "state", "operator": "=", "value": "open"},
		"pagination": map[string]any{"per_page": 150}})
	return out
}

func TestSaveLoadStateRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	res := b.sim.Seed(SeedOptions{Seed: 7, Users: 30, Leads: 10, Conversations: 8})
	require.NoError(t, b.sim.DefineDataAttribute("company", "arr", "float"))
	require.NoError(t, b.sim.DefineDataAttribute("contact", "seats", "integer"))

	// Churn: deletes, a merge, an archive, tags, notes, a deleted company,
	// float and integer attributes, a Custom Action and a subscription.
	require.NoError(t, b.sim.DeleteContact(res.UserIDs[3]))
	require.NoError(t, b.sim.UpdateContact(res.UserIDs[4], map[string]any{"custom_attributes": map[string]any{"seats": 12}}))
	require.NoError(t, b.sim.UpdateCompany(res.CompanyIDs[1], map[string]any{"custom_attributes": map[string]any{"arr": 1200}}))
	require.NoError(t, b.sim.UpdateCompany(res.CompanyIDs[2], map[string]any{"custom_attributes": map[string]any{"arr": 99.5}}))
	lead, err := b.sim.CreateContact(ContactSeed{Role: "lead", Email: "dup@merge.example"})
	require.NoError(t, err)
	user, err := b.sim.CreateContact(ContactSeed{Email: "dup@merge.example", CompanyIDs: []string{res.CompanyIDs[0]}})
	require.NoError(t, err)
	resp, _ := b.call(t, "POST", "/contacts/merge", "2.16", map[string]any{"from": lead, "into": user})
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = b.call(t, "POST", "/contacts/"+res.UserIDs[5]+"/archive", "2.16", nil)
	require.Equal(t, 200, resp.StatusCode)
	resp, tag := b.call(t, "POST", "/tags", "2.16", map[string]any{"name": "VIP"})
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = b.call(t, "POST", "/contacts/"+res.UserIDs[6]+"/tags", "2.16", map[string]any{"id": tag["id"]})
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = b.call(t, "POST", "/contacts/"+res.UserIDs[6]+"/notes", "2.16", map[string]any{"body": "Called about renewal"})
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = b.call(t, "DELETE", "/companies/"+res.CompanyIDs[9], "2.16", nil)
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, b.sim.TagConversation(res.ConversationIDs[0], "urgent", res.AdminIDs[1]))
	b.sim.AddCustomAction(CustomAction{Name: "create-case", URL: "http://bridge.example/actions/cases", Token: "tok",
		Headers: map[string]string{"X-Extra": "1"}})
	subID := b.sim.Subscribe("http://127.0.0.1:1/hooks", []string{"contact.user.created", "company.created"})

	var contactIDs []string
	b.sim.mu.Lock()
	for _, c := range b.sim.contactList {
		contactIDs = append(contactIDs, c.ID)
	}
	b.sim.mu.Unlock()
	companyIDs := append(append([]string{}, res.CompanyIDs...), res.FixtureCompanyID)
	convIDs := append(append([]string{}, res.ConversationIDs...), res.NoraConversationID, res.TheoConversationID)

	var snap bytes.Buffer
	require.NoError(t, b.sim.SaveState(&snap))

	loaded := setup(t, Options{})
	require.NoError(t, loaded.sim.LoadState(bytes.NewReader(snap.Bytes())))

	require.Equal(t, apiReads(t, b, contactIDs, companyIDs, convIDs), apiReads(t, loaded, contactIDs, companyIDs, convIDs))
	require.Equal(t, b.sim.Subscriptions(), loaded.sim.Subscriptions())
	loaded.sim.mu.Lock()
	require.Equal(t, float64(1200), loaded.sim.companies[res.CompanyIDs[1]].CustomAttributes["arr"]) // float, though whole
	require.Equal(t, int64(12), loaded.sim.contacts[res.UserIDs[4]].CustomAttributes["seats"])
	loaded.sim.mu.Unlock()
	require.Equal(t, subID, loaded.sim.Subscriptions()[0].ID)

	// Saving the loaded workspace gives the same snapshot.
	var again bytes.Buffer
	require.NoError(t, loaded.sim.SaveState(&again))
	require.JSONEq(t, snap.String(), again.String())

	// Ids continue where the saved workspace stopped: both hand out the
	// same new ids, none of them already taken.
	for _, s := range []*testBundle{b, loaded} {
		s.sim.mu.Lock()
		s.sim.hooks.mu.Lock()
		s.sim.hooks.subs = nil // no deliveries to the dead endpoint
		s.sim.hooks.mu.Unlock()
		s.sim.mu.Unlock()
	}
	var newIDs [2][]string
	for i, s := range []*testBundle{b, loaded} {
		id, err := s.sim.CreateContact(ContactSeed{Email: "new@after.example", CompanyIDs: []string{res.CompanyIDs[0]}})
		require.NoError(t, err)
		require.NotContains(t, contactIDs, id)
		co := s.sim.UpsertCompany(CompanySeed{CompanyID: "NEW-1", Name: "New Co"})
		require.NotContains(t, companyIDs, co)
		conv, err := s.sim.CreateConversation(id, "hello")
		require.NoError(t, err)
		require.NotContains(t, convIDs, conv)
		s.sim.mu.Lock()
		part := s.sim.conversations[conv].Parts
		s.sim.mu.Unlock()
		require.Empty(t, part)
		newIDs[i] = []string{id, co, conv, s.sim.AddAdmin("New Admin", "new.admin@support.example")}
	}
	require.Equal(t, newIDs[0], newIDs[1])

	// Uniqueness survives: the saved users' emails are still taken.
	_, err = loaded.sim.CreateContact(ContactSeed{Email: "dup@merge.example"})
	require.Error(t, err)
}

func TestLoadStateRejectsOtherFormats(t *testing.T) {
	t.Parallel()
	sim := New(Options{})
	defer sim.Close()
	before := sim.Admins()

	err := sim.LoadState(strings.NewReader(`{"format":"intercomsim-state","version":99}`))
	require.ErrorContains(t, err, "format version 99")
	err = sim.LoadState(strings.NewReader(`{"format":"sfsim-state","version":1}`))
	require.ErrorContains(t, err, "not an Intercom simulator snapshot")
	err = sim.LoadState(strings.NewReader(`not json`))
	require.ErrorContains(t, err, "not a snapshot")
	require.Equal(t, before, sim.Admins())
}

func TestLoadStateKeepsWebhooksFlowing(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	src := New(Options{})
	defer src.Close()
	src.Subscribe(hook.URL, nil)
	var snap bytes.Buffer
	require.NoError(t, src.SaveState(&snap))

	dst := New(Options{})
	defer dst.Close()
	require.NoError(t, dst.LoadState(&snap))
	_, err := dst.CreateContact(ContactSeed{Email: "after@load.example"})
	require.NoError(t, err)
	require.NoError(t, dst.FlushWebhooks(context.Background()))
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Len(t, rc.got, 1)
	require.Equal(t, "contact.user.created", rc.got[0]["topic"])

	require.True(t, dst.Unsubscribe(dst.Subscriptions()[0].ID))
	require.Empty(t, dst.Subscriptions())
	require.False(t, dst.Unsubscribe("sub_404"))
}
