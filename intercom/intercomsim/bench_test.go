package intercomsim

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSearch100k measures one page (150) of a filtered, sorted
// contact search over 100,000 contacts.
func BenchmarkSearch100k(b *testing.B) {
	sim := New(Options{Now: func() time.Time { return fixedNow }})
	if err := sim.DefineDataAttribute("contact", "plan", "string"); err != nil {
		b.Fatal(err)
	}
	plans := []string{"free", "starter", "pro", "enterprise"}
	for i := range 100_000 {
		role := "user"
		if i%5 == 0 {
			role = "lead"
		}
		if _, err := sim.CreateContact(ContactSeed{Role: role, Email: fmt.Sprintf("p%d@x%d.example", i, i%97),
			CustomAttributes: map[string]any{"plan": plans[i%4]}}); err != nil {
			b.Fatal(err)
		}
	}
	body := map[string]any{
		"query": map[string]any{"operator": "AND", "value": []any{
			map[string]any{"field": "role", "operator": "=", "value": "user"},
			map[string]any{"field": "custom_attributes.plan", "operator": "IN", "value": []any{"pro", "enterprise"}},
			map[string]any{"field": "updated_at", "operator": ">", "value": int64(1)},
		}},
		"pagination": map[string]any{"per_page": int64(150)},
		"sort":       map[string]any{"field": "updated_at", "order": "ascending"},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sim.mu.Lock()
		res, e := sim.searchContacts(body, "2.16")
		sim.mu.Unlock()
		if e != nil || len(res.Items) != 150 {
			b.Fatalf("search: %v, %d items", e, len(res.Items))
		}
	}
}
