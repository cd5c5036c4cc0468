package sfsim

import (
	"fmt"
	"strings"
)

// valueKind is how a field's value is stored and compared.
type valueKind int

const (
	kindString valueKind = iota
	kindID
	kindBool
	kindNumber
	kindDate
	kindDateTime
)

// field is one field of an object's schema.
type field struct {
	name, label, typ string
	kind             valueKind
	length           int
	nillable         bool
	createable       bool
	updateable       bool
	defaulted        bool
	unique           bool
	externalID       bool
	picklist         []string
	restricted       bool
	defaultValue     string
	referenceTo      []string
	relName          string
	custom           bool
	idx              int
	integer          bool
}

func (f *field) polymorphic() bool { return len(f.referenceTo) > 1 }

func (f *field) requiredOnCreate() bool {
	return f.createable && !f.nillable && !f.defaulted
}

// childRel is a child relationship usable in a SOQL subquery.
type childRel struct {
	name   string // plural relationship name, e.g. Contacts
	object string // child object
	field  string // child's reference field, e.g. AccountId
}

// object is one sObject type: schema plus its records.
type object struct {
	name, label, labelPlural, keyPrefix string
	fields                              []*field
	byLower                             map[string]*field
	relByLower                          map[string]*field
	children                            []childRel
	childByLower                        map[string]childRel
	owned                               bool
	createable                          bool
	custom                              bool
	setup                               bool // org configuration: readable, not writable through the API

	tbl *table
}

func (o *object) field(name string) *field { return o.byLower[strings.ToLower(name)] }

func (o *object) add(f *field) *field {
	f.idx = len(o.fields)
	o.fields = append(o.fields, f)
	o.byLower[strings.ToLower(f.name)] = f
	if f.relName != "" {
		o.relByLower[strings.ToLower(f.relName)] = f
	}
	return f
}

// fb is a small builder for field definitions.
type fb struct{ f *field }

func kindOf(typ string) valueKind {
	switch typ {
	case "id", "reference":
		return kindID
	case "boolean":
		return kindBool
	case "int", "double", "currency", "percent":
		return kindNumber
	case "date":
		return kindDate
	case "datetime":
		return kindDateTime
	}
	return kindString
}

func nf(name, typ string, length int) fb {
	f := &field{name: name, label: labelFor(name), typ: typ, kind: kindOf(typ), length: length,
		nillable: true, createable: true, updateable: true, integer: typ == "int"}
	if typ == "reference" && strings.HasSuffix(name, "Id") {
		f.label += " ID"
	}
	if typ == "boolean" {
		f.nillable = false
		f.defaulted = true
	}
	return fb{f}
}

func labelFor(name string) string {
	name = strings.TrimSuffix(name, "__c")
	name = strings.TrimSuffix(name, "Id")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' && !(name[i-1] >= 'A' && name[i-1] <= 'Z') {
			b.WriteByte(' ')
		}
		if r == '_' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (b fb) req() fb { b.f.nillable = false; return b }
func (b fb) lbl(label string) fb {
	b.f.label = label
	return b
}
func (b fb) ro() fb   { b.f.createable, b.f.updateable = false, false; return b }
func (b fb) co() fb   { b.f.updateable = false; return b }
func (b fb) uniq() fb { b.f.unique = true; return b }
func (b fb) def(v string) fb {
	b.f.defaulted = true
	b.f.nillable = false
	b.f.defaultValue = v
	return b
}
func (b fb) pick(restricted bool, values ...string) fb {
	b.f.picklist = values
	b.f.restricted = restricted
	return b
}
func (b fb) ref(rel string, to ...string) fb {
	b.f.referenceTo = to
	b.f.relName = rel
	return b
}

// schemaDef describes a standard object.
type schemaDef struct {
	name, label, plural, prefix string
	owned                       bool
	setup                       bool
	fields                      []fb
	children                    []childRel
}

var leadStatuses = []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"}
var leadSources = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}
var stages = []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
	"Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
var industries = []string{"Agriculture", "Banking", "Communications", "Consulting", "Education", "Electronics",
	"Finance", "Healthcare", "Manufacturing", "Media", "Retail", "Technology", "Other"}

func standardSchema() []schemaDef {
	return []schemaDef{
		{name: "User", label: "User", plural: "Users", prefix: "005", fields: []fb{
			nf("Username", "string", 80).req().uniq(),
			nf("FirstName", "string", 40), nf("LastName", "string", 80).req(),
			nf("Name", "string", 121).ro(), nf("Email", "email", 128).req(),
			nf("Alias", "string", 8), nf("Title", "string", 80), nf("Phone", "phone", 40),
			nf("IsActive", "boolean", 0),
			nf("UserType", "picklist", 40).ro().pick(true, "Standard", "AutomatedProcess"),
			nf("TimeZoneSidKey", "picklist", 40).pick(false, "America/Los_Angeles", "Europe/London", "GMT"),
		}},
		{name: "Account", label: "Account", plural: "Accounts", prefix: "001", owned: true, fields: []fb{
			nf("Name", "string", 255).req(), nf("AccountNumber", "string", 40), nf("Website", "url", 255),
			nf("Phone", "phone", 40), nf("Industry", "picklist", 255).pick(false, industries...),
			nf("Type", "picklist", 255).pick(false, "Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"),
			nf("NumberOfEmployees", "int", 0), nf("AnnualRevenue", "currency", 0),
			nf("BillingStreet", "textarea", 255), nf("BillingCity", "string", 40), nf("BillingState", "string", 80),
			nf("BillingPostalCode", "string", 20), nf("BillingCountry", "string", 80), nf("ShippingCountry", "string", 80),
			nf("ParentId", "reference", 18).ref("Parent", "Account"), nf("Description", "textarea", 32000),
		}, children: []childRel{{"Contacts", "Contact", "AccountId"}, {"Opportunities", "Opportunity", "AccountId"},
			{"Cases", "Case", "AccountId"}, {"ChildAccounts", "Account", "ParentId"}, {"Tasks", "Task", "WhatId"}}},
		{name: "Contact", label: "Contact", plural: "Contacts", prefix: "003", owned: true, fields: []fb{
			nf("Salutation", "picklist", 40).pick(false, "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
			nf("FirstName", "string", 40), nf("LastName", "string", 80).req(), nf("Name", "string", 121).ro(),
			nf("AccountId", "reference", 18).ref("Account", "Account"),
			nf("Email", "email", 80), nf("Phone", "phone", 40), nf("MobilePhone", "phone", 40),
			nf("Title", "string", 128), nf("Department", "string", 80), nf("Description", "textarea", 32000),
			nf("LeadSource", "picklist", 255).pick(false, leadSources...), nf("HasOptedOutOfEmail", "boolean", 0),
			nf("MailingStreet", "textarea", 255), nf("MailingCity", "string", 40), nf("MailingState", "string", 80),
			nf("MailingPostalCode", "string", 20), nf("MailingCountry", "string", 80),
		}, children: []childRel{{"Cases", "Case", "ContactId"}, {"OpportunityContactRoles", "OpportunityContactRole", "ContactId"},
			{"Tasks", "Task", "WhoId"}}},
		{name: "Lead", label: "Lead", plural: "Leads", prefix: "00Q", owned: true, fields: []fb{
			nf("Salutation", "picklist", 40).pick(false, "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
			nf("FirstName", "string", 40), nf("MiddleName", "string", 40), nf("LastName", "string", 80).req(),
			nf("Suffix", "string", 40), nf("Name", "string", 121).ro(), nf("Company", "string", 255).req(),
			nf("Email", "email", 80), nf("Phone", "phone", 40), nf("MobilePhone", "phone", 40),
			nf("Title", "string", 128), nf("Website", "url", 255), nf("Industry", "picklist", 255).pick(false, industries...),
			nf("Rating", "picklist", 255).pick(false, "Hot", "Warm", "Cold"), nf("Description", "textarea", 32000),
			nf("Status", "picklist", 255).def(leadStatuses[0]).pick(true, leadStatuses...),
			nf("LeadSource", "picklist", 255).pick(false, leadSources...),
			nf("Street", "textarea", 255), nf("City", "string", 40), nf("State", "string", 80),
			nf("PostalCode", "string", 20), nf("Country", "string", 80),
			nf("NumberOfEmployees", "int", 0), nf("AnnualRevenue", "currency", 0),
			nf("IsConverted", "boolean", 0).ro(), nf("ConvertedDate", "date", 0).ro(),
			nf("ConvertedAccountId", "reference", 18).ro().ref("ConvertedAccount", "Account"),
			nf("ConvertedContactId", "reference", 18).ro().ref("ConvertedContact", "Contact"),
			nf("ConvertedOpportunityId", "reference", 18).ro().ref("ConvertedOpportunity", "Opportunity"),
		}, children: []childRel{{"Tasks", "Task", "WhoId"}}},
		{name: "Opportunity", label: "Opportunity", plural: "Opportunities", prefix: "006", owned: true, fields: []fb{
			nf("Name", "string", 120).req(), nf("AccountId", "reference", 18).ref("Account", "Account"),
			nf("StageName", "picklist", 255).req().pick(true, stages...), nf("CloseDate", "date", 0).req(),
			nf("Amount", "currency", 0), nf("Probability", "percent", 0),
			nf("Type", "picklist", 255).pick(false, "Existing Customer - Upgrade", "New Customer", "Existing Customer - Replacement"),
			nf("LeadSource", "picklist", 255).pick(false, leadSources...), nf("NextStep", "string", 255),
			nf("Description", "textarea", 32000), nf("IsClosed", "boolean", 0).ro(), nf("IsWon", "boolean", 0).ro(),
			nf("ForecastCategoryName", "picklist", 255).ro().pick(false, "Pipeline", "Best Case", "Commit", "Closed", "Omitted"),
		}, children: []childRel{{"OpportunityContactRoles", "OpportunityContactRole", "OpportunityId"}, {"Tasks", "Task", "WhatId"}}},
		{name: "OpportunityContactRole", label: "Opportunity Contact Role", plural: "Opportunity Contact Roles", prefix: "00K", fields: []fb{
			nf("OpportunityId", "reference", 18).req().co().ref("Opportunity", "Opportunity"),
			nf("ContactId", "reference", 18).req().ref("Contact", "Contact"),
			nf("Role", "picklist", 40).pick(false, "Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker",
				"Evaluator", "Executive Sponsor", "Influencer", "Technical Buyer", "Other"),
			nf("IsPrimary", "boolean", 0),
		}},
		{name: "Case", label: "Case", plural: "Cases", prefix: "500", owned: true, fields: []fb{
			nf("CaseNumber", "string", 30).ro(), nf("Subject", "string", 255), nf("Description", "textarea", 32000),
			nf("Status", "picklist", 40).def("New").pick(true, "New", "Working", "Escalated", "Closed"),
			nf("Priority", "picklist", 40).def("Medium").pick(false, "High", "Medium", "Low"),
			nf("Origin", "picklist", 40).pick(false, "Phone", "Email", "Web"),
			nf("Type", "picklist", 40).pick(false, "Mechanical", "Electrical", "Electronic", "Structural", "Other"),
			nf("Reason", "picklist", 40).pick(false, "Installation", "Equipment Complexity", "Performance", "Breakdown",
				"Equipment Design", "Feedback", "Other"),
			nf("ContactId", "reference", 18).ref("Contact", "Contact"), nf("AccountId", "reference", 18).ref("Account", "Account"),
			nf("RecordTypeId", "reference", 18).ref("RecordType", "RecordType"),
			nf("ParentId", "reference", 18).ref("Parent", "Case"),
			nf("SuppliedEmail", "email", 80), nf("SuppliedName", "string", 80), nf("SuppliedPhone", "string", 40),
			nf("SuppliedCompany", "string", 80),
			nf("IsClosed", "boolean", 0).ro(), nf("ClosedDate", "datetime", 0).ro(),
		}, children: []childRel{{"CaseComments", "CaseComment", "ParentId"}, {"Tasks", "Task", "WhatId"}}},
		{name: "CaseComment", label: "Case Comment", plural: "Case Comments", prefix: "00a", fields: []fb{
			nf("ParentId", "reference", 18).req().co().ref("Parent", "Case"),
			nf("CommentBody", "textarea", 4000), nf("IsPublished", "boolean", 0),
		}},
		{name: "Task", label: "Task", plural: "Tasks", prefix: "00T", owned: true, fields: []fb{
			nf("Subject", "combobox", 255).pick(false, "Call", "Send Letter", "Send Quote", "Other"),
			nf("Description", "textarea", 32000),
			nf("Status", "picklist", 40).def("Not Started").pick(true, "Not Started", "In Progress", "Completed",
				"Waiting on someone else", "Deferred"),
			nf("Priority", "picklist", 40).def("Normal").pick(false, "High", "Normal", "Low"),
			nf("ActivityDate", "date", 0),
			nf("WhoId", "reference", 18).lbl("Name ID").ref("Who", "Contact", "Lead"),
			nf("WhatId", "reference", 18).lbl("Related To ID").ref("What", "Account", "Opportunity", "Case"),
			nf("AccountId", "reference", 18).ro().ref("Account", "Account"),
			nf("TaskSubtype", "picklist", 40).co().pick(false, "Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"),
			nf("Type", "picklist", 40).pick(false, "Call", "Email", "Meeting", "Other"),
			nf("CallType", "picklist", 40).pick(false, "Internal", "Inbound", "Outbound"),
			nf("CallDurationInSeconds", "int", 0),
			nf("IsClosed", "boolean", 0).ro(), nf("IsHighPriority", "boolean", 0).ro(), nf("IsArchived", "boolean", 0).ro(),
		}},
		{name: "CaseStatus", label: "Case Status Value", plural: "Case Status Values", prefix: "01k", setup: true, fields: statusFields()},
		{name: "TaskStatus", label: "Task Status Value", plural: "Task Status Values", prefix: "01L", setup: true, fields: statusFields()},
		{name: "OpportunityStage", label: "Opportunity Stage", plural: "Opportunity Stages", prefix: "01J", setup: true, fields: []fb{
			nf("MasterLabel", "string", 255).req(), nf("ApiName", "string", 255).req(), nf("SortOrder", "int", 0),
			nf("IsActive", "boolean", 0), nf("IsClosed", "boolean", 0), nf("IsWon", "boolean", 0),
			nf("DefaultProbability", "percent", 0), nf("ForecastCategoryName", "string", 40), nf("Description", "string", 255),
		}},
		{name: "RecordType", label: "Record Type", plural: "Record Types", prefix: "012", fields: []fb{
			nf("Name", "string", 80).req(), nf("DeveloperName", "string", 80).req(),
			nf("SobjectType", "picklist", 40).req().pick(false, "Account", "Case", "Contact", "Lead", "Opportunity", "Task"),
			nf("IsActive", "boolean", 0), nf("Description", "string", 255),
		}},
	}
}

// statusFields are the fields of the status value objects (CaseStatus,
// TaskStatus): which picklist values exist, which is the default and which
// count as closed.
func statusFields() []fb {
	return []fb{nf("MasterLabel", "string", 255).req(), nf("ApiName", "string", 255).req(), nf("SortOrder", "int", 0),
		nf("IsDefault", "boolean", 0), nf("IsClosed", "boolean", 0)}
}

// buildSchema creates the objects, standard and custom fields included.
func buildSchema(custom map[string][]FieldSpec) (map[string]*object, []*object, error) {
	byLower := map[string]*object{}
	var list []*object
	for _, d := range standardSchema() {
		o := &object{name: d.name, label: d.label, labelPlural: d.plural, keyPrefix: d.prefix, owned: d.owned,
			createable: !d.setup, setup: d.setup, byLower: map[string]*field{}, relByLower: map[string]*field{}, childByLower: map[string]childRel{}}
		o.add(nf("Id", "id", 18).ro().f).nillable = false
		if d.owned {
			owner := []string{"User"}
			if d.name == "Lead" || d.name == "Case" || d.name == "Task" {
				owner = []string{"Group", "User"}
			}
			o.add(nf("OwnerId", "reference", 18).def("").ref("Owner", owner...).f)
		}
		for _, b := range d.fields {
			o.add(b.f)
		}
		o.add(nf("IsDeleted", "boolean", 0).ro().f)
		o.add(nf("CreatedDate", "datetime", 0).ro().f).nillable = false
		o.add(nf("CreatedById", "reference", 18).ro().ref("CreatedBy", "User").f).nillable = false
		o.add(nf("LastModifiedDate", "datetime", 0).ro().f).nillable = false
		o.add(nf("LastModifiedById", "reference", 18).ro().ref("LastModifiedBy", "User").f).nillable = false
		o.add(nf("SystemModstamp", "datetime", 0).ro().f).nillable = false
		for _, c := range d.children {
			o.children = append(o.children, c)
			o.childByLower[strings.ToLower(c.name)] = c
		}
		byLower[strings.ToLower(o.name)] = o
		list = append(list, o)
	}
	for objName, specs := range custom {
		o := byLower[strings.ToLower(objName)]
		if o == nil {
			return nil, nil, fmt.Errorf("sfsim: custom fields for unknown object %q", objName)
		}
		for _, sp := range specs {
			f, err := customField(sp)
			if err != nil {
				return nil, nil, err
			}
			if o.field(f.name) != nil {
				return nil, nil, fmt.Errorf("sfsim: duplicate field %s.%s", o.name, f.name)
			}
			o.add(f)
		}
	}
	for _, o := range list {
		o.tbl = newTable(o)
	}
	return byLower, list, nil
}

func customField(sp FieldSpec) (*field, error) {
	if !strings.HasSuffix(sp.Name, "__c") || len(sp.Name) < 4 || !isIdent(sp.Name) {
		return nil, fmt.Errorf("sfsim: custom field name %q must end in __c", sp.Name)
	}
	typ := sp.Type
	if typ == "" {
		typ = "string"
	}
	switch typ {
	case "string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "boolean",
		"int", "double", "currency", "percent", "date", "datetime", "reference":
	default:
		return nil, fmt.Errorf("sfsim: custom field %s has unsupported type %q", sp.Name, typ)
	}
	length := sp.Length
	if length == 0 && (kindOf(typ) == kindString) {
		length = 255
	}
	b := nf(sp.Name, typ, length)
	b.f.custom = true
	if sp.Label != "" {
		b.f.label = sp.Label
	}
	if sp.Required {
		b.req()
	}
	b.f.unique, b.f.externalID = sp.Unique, sp.ExternalID
	if len(sp.Picklist) > 0 {
		b.pick(sp.Restricted, sp.Picklist...)
	}
	if typ == "reference" {
		if sp.ReferenceTo == "" {
			return nil, fmt.Errorf("sfsim: reference field %s needs ReferenceTo", sp.Name)
		}
		b.ref(strings.TrimSuffix(sp.Name, "__c")+"__r", sp.ReferenceTo)
	}
	return b.f, nil
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != "" && !(s[0] >= '0' && s[0] <= '9')
}
