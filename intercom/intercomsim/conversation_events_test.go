package intercomsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// items returns the data.item of every received notification of topic.
func (rc *receiver) items(topic string) []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []map[string]any
	for _, e := range rc.got {
		if e["topic"] == topic {
			out = append(out, e["data"].(map[string]any)["item"].(map[string]any))
		}
	}
	return out
}

func partsOf(t *testing.T, conv map[string]any) []map[string]any {
	t.Helper()
	cp, ok := conv["conversation_parts"].(map[string]any)
	require.True(t, ok, "conversation_parts missing")
	var out []map[string]any
	for _, p := range cp["conversation_parts"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

func hookSetup(t *testing.T, version string) (*testBundle, *receiver) {
	t.Helper()
	rc := &receiver{}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	b := setup(t, Options{DefaultVersion: version, WebhookRetryDelays: []time.Duration{time.Millisecond}})
	b.sim.Subscribe(hook.URL, nil)
	return b, rc
}

func TestConversationWebhooksCarryTheTriggeringPartAsPlainText(t *testing.T) {
	t.Parallel()
	b, rc := hookSetup(t, "2.15")
	admin := b.sim.Admins()[0]["id"].(string)
	user, err := b.sim.CreateContact(ContactSeed{Email: "ada@example.com", Name: "Ada"})
	require.NoError(t, err)

	resp, _ := b.call(t, "POST", "/conversations", "", map[string]any{"from": map[string]any{"type": "user", "id": user},
		"body": `<p>Login fails, see <a href="https://status.example/login">the status page</a> &amp; advise</p>`})
	require.Equal(t, 200, resp.StatusCode)
	resp, conv := b.call(t, "GET", "/conversations", "", nil)
	require.Equal(t, 200, resp.StatusCode)
	convID := conv["conversations"].([]any)[0].(map[string]any)["id"].(string)

	resp, _ = b.call(t, "POST", "/conversations/"+convID+"/reply", "", map[string]any{"message_type": "note", "type": "admin",
		"admin_id": admin, "body": "<p>Checked <b>logs</b></p><p>Second line</p>"})
	require.Equal(t, 200, resp.StatusCode)
	b.call(t, "POST", "/conversations/"+convID+"/reply", "", map[string]any{"message_type": "comment", "type": "admin", "admin_id": admin, "body": "On it"})
	b.call(t, "POST", "/conversations/"+convID+"/reply", "", map[string]any{"message_type": "comment", "type": "user", "intercom_user_id": user, "body": "Thanks"})
	b.call(t, "POST", "/conversations/"+convID+"/parts", "", map[string]any{"message_type": "assignment", "type": "admin", "admin_id": admin, "assignee_id": admin})
	_, tg := b.call(t, "POST", "/tags", "", map[string]any{"name": "salesforce-case"})
	resp, _ = b.call(t, "POST", "/conversations/"+convID+"/tags", "", map[string]any{"id": tg["id"], "admin_id": admin})
	require.Equal(t, 200, resp.StatusCode)
	b.call(t, "POST", "/conversations/"+convID+"/parts", "", map[string]any{"message_type": "close", "type": "admin", "admin_id": admin})
	flush(t, b.sim)

	created := rc.items("conversation.user.created")
	require.Len(t, created, 1)
	require.Equal(t, "Login fails, see the status page (https://status.example/login) & advise", created[0]["source"].(map[string]any)["body"])

	for topic, want := range map[string][2]string{
		"conversation.admin.noted":    {"note", "Checked logs\nSecond line"},
		"conversation.admin.replied":  {"comment", "On it"},
		"conversation.user.replied":   {"comment", "Thanks"},
		"conversation.admin.assigned": {"assignment", ""},
		"conversation.admin.closed":   {"close", ""},
	} {
		got := rc.items(topic)
		require.Len(t, got, 1, topic)
		parts := partsOf(t, got[0])
		require.Len(t, parts, 1, "%s carries only the part that triggered it", topic)
		require.Equal(t, want[0], parts[0]["part_type"], topic)
		if want[1] != "" {
			require.Equal(t, want[1], parts[0]["body"], topic)
		}
	}
	tagged := rc.items("conversation_part.tag.created")
	require.Len(t, tagged, 1)
	parts := partsOf(t, tagged[0])
	require.Len(t, parts, 1)
	require.Equal(t, "assignment", parts[0]["part_type"], "the most recent part is the one tagged")
	require.Equal(t, "salesforce-case", parts[0]["tags"].([]any)[0].(map[string]any)["name"])
	added := tagged[0]["tags_added"].(map[string]any)["tags"].([]any)
	require.Equal(t, "salesforce-case", added[0].(map[string]any)["name"])

	// The REST API itself stays HTML unless display_as=plaintext.
	_, full := b.call(t, "GET", "/conversations/"+convID, "", nil)
	require.Contains(t, full["source"].(map[string]any)["body"], `<a href="https://status.example/login">`)
	_, plain := b.call(t, "GET", "/conversations/"+convID+"?display_as=plaintext", "", nil)
	require.Equal(t, "Login fails, see the status page (https://status.example/login) & advise", plain["source"].(map[string]any)["body"])
	require.Equal(t, "Checked logs\nSecond line", partsOf(t, plain)[0]["body"])
	note := partsOf(t, full)[0]
	require.Equal(t, "tandem", note["app_package_code"], "parts created through the API carry the app's package code")
}

func TestConversationWebhooksBefore215AreHTML(t *testing.T) {
	t.Parallel()
	b, rc := hookSetup(t, "2.14")
	user, err := b.sim.CreateContact(ContactSeed{Email: "ada@example.com"})
	require.NoError(t, err)
	convID, err := b.sim.CreateConversation(user, "Hello & welcome")
	require.NoError(t, err)
	admin := b.sim.Admins()[0]["id"].(string)
	require.NoError(t, b.sim.ReplyAsAdmin(convID, admin, "noted", true))
	parts, err := b.sim.ConversationParts(convID)
	require.NoError(t, err)
	require.NoError(t, b.sim.TagConversationPart(convID, parts[0][0], "escalate", admin))
	require.Error(t, b.sim.TagConversationPart(convID, "nope", "escalate", admin))
	flush(t, b.sim)
	require.Equal(t, "<p>Hello &amp; welcome</p>", rc.items("conversation.user.created")[0]["source"].(map[string]any)["body"])
	note := partsOf(t, rc.items("conversation.admin.noted")[0])[0]
	require.Equal(t, "<p>noted</p>", note["body"])
	require.Nil(t, note["app_package_code"], "parts made in the Inbox have no app package code")
	tagged := partsOf(t, rc.items("conversation_part.tag.created")[0])
	require.Equal(t, parts[0][0], tagged[0]["id"])
}

func TestAdminInitiatedConversation(t *testing.T) {
	t.Parallel()
	b, rc := hookSetup(t, "2.16")
	admin := b.sim.Admins()[0]["id"].(string)
	user, err := b.sim.CreateContact(ContactSeed{Email: "ada@example.com"})
	require.NoError(t, err)
	resp, msg := b.call(t, "POST", "/messages", "", map[string]any{"message_type": "inapp", "body": "Your invoice is ready",
		"from": map[string]any{"type": "admin", "id": admin}, "to": map[string]any{"type": "user", "id": user}})
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "admin_message", msg["type"])
	resp, body := b.call(t, "POST", "/messages", "", map[string]any{"message_type": "email", "body": "x",
		"from": map[string]any{"type": "admin", "id": admin}, "to": map[string]any{"type": "user", "id": user}})
	require.Equal(t, 400, resp.StatusCode, "email needs a subject")
	require.Equal(t, "parameter_not_found", errCode(t, body))
	_, err = b.sim.StartAdminConversation(admin, user, "Following up")
	require.NoError(t, err)
	flush(t, b.sim)
	got := rc.items("conversation.admin.single.created")
	require.Len(t, got, 2)
	src := got[0]["source"].(map[string]any)
	require.Equal(t, "admin_initiated", src["delivered_as"])
	require.Equal(t, "admin", src["author"].(map[string]any)["type"])
	require.Equal(t, msg["conversation_id"], got[0]["id"])
	require.Empty(t, rc.items("conversation.user.created"))
}

func TestConversationPartsCappedAt500(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	user, err := b.sim.CreateContact(ContactSeed{Email: "ada@example.com"})
	require.NoError(t, err)
	convID, err := b.sim.CreateConversation(user, "hi")
	require.NoError(t, err)
	admin := b.sim.Admins()[0]["id"].(string)
	for i := range 503 {
		require.NoError(t, b.sim.ReplyAsAdmin(convID, admin, "reply "+itoa(int64(i)), false))
	}
	_, conv := b.call(t, "GET", "/conversations/"+convID, "", nil)
	parts := partsOf(t, conv)
	require.Len(t, parts, 500)
	require.Equal(t, "<p>reply 3</p>", parts[0]["body"], "the 500 most recent parts")
	require.Equal(t, "<p>reply 502</p>", parts[499]["body"])
}

func TestRateWindowOption(t *testing.T) {
	t.Parallel()
	// The clock is the test's, so that the calls cannot straddle the end
	// of a window however slowly they run.
	var (
		mu  sync.Mutex
		now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	b := setup(t, Options{RateLimit: 2, RateWindow: 200 * time.Millisecond, Now: clock})
	for range 2 {
		resp, _ := b.call(t, "GET", "/admins", "", nil)
		require.Equal(t, 200, resp.StatusCode)
	}
	resp, body := b.call(t, "GET", "/admins", "", nil)
	require.Equal(t, 429, resp.StatusCode)
	require.Equal(t, "rate_limit_exceeded", errCode(t, body))
	mu.Lock()
	now = now.Add(199 * time.Millisecond)
	mu.Unlock()
	resp, _ = b.call(t, "GET", "/admins", "", nil)
	require.Equal(t, 429, resp.StatusCode, "still the same window")
	mu.Lock()
	now = now.Add(time.Millisecond)
	mu.Unlock()
	resp, _ = b.call(t, "GET", "/admins", "", nil)
	require.Equal(t, 200, resp.StatusCode, "a new window has started")
}

// actionEndpoint records Custom Action calls.
type actionEndpoint struct {
	mu     sync.Mutex
	auth   []string
	bodies []map[string]any
	status int
}

func (a *actionEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.auth = append(a.auth, r.Header.Get("Authorization"))
	a.bodies = append(a.bodies, m)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = w.Write([]byte(`{"case_number":"00001026"}`))
}

func TestCustomActions(t *testing.T) {
	t.Parallel()
	b, rc := hookSetup(t, "2.16")
	ep := &actionEndpoint{status: 200}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	b.sim.AddCustomAction(CustomAction{Name: "create-case", URL: srv.URL + "/intercom/actions/cases", Token: "demo"})

	resp, out := b.call(t, "POST", "/custom_actions/create-case/run", "", map[string]any{"conversation_id": "42", "priority": "High"})
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, true, out["success"])
	require.EqualValues(t, 200, out["http_status"])
	require.Equal(t, "00001026", out["body"].(map[string]any)["case_number"])
	require.Equal(t, []string{"Bearer demo"}, ep.auth)
	require.Equal(t, "42", ep.bodies[0]["conversation_id"])

	ep.mu.Lock()
	ep.status = 401
	ep.mu.Unlock()
	res, err := b.sim.RunCustomAction(t.Context(), "create-case", map[string]any{"conversation_id": "43"})
	require.NoError(t, err)
	require.Equal(t, 401, res.Status)
	_, err = b.sim.RunCustomAction(t.Context(), "nope", nil)
	require.Error(t, err)
	resp, _ = b.call(t, "POST", "/custom_actions/nope/run", "", map[string]any{})
	require.Equal(t, 404, resp.StatusCode)

	flush(t, b.sim)
	runs := rc.items("data_connector.execution.completed")
	require.Len(t, runs, 2)
	require.Equal(t, true, runs[0]["success"])
	require.Equal(t, "42", runs[0]["conversation_id"])
	require.Equal(t, "create-case", runs[0]["action_name"])
	require.Equal(t, false, runs[1]["success"])
	require.Equal(t, "third_party_error", runs[1]["error_type"])
}

func TestSeedFixturesMatchSalesforceSeed(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	res := b.sim.Seed(SeedOptions{Seed: 5})
	emails := map[string]bool{}
	for _, a := range b.sim.Admins() {
		emails[a["email"].(string)] = true
	}
	for _, e := range []string{"operator@tandem.example", "priya.natarajan@support.example", "marco.rossi@support.example"} {
		require.True(t, emails[e], e)
	}
	nora, ok := b.sim.Contact(res.NoraUserID)
	require.True(t, ok)
	require.Equal(t, "nora.single@northwind.example", nora["email"])
	co, ok := b.sim.Company(res.FixtureCompanyID)
	require.True(t, ok)
	require.Equal(t, "NW-001", co["company_id"])
	conv, ok := b.sim.Conversation(res.TheoConversationID)
	require.True(t, ok)
	require.True(t, strings.Contains(conv["source"].(map[string]any)["body"].(string), "SSO"))
}
