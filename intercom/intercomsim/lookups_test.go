package intercomsim

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLookupsFollowDeletesAndRoleChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	first := b.sim.UpsertCompany(CompanySeed{CompanyID: "ACC-9", Name: "First"})
	_, err := b.sim.CreateContact(ContactSeed{Email: "a@example.com", CompanyIDs: []string{first}})
	require.NoError(t, err)
	resp, _ := b.call(t, "DELETE", "/companies/"+first, "2.16", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = b.call(t, "GET", "/companies?company_id=ACC-9", "2.16", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	second := b.sim.UpsertCompany(CompanySeed{CompanyID: "ACC-9", Name: "Second"})
	require.NotEqual(t, first, second)
	_, body := b.call(t, "GET", "/companies?company_id=ACC-9", "2.16", nil)
	require.Equal(t, second, body["data"].([]any)[0].(map[string]any)["id"])
	_, body = b.call(t, "POST", "/companies", "2.16", map[string]any{"company_id": "ACC-9", "name": "Renamed"})
	require.Equal(t, second, body["id"])
	require.Equal(t, "Renamed", body["name"])

	id, err := b.sim.CreateContact(ContactSeed{Email: "u@example.com", ExternalID: "ext-1"})
	require.NoError(t, err)
	_, body = b.call(t, "GET", "/contacts/find_by_external_id/ext-1", "2.16", nil)
	require.Equal(t, id, body["id"])
	require.NoError(t, b.sim.UpdateContact(id, map[string]any{"role": "lead"}))
	resp, _ = b.call(t, "GET", "/contacts/find_by_external_id/ext-1", "2.16", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "leads are not found by external id")
	require.NoError(t, b.sim.UpdateContact(id, map[string]any{"role": "user"}))
	_, body = b.call(t, "GET", "/contacts/find_by_external_id/ext-1", "2.16", nil)
	require.Equal(t, id, body["id"])
	require.NoError(t, b.sim.DeleteContact(id))
	resp, _ = b.call(t, "GET", "/contacts/find_by_external_id/ext-1", "2.16", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
