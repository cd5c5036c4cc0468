package intercomsim

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// encodeJSON must write what json.Marshal writes, byte for byte.
func TestEncodeJSONMatchesMarshal(t *testing.T) {
	t.Parallel()
	type custom struct {
		A string `json:"a"`
		B []int  `json:"b,omitempty"`
	}
	values := []any{
		nil, "", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\x01", "héllo wörld", "\u2028\u2029",
		"invalid \xff utf-8", true, false, 0, -17, int64(math.MaxInt64), 0.0, 1.5, -2.25e-7, 1e21, 1e20, 123456789.0, 3e-6,
		json.Number("12.50"), []any{}, []any(nil), []string{"a", "<"}, []string(nil), map[string]any(nil),
		map[string]any{"z": 1, "a": []any{map[string]any{"k": "v", "&": nil}}, "m": map[string]string{"x": "y"}, "é": 2},
		custom{A: "<x>", B: []int{1}}, &custom{}, []any{custom{}, int32(5), uint8(7), float32(1.25)},
	}
	for _, v := range values {
		want, werr := json.Marshal(v)
		got, gerr := encodeJSON(v)
		require.Equal(t, werr != nil, gerr != nil, "%#v", v)
		require.Equal(t, string(want), string(got), "%#v", v)
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), map[string]any{"x": math.Inf(-1)}} {
		_, err := encodeJSON(bad)
		require.Error(t, err)
	}
}

// A rendered contact and a list page encode as json.Marshal encodes them.
func TestEncodeJSONRenderedContact(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	require.NoError(t, s.DefineDataAttribute("contact", "plan", "string"))
	require.NoError(t, s.DefineDataAttribute("contact", "seats", "integer"))
	require.NoError(t, s.DefineDataAttribute("contact", "score", "float"))
	id, err := s.CreateContact(ContactSeed{Email: "a.b+<x>@example.com", Name: "Zoë & Co", Phone: "+1 555",
		CustomAttributes: map[string]any{"plan": "pro", "seats": 12, "score": 0.5}})
	require.NoError(t, err)
	s.mu.Lock()
	item := s.renderContact(s.contacts[id], s.opts.DefaultVersion)
	s.mu.Unlock()
	want, err := json.Marshal(item)
	require.NoError(t, err)
	got, err := encodeJSON(item)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

// A list page encodes each contact directly (rendered); the bytes are
// those of the contact's map, for every kind of contact and version.
func TestRenderedContactMatchesItsMap(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	require.NoError(t, s.DefineDataAttribute("contact", "plan", "string"))
	var companies []string
	for i := range 12 {
		companies = append(companies, s.UpsertCompany(CompanySeed{CompanyID: fmt.Sprint("co-", i), Name: fmt.Sprint("Co ", i)}))
	}
	seeds := []ContactSeed{
		{},
		{Role: "lead", Phone: "+1 555"},
		{Email: "a.b+<x>@example.com", Name: "Zoë & \"Co\"", ExternalID: "ext-1",
			CustomAttributes: map[string]any{"plan": "pro\n"}, CompanyIDs: companies},
		{Email: "plain@example.org", CompanyIDs: companies[:1]},
	}
	for _, seed := range seeds {
		id, err := s.CreateContact(seed)
		require.NoError(t, err)
		s.mu.Lock()
		c := s.contacts[id]
		if seed.Name != "" {
			c.OwnerID = "42" // no admin needed: the rendering alone is tested
		}
		c.Unsubscribed, c.TagIDs, c.NoteIDs, c.SignedUpAt = seed.Role == "lead", []string{"7"}, []string{"8", "9"}, 1700000000
		for _, version := range []string{"2.11", "2.16"} {
			want, err := json.Marshal(s.renderContact(c, version))
			require.NoError(t, err)
			got, err := renderedList(s, contactAttrs, []*contact{c}, version)
			require.NoError(t, err)
			require.Equal(t, "["+string(want)+"]", string(got), "contact %+v, version %s", seed, version)
		}
		s.mu.Unlock()
	}
}
