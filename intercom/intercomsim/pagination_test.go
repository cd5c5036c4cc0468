package intercomsim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// naivePaginate is the reference paging: sort everything, binary search
// the cursor, slice the page.
func naivePaginate[T any](items []T, key func(T) sortKey, desc bool, per int, after string) (pageResult[T], *apiError) {
	order := func(a, b sortKey) int {
		if desc {
			return compareKeys(b, a)
		}
		return compareKeys(a, b)
	}
	all := slices.Clone(items)
	slices.SortFunc(all, func(a, b T) int { return order(key(a), key(b)) })
	start, page := 0, 1
	if after != "" {
		c, e := decodeCursor(after)
		if e != nil {
			return pageResult[T]{}, e
		}
		start, _ = slices.BinarySearchFunc(all, c.Key, func(e T, t sortKey) int {
			if order(key(e), t) <= 0 {
				return -1
			}
			return 1
		})
		page = c.Page + 1
	}
	end := min(start+per, len(all))
	res := pageResult[T]{Total: len(all)}
	res.Items = append(res.Items, all[start:end]...)
	res.Pages = map[string]any{"type": "pages", "page": page, "per_page": per, "total_pages": (len(all) + per - 1) / per}
	if end < len(all) && end > start {
		res.Pages["next"] = map[string]any{"page": page + 1, "starting_after": encodeCursor(pageCursor{Key: key(all[end-1]), Page: page})}
	}
	return res, nil
}

// nextCursor returns the starting_after of a page, "" on the last page.
func nextCursor(p map[string]any) string {
	next, ok := p["next"].(map[string]any)
	if !ok {
		return ""
	}
	return next["starting_after"].(string)
}

func TestPaginateMatchesFullSort(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(7, 11))
	type item struct {
		v   any
		seq int
	}
	var items []item
	for i := range 500 {
		var v any
		switch rnd.IntN(4) {
		case 0:
			v = nil
		case 1:
			v = int64(rnd.IntN(20))
		case 2:
			v = fmt.Sprintf("s%d", rnd.IntN(20))
		default:
			v = ""
		}
		items = append(items, item{v, i + 1})
	}
	key := func(it item) sortKey { return sortKeyOf(it.v, it.seq) }
	for _, desc := range []bool{false, true} {
		for _, per := range []int{1, 7, 50, 150} {
			after, pages := "", 0
			for {
				got, e := paginate(items, key, desc, per, after)
				require.Nil(t, e)
				want, e := naivePaginate(items, key, desc, per, after)
				require.Nil(t, e)
				require.Equal(t, want, got, "desc=%v per=%d page=%d", desc, per, pages+1)
				pages++
				if after = nextCursor(got.Pages); after == "" {
					break
				}
			}
			require.Equal(t, (len(items)+per-1)/per, pages)
		}
	}
	// A cursor past every item gives an empty last page.
	end := encodeCursor(pageCursor{Key: sortKey{Seq: 1 << 30, Str: "zzz", IsStr: true}, Page: 3})
	got, e := paginate(items, key, false, 10, end)
	require.Nil(t, e)
	want, _ := naivePaginate(items, key, false, 10, end)
	require.Equal(t, want, got)
	require.Empty(t, got.Items)
}

// churnedSim builds a workspace with companies, contacts attached to them,
// and every change that moves a contact in or out of a company: detach,
// delete, merge, company delete, archive and role change.
func churnedSim(t *testing.T) (*Server, []string) {
	t.Helper()
	sim := New(Options{Now: func() time.Time { return fixedNow }})
	var cos []string
	for i := range 12 {
		cos = append(cos, sim.UpsertCompany(CompanySeed{CompanyID: fmt.Sprintf("C%d", i), Name: fmt.Sprintf("Co %d", i)}))
	}
	var ids []string
	for i := range 300 {
		role := "user"
		if i%4 == 0 {
			role = "lead"
		}
		seed := ContactSeed{Role: role, Email: fmt.Sprintf("p%d@example.com", i)}
		if i%3 != 0 {
			seed.CompanyIDs = []string{cos[i%7], cos[i%7], cos[(i+1)%11]}
		}
		id, err := sim.CreateContact(seed)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	for i, id := range ids {
		c := sim.contacts[id]
		switch i % 10 {
		case 1:
			sim.deleteContact(c)
		case 2:
			if co := sim.companies[cos[(i+1)%11]]; co != nil && slices.Contains(c.CompanyIDs, co.ID) {
				j := slices.Index(c.CompanyIDs, co.ID)
				c.CompanyIDs = slices.Delete(c.CompanyIDs, j, j+1)
				detachMember(co, c)
			}
		case 4:
			if j := i + 1; j < len(ids) && c.Role == "lead" {
				if into := sim.contacts[ids[j]]; into != nil && into.Role == "user" {
					_, e := sim.mergeContacts(c.ID, into.ID, true, "2.16")
					require.Nil(t, e)
				}
			}
		case 5:
			c.Archived = true
		case 6:
			require.Nil(t, sim.updateContact(c, map[string]any{"role": "lead"}))
		case 7:
			co := sim.companies[cos[11]]
			if !slices.Contains(c.CompanyIDs, co.ID) {
				c.CompanyIDs = append(c.CompanyIDs, co.ID)
				addMember(co, c)
			}
		}
	}
	return sim, cos
}

func TestUserCountMatchesContacts(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	var cos []string
	for i := range 3 {
		cos = append(cos, b.sim.UpsertCompany(CompanySeed{CompanyID: fmt.Sprintf("C%d", i), Name: fmt.Sprintf("Co %d", i)}))
	}
	lead, err := b.sim.CreateContact(ContactSeed{Role: "lead", Email: "same@example.com", CompanyIDs: []string{cos[0], cos[0]}})
	require.NoError(t, err)
	user, err := b.sim.CreateContact(ContactSeed{Email: "same@example.com", CompanyIDs: []string{cos[1]}})
	require.NoError(t, err)
	other, err := b.sim.CreateContact(ContactSeed{Email: "other@example.com"})
	require.NoError(t, err)
	count := func(id string) any {
		_, body := b.call(t, "GET", "/companies/"+id, "2.16", nil)
		return body["user_count"]
	}
	require.Equal(t, []any{1.0, 1.0, 0.0}, []any{count(cos[0]), count(cos[1]), count(cos[2])})

	_, body := b.call(t, "POST", "/contacts/"+other+"/companies", "2.16", map[string]any{"id": cos[2]})
	require.Equal(t, 1.0, body["user_count"])
	_, body = b.call(t, "POST", "/contacts/merge", "2.16", map[string]any{"from": lead, "into": user})
	require.Equal(t, user, body["id"])
	require.Equal(t, []any{1.0, 1.0, 1.0}, []any{count(cos[0]), count(cos[1]), count(cos[2])}, "the user inherits the lead's company")

	_, body = b.call(t, "DELETE", "/contacts/"+other+"/companies/"+cos[2], "2.16", nil)
	require.Equal(t, 0.0, body["user_count"])
	_, body = b.call(t, "POST", "/contacts/"+other+"/archive", "2.16", nil)
	require.Equal(t, true, body["archived"])
	_, _ = b.call(t, "POST", "/contacts/"+other+"/companies", "2.16", map[string]any{"id": cos[2]})
	require.Equal(t, 1.0, count(cos[2]), "archived contacts still count")
	_, _ = b.call(t, "DELETE", "/contacts/"+other, "2.16", nil)
	require.Equal(t, 0.0, count(cos[2]))
	_, body = b.call(t, "GET", "/companies/"+cos[0]+"/contacts", "2.16", nil)
	require.Equal(t, 1.0, body["total_count"])
	require.Equal(t, user, body["data"].([]any)[0].(map[string]any)["id"])
}

func TestIndexesMatchFullScan(t *testing.T) {
	t.Parallel()
	sim, cos := churnedSim(t)
	_, e := sim.httpDeleteCompany(httptestWithID(cos[3]))
	require.Nil(t, e)
	sim.mu.Lock()
	defer sim.mu.Unlock()
	var listed []*company
	for _, co := range sim.companyList {
		n := 0
		for _, c := range sim.contactList {
			if !c.deleted && c.MergedInto == "" && slices.Contains(c.CompanyIDs, co.ID) {
				n++
			}
		}
		if co.deleted {
			continue // not observable: deleted companies are never rendered
		}
		require.Equal(t, n, sim.userCount(co), co.CompanyID)
		if n > 0 {
			listed = append(listed, co)
		}
	}
	require.Less(t, len(listed), len(sim.companyList))
	for _, desc := range []bool{false, true} {
		order := slices.Clone(listed)
		if desc {
			slices.Reverse(order)
		}
		for start := range len(order) + 2 {
			items, total := sim.listedCompanyPage(start, 3, desc)
			require.Equal(t, len(order), total)
			require.Equal(t, order[min(start, len(order)):min(start+3, len(order))], items, "start %d desc %v", start, desc)
		}
	}

	live := sim.liveContacts()
	require.Equal(t, len(live), sim.liveCount)
	require.Less(t, len(live), len(sim.contactList))
	key := func(c *contact) sortKey { return sortKey{Seq: c.seq} }
	for _, per := range []int{1, 9, 150} {
		after, pages := "", 0
		for {
			got, e := sim.listContactsPage(per, after)
			require.Nil(t, e)
			want, _ := naivePaginate(live, key, false, per, after)
			require.Equal(t, want, got, "per=%d page=%d", per, pages+1)
			pages++
			if after = nextCursor(got.Pages); after == "" {
				break
			}
		}
		require.Equal(t, (len(live)+per-1)/per, pages)
	}
	for _, k := range []sortKey{{Null: true, Seq: 5}, {Str: "x", IsStr: true}, {Num: -1, Seq: 40}, {Seq: 1 << 30}} {
		after := encodeCursor(pageCursor{Key: k, Page: 2})
		got, e := sim.listContactsPage(10, after)
		require.Nil(t, e)
		want, _ := naivePaginate(live, key, false, 10, after)
		require.Equal(t, want, got, "%+v", k)
	}
}

// httptestWithID is a request whose path value id is id.
func httptestWithID(id string) *http.Request {
	r := httptest.NewRequest("DELETE", "/companies/"+id, nil)
	r.SetPathValue("id", id)
	return r
}
