package mapping

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// testSchema describes a stock org with the demo's custom fields and a
// workspace with the demo's custom attributes.
func testSchema() Schema {
	text := func(name string, length int) SFField {
		return SFField{Name: name, Type: "string", Length: length, Updateable: true, Createable: true, Nillable: true}
	}
	people := func() map[string]SFField {
		return map[string]SFField{
			"FirstName":      text("FirstName", 40),
			"LastName":       {Name: "LastName", Type: "string", Length: 80, Updateable: true, Createable: true},
			"Name":           {Name: "Name", Type: "string", Length: 121},
			"Email":          {Name: "Email", Type: "email", Length: 80, Updateable: true, Createable: true, Nillable: true},
			"Phone":          {Name: "Phone", Type: "phone", Length: 40, Updateable: true, Createable: true, Nillable: true},
			"Title":          text("Title", 128),
			"Plan__c":        {Name: "Plan__c", Type: "picklist", Picklist: []string{"Free", "Pro"}, Updateable: true, Createable: true, Nillable: true},
			"Score__c":       {Name: "Score__c", Type: "double", Updateable: true, Createable: true, Nillable: true},
			"Since__c":       {Name: "Since__c", Type: "date", Updateable: true, Createable: true, Nillable: true},
			"Vip__c":         {Name: "Vip__c", Type: "boolean", Updateable: true, Createable: true},
			"OwnerId":        {Name: "OwnerId", Type: "reference", Length: 18, Updateable: true, Createable: true},
			"MailingAddress": {Name: "MailingAddress", Type: "address"},
		}
	}
	lead := people()
	lead["Status"] = SFField{Name: "Status", Type: "picklist", Picklist: []string{"Open - Not Contacted", "Closed - Converted"}, Updateable: true, Createable: true}
	lead["IsConverted"] = SFField{Name: "IsConverted", Type: "boolean"}
	contact := people()
	account := map[string]SFField{
		"Name":              {Name: "Name", Type: "string", Length: 255, Updateable: true, Createable: true},
		"AnnualRevenue":     {Name: "AnnualRevenue", Type: "currency", Updateable: true, Createable: true, Nillable: true},
		"NumberOfEmployees": {Name: "NumberOfEmployees", Type: "int", Updateable: true, Createable: true, Nillable: true},
		"Industry":          {Name: "Industry", Type: "picklist", Picklist: []string{"Banking", "Retail"}, Updateable: true, Createable: true, Nillable: true},
	}
	custom := func(name, dataType string) ICAttribute {
		return ICAttribute{Name: "custom_attributes." + name, DataType: dataType, APIWritable: true, Custom: true}
	}
	return Schema{
		Salesforce: map[string]map[string]SFField{"Lead": lead, "Contact": contact, "Account": account},
		Intercom: map[string]map[string]ICAttribute{
			"contact": {
				"phone":                            {Name: "phone", DataType: "string", APIWritable: true},
				"custom_attributes.plan":           custom("plan", "string"),
				"custom_attributes.job_title":      custom("job_title", "string"),
				"custom_attributes.sf_lead_status": custom("sf_lead_status", "string"),
				"custom_attributes.score":          custom("score", "float"),
				"custom_attributes.vip":            custom("vip", "boolean"),
				"custom_attributes.since":          custom("since", "date"),
				"custom_attributes.locked":         {Name: "custom_attributes.locked", DataType: "string", Custom: true},
			},
			"company": {
				"custom_attributes.industry": custom("industry", "string"),
			},
		},
	}
}

func TestValidateDefaults(t *testing.T) {
	t.Parallel()

	require.NoError(t, Validate(Defaults(), testSchema()))
}

func lead(ic, sf string, d tandem.Direction) tandem.Mapping {
	return tandem.Mapping{Object: tandem.ObjectLead, Intercom: ic, Salesforce: sf, Direction: d}
}

func TestValidateMessages(t *testing.T) {
	t.Parallel()

	const (
		toSF = tandem.ToSalesforce
		toIC = tandem.ToIntercom
	)
	tests := []struct {
		name string
		m    tandem.Mapping
		want string // "" means valid
	}{
		{"name split", lead("name", "Name", toSF), ""},
		{"name joined", lead("name", "Name", toIC), ""},
		{"bare custom name", lead("plan", "Plan__c", toSF), ""},
		{"number to number", lead("custom_attributes.score", "Score__c", toSF), ""},
		{"text to number", lead("plan", "Score__c", toSF), ""},
		{"date to date", lead("since", "Since__c", toIC), ""},
		{"bool to bool", lead("vip", "Vip__c", toSF), ""},
		{"standard attribute absent from schema", lead("signed_up_at", "Since__c", toSF), ""},
		{"account name", tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "name", Salesforce: "Name", Direction: toSF}, ""},
		{"missing field", lead("phone", "Foo__c", toSF),
			"mapping 1 (Intercom phone → Lead.Foo__c): Salesforce field Lead.Foo__c does not exist"},
		{"field case", lead("phone", "phone", toSF),
			"mapping 1 (Intercom phone → Lead.phone): Salesforce field Lead.phone does not exist (did you mean Phone?)"},
		{"not updateable", lead("vip", "IsConverted", toSF),
			"mapping 1 (Intercom vip → Lead.IsConverted): Salesforce field Lead.IsConverted is not updateable"},
		{"missing attribute", lead("custom_attributes.x", "Title", toIC),
			"mapping 1 (Lead.Title → Intercom custom_attributes.x): Intercom attribute custom_attributes.x does not exist (create it as a contact data attribute)"},
		{"missing company attribute", tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "tier", Salesforce: "Industry", Direction: toIC},
			"mapping 1 (Account.Industry → Intercom tier): Intercom attribute custom_attributes.tier does not exist (create it as a company data attribute)"},
		{"attribute not writable", lead("custom_attributes.locked", "Title", toIC),
			"mapping 1 (Lead.Title → Intercom custom_attributes.locked): Intercom attribute custom_attributes.locked is not writable through the API"},
		{"standard attribute not writable", lead("email_domain", "Title", toIC),
			"mapping 1 (Lead.Title → Intercom email_domain): Intercom attribute email_domain is not writable through the API"},
		{"number to boolean", lead("score", "Vip__c", toSF),
			"mapping 1 (Intercom score → Lead.Vip__c): Salesforce field Lead.Vip__c (boolean) and Intercom attribute custom_attributes.score (float) have incompatible types: boolean values cannot become number values"},
		{"picklist to number", lead("score", "Plan__c", toSF),
			"have incompatible types: a picklist maps only to a string attribute"},
		{"unsupported salesforce type", lead("phone", "MailingAddress", toIC),
			`have incompatible types: tandem does not convert Salesforce "address" fields`},
		{"unsupported intercom type", lead("avatar_blob", "Title", toIC), "does not exist"},
		{"bad direction", lead("phone", "Phone", "both"),
			`mapping 1 (Intercom phone → Lead.Phone): direction: must be to_salesforce or to_intercom, not "both"`},
		{"bad object", tandem.Mapping{Object: "deal", Intercom: "phone", Salesforce: "Phone", Direction: toSF},
			`mapping 1 (Intercom phone → .Phone): object: must be lead, contact or account, not "deal"`},
		{"empty names", lead(" ", "", toSF),
			"mapping 1 (Intercom   → Lead.): intercom: the Intercom attribute is missing\nmapping 1 (Intercom   → Lead.): salesforce: the Salesforce field is missing"},
		{"transform", tandem.Mapping{Object: tandem.ObjectLead, Intercom: "phone", Salesforce: "Phone", Direction: toSF, Transform: "upper"},
			`mapping 1 (Intercom phone → Lead.Phone): transform: unknown transform "upper" (leave it empty to convert by type)`},
		{"object not described", tandem.Mapping{Object: tandem.ObjectContact, Intercom: "phone", Salesforce: "Phone", Direction: toSF},
			"mapping 1 (Intercom phone → Contact.Phone): Salesforce object Contact was not described (no access, or describe failed)"},
		{"name without first name", tandem.Mapping{Object: tandem.ObjectContact, Intercom: "name", Salesforce: "Name", Direction: toSF},
			"Salesforce field Contact.FirstName does not exist"},
		{"name without last name", tandem.Mapping{Object: tandem.ObjectContact, Intercom: "name", Salesforce: "Name", Direction: toSF},
			"Salesforce field Contact.LastName does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := testSchema()
			switch tt.name {
			case "object not described":
				delete(s.Salesforce, "Contact")
			case "name without first name":
				delete(s.Salesforce["Contact"], "FirstName")
			case "name without last name":
				delete(s.Salesforce["Contact"], "LastName")
			case "unsupported intercom type":
				s.Intercom["contact"]["custom_attributes.avatar_blob"] = ICAttribute{Name: "custom_attributes.avatar_blob", DataType: "files", APIWritable: true}
				tt.want = `have incompatible types: tandem does not convert Intercom "files" attributes`
			}
			err := Validate([]tandem.Mapping{tt.m}, s)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateOneWriterPerField(t *testing.T) {
	t.Parallel()

	ms := []tandem.Mapping{
		lead("phone", "Phone", tandem.ToSalesforce),
		lead("custom_attributes.plan", "Phone", tandem.ToSalesforce),
		lead("job_title", "Title", tandem.ToIntercom),
		lead("job_title", "FirstName", tandem.ToIntercom),
		lead("name", "Name", tandem.ToSalesforce),
		lead("custom_attributes.plan", "FirstName", tandem.ToSalesforce),
		lead("phone", "Phone", tandem.ToIntercom),
		{Object: tandem.ObjectContact, Intercom: "phone", Salesforce: "Phone", Direction: tandem.ToSalesforce},
	}
	err := Validate(ms, testSchema())
	require.Error(t, err)
	require.Equal(t, strings.Join([]string{
		"mapping 2 (Intercom custom_attributes.plan → Lead.Phone): Salesforce field Lead.Phone is already written by mapping 1 (one writer per field)",
		"mapping 4 (Lead.FirstName → Intercom job_title): Intercom attribute custom_attributes.job_title of leads is already written by mapping 3 (one writer per field)",
		"mapping 6 (Intercom custom_attributes.plan → Lead.FirstName): Salesforce field Lead.FirstName is already written by mapping 5 (one writer per field)",
		"mapping 7 (Lead.Phone → Intercom phone): Intercom phone and Lead.Phone are already mapped the other way by mapping 1 (one writer per field)",
	}, "\n"), err.Error())
}

// TestValidateGolden checks the full report for a configuration with many
// mistakes against testdata/validate.golden; run with -update to rewrite it.
func TestValidateGolden(t *testing.T) {
	t.Parallel()

	ms := append(Defaults(),
		lead("phone", "Foo__c", tandem.ToSalesforce),
		lead("custom_attributes.x", "Title", tandem.ToIntercom),
		lead("vip", "IsConverted", tandem.ToSalesforce),
		lead("phone", "Phone", "sideways"),
		lead("score", "Vip__c", tandem.ToSalesforce),
		lead("custom_attributes.plan", "Phone", tandem.ToSalesforce),
	)
	got := Validate(ms, testSchema()).Error() + "\n"
	path := filepath.Join("testdata", "validate.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}
