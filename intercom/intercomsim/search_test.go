package intercomsim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	filter := func(i int) string { return `{"field":"email","operator":"=","value":"a@b.c"}` }
	group := func(n int) string {
		s := `{"operator":"AND","value":[`
		for i := range n {
			if i > 0 {
				s += ","
			}
			s += filter(i)
		}
		return s + `]}`
	}
	tests := []struct {
		name  string
		query string
		ok    bool
	}{
		{"single filter", filter(0), true},
		{"and group", group(2), true},
		{"fifteen filters", group(15), true},
		{"sixteen filters", group(16), false},
		{"two levels", `{"operator":"AND","value":[{"operator":"OR","value":[` + filter(0) + `]}]}`, true},
		{"three levels", `{"operator":"AND","value":[{"operator":"OR","value":[{"operator":"AND","value":[` + filter(0) + `]}]}]}`, false},
		{"empty group", `{"operator":"AND","value":[]}`, false},
		{"unknown operator", `{"field":"email","operator":"LIKE","value":"x"}`, false},
		{"missing field", `{"operator":"=","value":"x"}`, false},
		{"missing value", `{"field":"email","operator":"="}`, false},
		{"IN needs array", `{"field":"email","operator":"IN","value":"x"}`, false},
		{"array needs IN", `{"field":"email","operator":"=","value":["x"]}`, false},
		{"IN with array", `{"field":"email","operator":"IN","value":["x","y"]}`, true},
		{"not an object", `"email"`, false},
		{"object value", `{"field":"email","operator":"=","value":{"a":1}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var raw any
			require.NoError(t, json.Unmarshal([]byte(tt.query), &raw))
			_, e := parseQuery(raw)
			if tt.ok {
				require.Nil(t, e)
			} else {
				require.NotNil(t, e)
				require.Equal(t, 400, e.Status)
				require.Equal(t, "parameter_invalid", e.Code)
			}
		})
	}
}

func TestContactSearchSemantics(t *testing.T) {
	t.Parallel()
	sim := New(Options{Now: func() time.Time { return fixedNow }})
	require.NoError(t, sim.DefineDataAttribute("contact", "plan", "string"))
	require.NoError(t, sim.DefineDataAttribute("contact", "seats", "integer"))
	day := fixedNow.Truncate(24 * time.Hour).Unix()
	mk := func(email, role string, updated int64, plan string, seats int) string {
		id, err := sim.CreateContact(ContactSeed{Role: role, Email: email, CustomAttributes: map[string]any{"plan": plan, "seats": seats}})
		require.NoError(t, err)
		sim.mu.Lock()
		sim.contacts[id].UpdatedAt = updated
		sim.mu.Unlock()
		return id
	}
	early := mk("ada@acme.example", "user", day+3600, "pro", 5)           // same day, 01:00
	late := mk("grace@globex.example", "user", day+20*3600, "free", 1)    // same day, 20:00
	next := mk("linus@acme.example", "lead", day+86400+60, "pro", 50)     // next day
	prev := mk("tim@initech.example", "user", day-3600, "enterprise", 12) // previous day

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"date = matches whole day", `{"field":"updated_at","operator":"=","value":` + itoa(day+3600) + `}`, []string{early, late}},
		{"date > starts next day", `{"field":"updated_at","operator":">","value":` + itoa(day+3600) + `}`, []string{next}},
		{"date < before the day", `{"field":"updated_at","operator":"<","value":` + itoa(day+20*3600) + `}`, []string{prev}},
		{"contains", `{"field":"email","operator":"~","value":"acme"}`, []string{early, next}},
		{"not contains", `{"field":"email","operator":"!~","value":"acme"}`, []string{late, prev}},
		{"starts with", `{"field":"email","operator":"^","value":"GRACE"}`, []string{late}},
		{"ends with", `{"field":"email","operator":"$","value":"initech.example"}`, []string{prev}},
		{"NIN", `{"field":"role","operator":"NIN","value":["lead"]}`, []string{early, late, prev}},
		{"custom string", `{"field":"custom_attributes.plan","operator":"=","value":"pro"}`, []string{early, next}},
		{"custom int >", `{"field":"custom_attributes.seats","operator":">","value":10}`, []string{next, prev}},
		{"nested or", `{"operator":"AND","value":[{"field":"role","operator":"=","value":"user"},{"operator":"OR","value":[{"field":"custom_attributes.plan","operator":"=","value":"free"},{"field":"custom_attributes.plan","operator":"=","value":"enterprise"}]}]}`, []string{late, prev}},
		{"!= string", `{"field":"custom_attributes.plan","operator":"!=","value":"pro"}`, []string{late, prev}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var q any
			require.NoError(t, json.Unmarshal([]byte(tt.query), &q))
			sim.mu.Lock()
			res, e := sim.searchContacts(map[string]any{"query": q}, "2.16")
			sim.mu.Unlock()
			require.Nil(t, e)
			var got []string
			for _, c := range res.Items {
				got = append(got, c.ID)
			}
			require.ElementsMatch(t, tt.want, got)
		})
	}

	invalid := []string{
		`{"field":"updated_at","operator":">=","value":1}`,
		`{"field":"updated_at","operator":"!=","value":1}`,
		`{"field":"updated_at","operator":"=","value":"yesterday"}`,
		`{"field":"unknown","operator":"=","value":1}`,
		`{"field":"custom_attributes.nope","operator":"=","value":1}`,
		`{"field":"email","operator":">","value":"a"}`,
	}
	for _, q := range invalid {
		var raw any
		require.NoError(t, json.Unmarshal([]byte(q), &raw))
		sim.mu.Lock()
		_, e := sim.searchContacts(map[string]any{"query": raw}, "2.16")
		sim.mu.Unlock()
		require.NotNil(t, e, q)
		require.Equal(t, 400, e.Status, q)
	}
}

func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{
		`{"query":{"field":"email","operator":"=","value":"a"}}`,
		`{"query":{"operator":"AND","value":[{"field":"updated_at","operator":">","value":1}]},"pagination":{"per_page":2}}`,
		`{"query":{"field":"custom_attributes.plan","operator":"IN","value":["a",1,true,null]},"sort":{"field":"email","order":"asc"}}`,
		`{"query":{"field":"tag_id","operator":"=","value":"1"},"pagination":{"starting_after":"xyz"}}`,
		`{"query":[]}`,
	} {
		f.Add(s)
	}
	sim := New(Options{Now: func() time.Time { return fixedNow }})
	_ = sim.DefineDataAttribute("contact", "plan", "string")
	sim.Seed(SeedOptions{Seed: 1, Users: 5, Leads: 2, Conversations: 1})
	f.Fuzz(func(t *testing.T, body string) {
		var m map[string]any
		dec := json.NewDecoder(stringsReader(body))
		dec.UseNumber()
		if dec.Decode(&m) != nil {
			return
		}
		for _, v := range []string{"2.14", "2.16"} {
			sim.mu.Lock()
			_, e := sim.searchContacts(m, v)
			sim.mu.Unlock()
			if e != nil && (e.Status < 400 || e.Status > 499 || e.Code == "") {
				t.Fatalf("bad error for %s: %+v", body, e)
			}
		}
	})
}
