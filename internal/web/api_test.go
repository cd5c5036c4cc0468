package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/usecase"
)

const testToken = "test-admin-token"

type apiBundle struct {
	db      *store.DB
	handler http.Handler
}

// setupAPI returns the bridge's handler over a fresh SQLite database with
// an insert-only job queue and no sync engine.
func setupAPI(t *testing.T) apiBundle {
	t.Helper()
	db := storetest.SQLite(t)
	rc, err := river.NewClient(db.RiverDriver(), &river.Config{})
	require.NoError(t, err)
	s := &Server{Installation: tandem.DefaultInstallation, Store: db, River: rc, AdminToken: testToken,
		UseCases: usecase.New(usecase.Config{Store: db, Jobs: rc}), Log: slog.New(slog.DiscardHandler)}
	return apiBundle{db: db, handler: s.Handler()}
}

// call sends a request with the admin token and decodes the JSON answer.
func (b apiBundle) call(t *testing.T, method, path string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, req)
	resp := rec.Result()
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%s %s answers JSON", method, path)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out), "%s %s", method, path)
	return resp, out
}

func errorCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestBodyOverLimitIs413(t *testing.T) {
	t.Parallel()
	b := setupAPI(t)
	big := `{"intercom_contact_id":"` + strings.Repeat("x", maxJSONBody) + `"}`
	resp, out := b.call(t, http.MethodPost, "/api/v1/leads", strings.NewReader(big))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.Equal(t, tandem.EINVALID, errorCode(out))
	require.Contains(t, out["error"].(map[string]any)["message"], "larger than")

	resp, _ = b.call(t, http.MethodPost, "/api/v1/leads", strings.NewReader(`{"intercom_contact_id":`))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "a malformed body under the limit stays a 400")
}

func TestUnknownAPIPathIsJSON404(t *testing.T) {
	t.Parallel()
	b := setupAPI(t)
	for _, path := range []string{"/api/v1/nope", "/api/v2/links", "/api/", "/api/v1/sync-errors/1/retry/again"} {
		resp, out := b.call(t, http.MethodGet, path, nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		require.Equal(t, tandem.ENOTFOUND, errorCode(out), path)
	}
	resp, out := b.call(t, http.MethodGet, "/api/v1/leads", nil)
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Allow"), "POST")
	require.NotEmpty(t, errorCode(out))

	// Outside /api/ the mux answers as before.
	rec := httptest.NewRecorder()
	b.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	require.Equal(t, http.StatusNotFound, rec.Code)
}

func TestSyncErrorsGroupedByCause(t *testing.T) {
	t.Parallel()
	b := setupAPI(t)
	ctx := context.Background()
	for i := range 3 {
		_, err := b.db.RecordSyncError(ctx, tandem.SyncError{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
			Operation: "update_salesforce", IntercomID: fmt.Sprint("ic", i), SalesforceID: fmt.Sprint("003", i), Field: "Email",
			System: "salesforce", Code: "INVALID_EMAIL_ADDRESS", Reason: fmt.Sprintf("Salesforce does not accept person%d@example", i)})
		require.NoError(t, err)
	}
	resp, out := b.call(t, http.MethodGet, "/api/v1/sync-errors", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	groups := out["groups"].([]any)
	require.Len(t, groups, 1, "one cause, although every reason names another person")
	g := groups[0].(map[string]any)
	require.Equal(t, "salesforce/INVALID_EMAIL_ADDRESS/Email", g["key"])
	require.Equal(t, "Email", g["field"])
	require.EqualValues(t, 3, g["errors"])

	resp, out = b.call(t, http.MethodPost, "/api/v1/sync-errors/retry", strings.NewReader(`{"group":"salesforce/INVALID_EMAIL_ADDRESS/Email"}`))
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.EqualValues(t, 3, out["queued"])

	resp, out = b.call(t, http.MethodPost, "/api/v1/sync-errors/retry", strings.NewReader(`{"group":"nope"}`))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, tandem.EINVALID, errorCode(out))
}

func TestLinksPaging(t *testing.T) {
	t.Parallel()
	b := setupAPI(t)
	ctx := context.Background()
	for i := range 3 {
		_, err := b.db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
			IntercomID: fmt.Sprint("ic", i), SalesforceID: fmt.Sprint("003", i), MatchedBy: "email"})
		require.NoError(t, err)
	}
	_, out := b.call(t, http.MethodGet, "/api/v1/links?limit=2", nil)
	require.Len(t, out["links"], 2)
	next := out["next_after"]
	require.NotNil(t, next)
	_, out = b.call(t, http.MethodGet, fmt.Sprintf("/api/v1/links?limit=2&after=%v", next), nil)
	require.Len(t, out["links"], 1)
	require.NotContains(t, out, "next_after", "a page that is not full is the last")
}
