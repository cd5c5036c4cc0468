package mapping

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

func TestIntercomValue(t *testing.T) {
	t.Parallel()

	contact := decode(t, `{"type":"contact","phone":"+1 555","name":null,
		"location":{"city":"Paris"},"custom_attributes":{"plan":"Pro","job_title":null}}`)
	tests := []struct {
		attr string
		want any
		ok   bool
	}{
		{"phone", "+1 555", true},
		{"name", nil, true},
		{"location.city", "Paris", true},
		{"location.zip", nil, false},
		{"phone.number", nil, false},
		{"custom_attributes.plan", "Pro", true},
		{"plan", "Pro", true},
		{"job_title", nil, true},
		{"custom_attributes.missing", nil, false},
		{"missing", nil, false},
	}
	for _, tt := range tests {
		got, ok := IntercomValue(contact, tt.attr)
		require.Equal(t, tt.ok, ok, tt.attr)
		require.Equal(t, tt.want, got, tt.attr)
	}
}

func TestSalesforceValue(t *testing.T) {
	t.Parallel()

	lead := decode(t, `{"FirstName":"Ada","LastName":"Lovelace","Name":"Ada Lovelace","Phone":null,"Owner":{"Email":"o@x.io"}}`)
	noFirst := decode(t, `{"FirstName":null,"LastName":"Lovelace"}`)
	empty := decode(t, `{"FirstName":null,"LastName":null}`)
	account := decode(t, `{"Name":"Acme"}`)
	tests := []struct {
		rec   map[string]any
		field string
		want  any
		ok    bool
	}{
		{lead, "Name", "Ada Lovelace", true},
		{noFirst, "Name", "Lovelace", true},
		{empty, "Name", nil, true},
		{account, "Name", "Acme", true},
		{lead, "Phone", nil, true},
		{lead, "Owner.Email", "o@x.io", true},
		{lead, "Title", nil, false},
	}
	for _, tt := range tests {
		got, ok := SalesforceValue(tt.rec, tt.field)
		require.Equal(t, tt.ok, ok, tt.field)
		require.Equal(t, tt.want, got, tt.field)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()

	tests := []struct{ name, first, last, joined string }{
		{"", "", "", ""},
		{"  Cher ", "", "Cher", "Cher"},
		{"Ada Lovelace", "Ada", "Lovelace", "Ada Lovelace"},
		{"Jean  van der Berg", "Jean", "van der Berg", "Jean van der Berg"},
	}
	for _, tt := range tests {
		first, last := NameToFields(tt.name)
		require.Equal(t, tt.first, first, tt.name)
		require.Equal(t, tt.last, last, tt.name)
		require.Equal(t, tt.joined, FieldsToName(first, last))
	}
}

func TestSalesforceWrite(t *testing.T) {
	t.Parallel()

	require.Equal(t, map[string]any{"Phone": "555"}, SalesforceWrite("Phone", "555"))
	require.Equal(t, map[string]any{"Phone": nil}, SalesforceWrite("Phone", nil))
	require.Equal(t, map[string]any{"FirstName": "Ada", "LastName": "Lovelace"}, SalesforceWrite("Name", "Ada Lovelace"))
	require.Equal(t, map[string]any{"FirstName": nil, "LastName": "Cher"}, SalesforceWrite("Name", "Cher"))
	require.Equal(t, map[string]any{"FirstName": nil, "LastName": nil}, SalesforceWrite("Name", nil))
}

func TestResolve(t *testing.T) {
	t.Parallel()

	tests := []struct {
		o      tandem.Object
		name   string
		want   string
		custom bool
	}{
		{tandem.ObjectLead, "phone", "phone", false},
		{tandem.ObjectContact, " name ", "name", false},
		{tandem.ObjectContact, "plan", "custom_attributes.plan", true},
		{tandem.ObjectContact, "custom_attributes.plan", "custom_attributes.plan", true},
		{tandem.ObjectAccount, "monthly_spend", "monthly_spend", false},
		{tandem.ObjectAccount, "industry", "industry", false},
		{tandem.ObjectAccount, "phone", "custom_attributes.phone", true},
		{tandem.ObjectLead, "monthly_spend", "custom_attributes.monthly_spend", true},
	}
	for _, tt := range tests {
		ic, custom := Resolve(tandem.Mapping{Object: tt.o, Intercom: tt.name})
		require.Equal(t, tt.want, ic, tt.name)
		require.Equal(t, tt.custom, custom, tt.name)
	}
}

func TestStandardAttributes(t *testing.T) {
	t.Parallel()

	contact := StandardAttributes("contact")
	require.Contains(t, contact, "phone")
	require.Contains(t, contact, "location.city")
	require.NotContains(t, contact, "monthly_spend")
	company := StandardAttributes("company")
	require.Contains(t, company, "monthly_spend")
	require.NotContains(t, company, "phone")
	for _, model := range []string{"contact", "company"} {
		for _, n := range StandardAttributes(model) {
			a, ok := Standard(model, n)
			require.True(t, ok)
			require.Equal(t, n, a.Name)
			require.False(t, a.Custom)
			require.NotEmpty(t, intercomFamily(a.DataType), "%s.%s has a convertible type", model, n)
		}
	}
	require.Equal(t, "company", Model(tandem.ObjectAccount))
	require.Equal(t, "contact", Model(tandem.ObjectLead))
	require.Equal(t, "contact", Model(tandem.ObjectContact))
}

func TestDefaults(t *testing.T) {
	t.Parallel()

	ms := Defaults()
	require.Len(t, ms, 9)
	has := func(m tandem.Mapping) bool { return slices.Contains(ms, m) }
	for _, o := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact} {
		require.True(t, has(tandem.Mapping{Object: o, Intercom: "phone", Salesforce: "Phone", Direction: tandem.ToSalesforce}))
		require.True(t, has(tandem.Mapping{Object: o, Intercom: "custom_attributes.plan", Salesforce: "Plan__c", Direction: tandem.ToSalesforce}))
		require.True(t, has(tandem.Mapping{Object: o, Intercom: "custom_attributes.job_title", Salesforce: "Title", Direction: tandem.ToIntercom}))
	}
	require.True(t, has(tandem.Mapping{Object: tandem.ObjectLead, Intercom: "custom_attributes.sf_lead_status", Salesforce: "Status", Direction: tandem.ToIntercom}))
	require.False(t, has(tandem.Mapping{Object: tandem.ObjectContact, Intercom: "custom_attributes.sf_lead_status", Salesforce: "Status", Direction: tandem.ToIntercom}))
	require.True(t, has(tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "size", Salesforce: "NumberOfEmployees", Direction: tandem.ToSalesforce}))
	for _, m := range ms {
		require.False(t, m.Intercom == "monthly_spend" && m.Salesforce == "AnnualRevenue", "monthly spend is not annual revenue")
	}
	require.True(t, has(tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "industry", Salesforce: "Industry", Direction: tandem.ToIntercom}))

	ms[0].Intercom = "changed"
	require.Equal(t, "phone", Defaults()[0].Intercom, "each call returns a fresh slice")
}
