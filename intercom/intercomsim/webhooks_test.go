package intercomsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// receiver records webhook deliveries, failing the first failN of them.
type receiver struct {
	mu     sync.Mutex
	failN  int
	got    []map[string]any
	status []int
	badSig int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m := hmac.New(sha1.New, []byte("test-secret"))
	m.Write(body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if r.Header.Get("X-Hub-Signature") != "sha1="+hex.EncodeToString(m.Sum(nil)) {
		rc.badSig++
	}
	if rc.failN > 0 {
		rc.failN--
		rc.status = append(rc.status, 500)
		w.WriteHeader(500)
		return
	}
	var env map[string]any
	_ = json.Unmarshal(body, &env)
	rc.got = append(rc.got, env)
	rc.status = append(rc.status, 200)
}

func (rc *receiver) topics() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, e := range rc.got {
		out = append(out, e["topic"].(string))
	}
	return out
}

func flush(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.FlushWebhooks(ctx))
}

func TestWebhooksDeliverSignedEnvelopes(t *testing.T) {
	t.Parallel()
	rc := &receiver{}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	b := setup(t, Options{WebhookRetryDelays: []time.Duration{time.Millisecond}})
	b.sim.Subscribe(hook.URL, nil)
	b.sim.Subscribe(hook.URL+"/only-companies", []string{"company.created"})

	adminID := b.sim.Admins()[0]["id"].(string)
	resp, c := b.call(t, "POST", "/contacts", "", map[string]any{"email": "w@x.example"})
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, b.sim.UpdateContact(c["id"].(string), map[string]any{"name": "W"}))
	lead, err := b.sim.CreateContact(ContactSeed{Role: "lead", Email: "l@x.example"})
	require.NoError(t, err)
	b.sim.UpsertCompany(CompanySeed{CompanyID: "C1", Name: "C"})
	conv, err := b.sim.CreateConversation(lead, "hi")
	require.NoError(t, err)
	require.NoError(t, b.sim.ReplyAsAdmin(conv, adminID, "hello", false))
	require.NoError(t, b.sim.ReplyAsAdmin(conv, adminID, "internal", true))
	require.NoError(t, b.sim.AssignConversation(conv, adminID, adminID))
	require.NoError(t, b.sim.TagConversation(conv, "escalate", adminID))
	require.NoError(t, b.sim.CloseConversation(conv, adminID))
	require.NoError(t, b.sim.OpenConversation(conv, adminID))
	require.NoError(t, b.sim.DeleteContact(c["id"].(string)))
	flush(t, b.sim)

	require.Equal(t, []string{"contact.user.created", "contact.user.updated", "contact.lead.created",
		"company.created", "company.created", "conversation.user.created", "conversation.admin.replied",
		"conversation.admin.noted", "conversation.admin.assigned", "conversation_part.tag.created",
		"conversation.admin.closed", "conversation.admin.opened", "contact.deleted"}, rc.topics())
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Zero(t, rc.badSig)
	env := rc.got[0]
	require.Equal(t, "notification_event", env["type"])
	require.Equal(t, "tandemsim", env["app_id"])
	require.EqualValues(t, 1, env["delivery_attempts"])
	item := env["data"].(map[string]any)["item"].(map[string]any)
	require.Equal(t, "contact", item["type"])
	require.Equal(t, c["id"], item["id"])
	replied := rc.got[6]["data"].(map[string]any)["item"].(map[string]any)
	parts := replied["conversation_parts"].(map[string]any)["conversation_parts"].([]any)
	require.Len(t, parts, 1, "webhook carries only the triggering part")
}

func TestWebhooksRetryAndDuplicate(t *testing.T) {
	t.Parallel()
	rc := &receiver{failN: 1}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	b := setup(t, Options{WebhookRetryDelays: []time.Duration{time.Millisecond, time.Millisecond}})
	b.sim.Subscribe(hook.URL, []string{"contact.user.created"})
	_, err := b.sim.CreateContact(ContactSeed{Email: "r@x.example"})
	require.NoError(t, err)
	flush(t, b.sim)
	rc.mu.Lock()
	require.Equal(t, []int{500, 200}, rc.status)
	require.EqualValues(t, 2, rc.got[0]["delivery_attempts"])
	rc.mu.Unlock()

	b.sim.SetWebhookDuplication(1)
	_, err = b.sim.CreateContact(ContactSeed{Email: "d@x.example"})
	require.NoError(t, err)
	flush(t, b.sim)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.Len(t, rc.got, 3)
	require.Equal(t, rc.got[1]["id"], rc.got[2]["id"], "a duplicate keeps the notification id")
	require.Zero(t, b.sim.PendingWebhooks())
}

func TestWebhooksGiveUpAndClose(t *testing.T) {
	t.Parallel()
	rc := &receiver{failN: 100}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	b := setup(t, Options{WebhookRetryDelays: []time.Duration{time.Millisecond}})
	b.sim.Subscribe(hook.URL, nil)
	_, err := b.sim.CreateContact(ContactSeed{Email: "g@x.example"})
	require.NoError(t, err)
	flush(t, b.sim)
	rc.mu.Lock()
	require.Equal(t, []int{500, 500}, rc.status, "one retry, then the notification is dropped")
	rc.mu.Unlock()
	b.sim.Close()
	b.sim.Close()
	_, err = b.sim.CreateContact(ContactSeed{Email: "h@x.example"})
	require.NoError(t, err)
	require.Zero(t, b.sim.PendingWebhooks())
}
