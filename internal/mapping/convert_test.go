package mapping

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestToSalesforce(t *testing.T) {
	t.Parallel()

	text := SFField{Name: "Phone", Type: "phone", Length: 10, Nillable: true}
	status := SFField{Name: "Status", Type: "picklist", Picklist: []string{"Open", "Closed - Won"}, RestrictedPicklist: true, Nillable: true}
	open := SFField{Name: "Source", Type: "picklist", Picklist: []string{"Web"}, Nillable: true}
	multi := SFField{Name: "Tags__c", Type: "multipicklist", Picklist: []string{"A", "B"}, RestrictedPicklist: true, Nillable: true}
	integer := SFField{Name: "NumberOfEmployees", Type: "int", Nillable: true}
	money := SFField{Name: "AnnualRevenue", Type: "currency", Nillable: true}
	flag := SFField{Name: "HasOptedOutOfEmail", Type: "boolean"}
	date := SFField{Name: "Since__c", Type: "date", Nillable: true}
	datetime := SFField{Name: "Seen__c", Type: "datetime", Nillable: true}
	last := SFField{Name: "LastName", Type: "string", Length: 80}

	tests := []struct {
		name string
		v    any
		f    SFField
		want any
		err  string
	}{
		{"text trimmed", "  555-1234 ", text, "555-1234", ""},
		{"text from number", 5551234.0, text, "5551234", ""},
		{"text from json number", json.Number("12"), text, "12", ""},
		{"text from bool", true, text, "true", ""},
		{"text too long", "01234567890", text, nil, `cannot write "01234567890" to Salesforce field Phone (phone): 11 characters, the field allows 10`},
		{"text counts runes", "ééééééééé", text, "ééééééééé", ""},
		{"text unlimited", "a long value", SFField{Name: "Description", Type: "textarea", Nillable: true}, "a long value", ""},
		{"text from map", map[string]any{"a": 1}, text, nil, "not a single text value (map[string]interface {})"},
		{"nil clears", nil, text, nil, ""},
		{"blank clears", "   ", text, nil, ""},
		{"required cannot clear", nil, last, nil, "cannot write null to Salesforce field LastName (string): the field is required and cannot be cleared"},
		{"boolean cleared to false", nil, flag, false, ""},
		{"picklist canonical case", "closed - WON", status, "Closed - Won", ""},
		{"picklist restricted", "Lost", status, nil, `cannot write "Lost" to Salesforce field Status (picklist): not one of the allowed values (Open, Closed - Won)`},
		{"picklist unrestricted passes", "Partner", open, "Partner", ""},
		{"picklist from map", []int{1}, open, nil, "not a single text value"},
		{"multipicklist string", "a; b", multi, "A;B", ""},
		{"multipicklist list", []any{"b", "a", ""}, multi, "B;A", ""},
		{"multipicklist strings", []string{"A"}, multi, "A", ""},
		{"multipicklist empty", ";", multi, nil, ""},
		{"multipicklist unknown", "C", multi, nil, "not one of the allowed values (A, B)"},
		{"multipicklist bad element", []any{map[string]any{}}, multi, nil, "not a single text value"},
		{"multipicklist scalar", 7, SFField{Name: "M", Type: "multipicklist", Nillable: true}, "7", ""},
		{"int from float", 12.0, integer, int64(12), ""},
		{"int from int", 12, integer, int64(12), ""},
		{"int from string", " 40 ", integer, int64(40), ""},
		{"int fraction", 12.5, integer, nil, "not a whole number"},
		{"int too large", 1e300, integer, nil, "too large"},
		{"int not a number", "many", integer, nil, `cannot write "many" to Salesforce field NumberOfEmployees (int): not a number`},
		{"int from bool", true, integer, nil, "not a number (bool)"},
		{"currency from int", 1200, money, 1200.0, ""},
		{"currency from string", "1200.50", money, 1200.5, ""},
		{"currency from uint", uint16(7), money, 7.0, ""},
		{"currency NaN string", "NaN", money, nil, "not a number"},
		{"currency bad", []any{}, money, nil, "not a number ([]interface {})"},
		{"double", float32(1.5), SFField{Name: "D", Type: "double", Nillable: true}, 1.5, ""},
		{"percent", int8(3), SFField{Name: "P", Type: "percent", Nillable: true}, 3.0, ""},
		{"boolean", true, flag, true, ""},
		{"boolean from yes", "Yes", flag, true, ""},
		{"boolean from off", "off", flag, false, ""},
		{"boolean from 1", 1, flag, true, ""},
		{"boolean from 0.0", 0.0, flag, false, ""},
		{"boolean bad string", "maybe", flag, nil, "not true or false"},
		{"boolean bad number", 2, flag, nil, "not true or false"},
		{"date from unix", int64(1717000000), date, "2024-05-29", ""},
		{"date from float unix", 1717000000.0, date, "2024-05-29", ""},
		{"date from date", "2024-05-29", date, "2024-05-29", ""},
		{"date from unix string", "1717000000", date, "2024-05-29", ""},
		{"date from time", time.Date(2024, 5, 29, 23, 0, 0, 0, time.FixedZone("x", -3600)), date, "2024-05-30", ""},
		{"date bad", "tomorrow", date, nil, "not a date (want unix seconds, 2006-01-02 or RFC 3339)"},
		{"date bad type", true, date, nil, "not a date (bool)"},
		{"datetime from unix", 1717000000, datetime, "2024-05-29T16:26:40.000+0000", ""},
		{"datetime from rfc3339", "2024-05-29T18:26:40+02:00", datetime, "2024-05-29T16:26:40.000+0000", ""},
		{"datetime from salesforce", "2024-05-29T16:26:40.000+0000", datetime, "2024-05-29T16:26:40.000+0000", ""},
		{"datetime bad", "later", datetime, nil, "not a date"},
		{"reference", " 005000000000001 ", SFField{Name: "OwnerId", Type: "reference", Length: 18, Nillable: true}, "005000000000001", ""},
		{"unsupported type", "x", SFField{Name: "BillingAddress", Type: "address", Nillable: true}, nil, `tandem does not convert Salesforce "address" fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToSalesforce(tt.v, tt.f)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				var ce *ConvertError
				require.True(t, errors.As(err, &ce))
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestToIntercom(t *testing.T) {
	t.Parallel()

	str := ICAttribute{Name: "custom_attributes.job_title", DataType: "string", Custom: true, APIWritable: true}
	opts := ICAttribute{Name: "custom_attributes.tier", DataType: "options", Custom: true}
	integer := ICAttribute{Name: "monthly_spend", DataType: "integer"}
	float := ICAttribute{Name: "custom_attributes.score", DataType: "float"}
	flag := ICAttribute{Name: "custom_attributes.vip", DataType: "boolean"}
	date := ICAttribute{Name: "custom_attributes.since", DataType: "date"}

	tests := []struct {
		name string
		v    any
		a    ICAttribute
		want any
		err  string
	}{
		{"nil clears", nil, str, nil, ""},
		{"blank string clears to empty", "  ", str, "", ""},
		{"blank options clears to empty", "", opts, "", ""},
		{"blank number clears to nil", " ", integer, nil, ""},
		{"string trimmed", " CTO ", str, "CTO", ""},
		{"string from number", 1200.0, str, "1200", ""},
		{"string from bool", false, opts, "false", ""},
		{"string from list", []any{"a"}, str, nil, `cannot write a to Intercom attribute custom_attributes.job_title (string): not a single text value ([]interface {})`},
		{"integer from currency", 1200.0, integer, int64(1200), ""},
		{"integer from string", "1200", integer, int64(1200), ""},
		{"integer fraction", 1200.5, integer, nil, "not a whole number"},
		{"float", 12, float, 12.0, ""},
		{"float bad", "x", float, nil, "not a number"},
		{"boolean", "true", flag, true, ""},
		{"boolean bad", "perhaps", flag, nil, "not true or false"},
		{"date from salesforce date", "2024-05-29", date, int64(1716940800), ""},
		{"date from salesforce datetime", "2024-05-29T16:26:40.000+0000", ICAttribute{Name: "x", DataType: "datetime"}, int64(1717000000), ""},
		{"date from unix", 1717000000, date, int64(1717000000), ""},
		{"date bad", "soon", date, nil, "not a date"},
		{"unsupported type", "x", ICAttribute{Name: "custom_attributes.blob", DataType: "files"}, nil, `tandem does not convert Intercom "files" attributes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToIntercom(tt.v, tt.a)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestConvertErrorCutsLongValues(t *testing.T) {
	t.Parallel()

	_, err := ToSalesforce("0123456789012345678901234567890123456789-and-more", SFField{Name: "Phone", Type: "phone", Length: 40})
	require.EqualError(t, err, `cannot write "0123456789012345678901234567890123456789…" to Salesforce field Phone (phone): 49 characters, the field allows 40`)
}

func TestCanonical(t *testing.T) {
	t.Parallel()

	tests := []struct {
		v    any
		want string
	}{
		{nil, ""},
		{"  hi ", "hi"},
		{"0123", "0123"},
		{true, "true"},
		{false, "false"},
		{1200, "1200"},
		{int64(1 << 60), "1152921504606846976"},
		{int8(-3), "-3"},
		{int16(3), "3"},
		{int32(3), "3"},
		{uint(3), "3"},
		{uint8(3), "3"},
		{uint32(3), "3"},
		{uint64(3), "3"},
		{1200.0, "1200"},
		{1200.50, "1200.5"},
		{float32(0.25), "0.25"},
		{1e21, "1000000000000000000000"},
		{json.Number("1200"), "1200"},
		{json.Number("1200.0"), "1200"},
		{json.Number("1e400"), "1e400"},
		{time.Date(2024, 5, 29, 18, 0, 0, 0, time.FixedZone("x", 7200)), "2024-05-29T16:00:00Z"},
		{"2024-05-29T18:26:40.000+0200", "2024-05-29T16:26:40Z"},
		{"2024-05-29", "2024-05-29"},
		{"2024-05-29T18:26:40.000+02xx", "2024-05-29T18:26:40.000+02xx"},
		{[]string{"A", "B"}, "A;B"},
		{[]any{"A", 1.0, nil}, "A;1;"},
		{struct{ X int }{1}, "{1}"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Canonical(tt.v), "%#v", tt.v)
	}
}

func TestCanonicalAgreesAcrossSystems(t *testing.T) {
	t.Parallel()

	money := SFField{Name: "AnnualRevenue", Type: "currency", Nillable: true}
	spend := ICAttribute{Name: "monthly_spend", DataType: "integer"}
	fromIntercom, err := ToSalesforce(json.Number("1200"), money)
	require.NoError(t, err)
	fromString, err := ToSalesforce("1200", money)
	require.NoError(t, err)
	back, err := ToIntercom(1200.0, spend)
	require.NoError(t, err)
	for _, v := range []any{fromIntercom, fromString, back, 1200, 1200.0} {
		require.Equal(t, "1200", Canonical(v))
	}
}
