package intercomsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCanvasDriver(t *testing.T) {
	t.Parallel()
	var lastReq map[string]any
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte("test-secret"))
		m.Write(body)
		if r.Header.Get("X-Body-Signature") != hex.EncodeToString(m.Sum(nil)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		lastReq = map[string]any{}
		_ = json.Unmarshal(body, &lastReq)
		if r.URL.Path == "/bad" {
			_, _ = w.Write([]byte(`{"canvas":{"content":{"components":[{"type":"button","id":"x"}]}}}`))
			return
		}
		_, _ = w.Write([]byte(`{"canvas":{"content":{"components":[{"type":"text","text":"Hi"},
			{"type":"button","id":"go","label":"Go","action":{"type":"submit"}}]},"stored_data":{"k":"v"}}}`))
	}))
	t.Cleanup(app.Close)
	b := setup(t, Options{})
	cid, err := b.sim.CreateContact(ContactSeed{Email: "cv@x.example"})
	require.NoError(t, err)
	conv, err := b.sim.CreateConversation(cid, "hello")
	require.NoError(t, err)
	adminID := b.sim.Admins()[0]["id"].(string)
	ctx := context.Background()

	canvas, err := b.sim.CanvasInitialize(ctx, app.URL+"/init", conv, adminID)
	require.NoError(t, err)
	require.Contains(t, string(canvas), `"stored_data"`)
	require.Equal(t, "tandemsim", lastReq["workspace_id"])
	require.Equal(t, cid, lastReq["contact"].(map[string]any)["id"])
	require.EqualValues(t, mustInt(t, conv), lastReq["context"].(map[string]any)["conversation_id"])

	_, err = b.sim.CanvasSubmit(ctx, app.URL+"/submit", conv, adminID, "go", map[string]any{"subject": "x"}, canvas)
	require.NoError(t, err)
	require.Equal(t, "go", lastReq["component_id"])
	require.Equal(t, "x", lastReq["input_values"].(map[string]any)["subject"])
	cur := lastReq["current_canvas"].(map[string]any)["current_canvas"].(map[string]any)
	require.Equal(t, "v", cur["stored_data"].(map[string]any)["k"])

	_, err = b.sim.CanvasInitialize(ctx, app.URL+"/bad", conv, adminID)
	require.ErrorContains(t, err, `lacks "label"`)

	other := New(Options{ClientSecret: "wrong"})
	t.Cleanup(other.Close)
	cid2, _ := other.CreateContact(ContactSeed{Email: "z@x.example"})
	conv2, _ := other.CreateConversation(cid2, "x")
	_, err = other.CanvasInitialize(ctx, app.URL+"/init", conv2, other.Admins()[0]["id"].(string))
	require.ErrorContains(t, err, "401")
}
