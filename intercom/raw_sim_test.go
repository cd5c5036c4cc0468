package intercom_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
		users := len(seeded.UserIDs) + 2 // and the fixture users, Nora and Theo
		want := users + len(seeded.LeadIDs)

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
		require.Equal(t, map[string]int{"user": users, "lead": len(seeded.LeadIDs)}, roles)

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

// TestSim_PacedWritesStayUnderTheRateLimit runs concurrent writers against
// a simulator that allows 10 requests per second: paced, none is refused.
func TestSim_PacedWritesStayUnderTheRateLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := intercomsim.New(intercomsim.Options{Token: simToken, ClientSecret: simSecret, RateLimit: 10, RateWindow: time.Second})
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	var refused atomic.Int32
	c := intercom.NewClient(simToken, intercom.WithBaseURL(srv.URL), intercom.WithVersion("2.16"),
		intercom.WithPacing(intercom.PaceWrites), intercom.WithMaxRetries(0), intercom.WithRateLimitWait(false),
		intercom.WithResponseHook(func(r *intercom.Response) {
			if r.StatusCode == http.StatusTooManyRequests {
				refused.Add(1)
			}
		}))
	var ids []string
	for i := range 4 {
		id, err := sim.CreateContact(intercomsim.ContactSeed{Email: sprintf("paced%d@example.com", i)})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	// A read tells the client about the window, as a bulk run's scan does.
	_, _, err := c.Contacts.ListRaw(ctx, &intercom.ListOptions{PerPage: 1})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for _, id := range ids {
		wg.Go(func() {
			for j := range 6 {
				_, _, err := c.Contacts.UpdateRaw(ctx, id, map[string]any{"name": sprintf("Paced %d", j)})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, refused.Load())
	for _, id := range ids {
		m, ok := sim.Contact(id)
		require.True(t, ok)
		require.Equal(t, "Paced 5", m["name"])
	}
}
