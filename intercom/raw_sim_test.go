package intercom_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/intercom/intercomsim"
)

func TestSim_RawContacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, version := range []string{"2.14", "2.16"} {
		b := setupSim(t, version)
		c := b.client
		seeded := b.sim.Seed(intercomsim.SeedOptions{Seed: 3, Companies: 4, Users: 23, Leads: 9, Conversations: 1})
		want := len(seeded.UserIDs) + len(seeded.LeadIDs)

		// Listing follows the cursor; every record keeps its custom attributes.
		var listed []string
		roles := map[string]int{}
		for m, err := range c.Contacts.ListRawIter(ctx, &intercom.ListOptions{PerPage: 7}) {
			require.NoError(t, err)
			listed = append(listed, m["id"].(string))
			roles[m["role"].(string)]++
			require.IsType(t, map[string]any{}, m["custom_attributes"])
		}
		require.Len(t, listed, want, version)
		require.Equal(t, map[string]int{"user": len(seeded.UserIDs), "lead": len(seeded.LeadIDs)}, roles)

		// Page by page, as a resumable scan does.
		pages, cursor, seen := 0, "", 0
		for {
			page, resp, err := c.Contacts.ListRaw(ctx, &intercom.ListOptions{PerPage: 10, StartingAfter: cursor})
			require.NoError(t, err)
			seen += len(page)
			pages++
			if cursor = resp.NextCursor; cursor == "" {
				break
			}
		}
		require.Equal(t, want, seen)
		require.Equal(t, (want+9)/10, pages)

		// Search across pages with the cursor in the body, oldest first.
		var last float64
		found := 0
		for m, err := range c.Contacts.SearchRawIter(ctx, &intercom.SearchRequest{
			Query:      intercom.Where("updated_at", intercom.OpGreaterThan, 0),
			Pagination: &intercom.Pagination{PerPage: 5},
			Sort:       &intercom.Sort{Field: "updated_at", Order: intercom.SortAscending},
		}) {
			require.NoError(t, err)
			upd := m["updated_at"].(float64)
			require.GreaterOrEqual(t, upd, last)
			last = upd
			found++
		}
		require.Equal(t, want, found, version)

		// A raw update writes custom attributes and the owner in the
		// version's encoding; reading back shows them.
		admin := b.sim.AddAdmin("Olga Owner", "olga@tandem.example")
		id := seeded.UserIDs[0]
		m, _, err := c.Contacts.UpdateRaw(ctx, id, map[string]any{
			"owner_id": admin, "custom_attributes": map[string]any{"plan": "enterprise"},
		})
		require.NoError(t, err, version)
		require.Equal(t, "enterprise", m["custom_attributes"].(map[string]any)["plan"])
		got, _, err := c.Contacts.GetRaw(ctx, id)
		require.NoError(t, err)
		typed := intercom.OwnerID("")
		require.NoError(t, typed.UnmarshalJSON(mustJSON(t, got["owner_id"])))
		require.Equal(t, intercom.OwnerID(admin), typed, version)

		// The typed query finds one person by key and role.
		email := got["email"].(string)
		people, _, err := c.Contacts.SearchRaw(ctx, &intercom.SearchRequest{
			Query:      intercom.And(intercom.Where("email", intercom.OpEquals, email), intercom.Where("role", intercom.OpEquals, intercom.RoleUser)),
			Pagination: &intercom.Pagination{PerPage: 10},
			Sort:       &intercom.Sort{Field: "updated_at", Order: intercom.SortDescending},
		})
		require.NoError(t, err)
		require.Len(t, people, 1)
		require.Equal(t, id, people[0]["id"])

		_, _, err = c.Contacts.GetRaw(ctx, "000000000000000000000000")
		require.ErrorIs(t, err, intercom.ErrNotFound)
	}
}

func TestSim_RawCompanies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, version := range []string{"2.14", "2.16"} {
		b := setupSim(t, version)
		c := b.client
		seeded := b.sim.Seed(intercomsim.SeedOptions{Seed: 5, Companies: 6, Users: 30, Leads: 1, Conversations: 1})

		var scrolled []string
		for m, err := range c.Companies.ScrollRawIter(ctx) {
			require.NoError(t, err)
			scrolled = append(scrolled, m["id"].(string))
		}
		var typed []string
		for co, err := range c.Companies.ScrollIter(ctx) {
			require.NoError(t, err)
			typed = append(typed, co.ID)
		}
		require.NotEmpty(t, scrolled)
		require.Equal(t, typed, scrolled)

		id := seeded.CompanyIDs[0]
		co, _, err := c.Companies.GetRaw(ctx, id)
		require.NoError(t, err)
		cid := co["company_id"].(string)
		byKey, _, err := c.Companies.GetByCompanyIDRaw(ctx, cid)
		require.NoError(t, err, version)
		require.Equal(t, id, byKey["id"], version)
		_, _, err = c.Companies.GetByCompanyIDRaw(ctx, "no-such-company")
		require.ErrorIs(t, err, intercom.ErrNotFound, version)

		m, _, err := c.Companies.UpdateRaw(ctx, id, map[string]any{"name": "Renamed Ltd", "industry": "Retail"})
		require.NoError(t, err, version)
		require.Equal(t, "Renamed Ltd", m["name"])
		simCo, ok := b.sim.Company(id)
		require.True(t, ok)
		require.Equal(t, "Renamed Ltd", simCo["name"])
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
