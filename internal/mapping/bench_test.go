package mapping

import (
	"encoding/json"
	"testing"
)

func BenchmarkToSalesforcePicklist(b *testing.B) {
	f := SFField{Name: "Status", Type: "picklist", Picklist: []string{"Open", "Working", "Closed - Converted"}, RestrictedPicklist: true, Nillable: true}
	for b.Loop() {
		if _, err := ToSalesforce("closed - converted", f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToSalesforceDatetime(b *testing.B) {
	f := SFField{Name: "Seen__c", Type: "datetime", Nillable: true}
	for b.Loop() {
		if _, err := ToSalesforce(json.Number("1717000000"), f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToIntercomInteger(b *testing.B) {
	a := ICAttribute{Name: "monthly_spend", DataType: "integer"}
	for b.Loop() {
		if _, err := ToIntercom(1200.0, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	vs := []any{"Pro", 1200.5, json.Number("1200"), true, nil, "2024-05-29T16:26:40.000+0000"}
	for b.Loop() {
		for _, v := range vs {
			_ = Canonical(v)
		}
	}
}

func BenchmarkValidateDefaults(b *testing.B) {
	s, ms := testSchema(), Defaults()
	for b.Loop() {
		if err := Validate(ms, s); err != nil {
			b.Fatal(err)
		}
	}
}
