package mapping

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem"
)

// Validate checks mappings against both systems' metadata and returns every
// problem found, joined with errors.Join, or nil. Each problem names the
// mapping by its 1-based position and its description, e.g.
//
//	mapping 3 (Intercom phone → Lead.Foo__c): Salesforce field Lead.Foo__c does not exist
//
// It checks that the object, direction and transform are known; that the
// Salesforce field and the Intercom attribute exist (a standard Intercom
// attribute missing from the schema is checked against tandem's built-in
// list); that the written side is writable (updateable in Salesforce, API
// writable in Intercom); that the two types can be converted; that no two
// mappings write the same field; and that no pair is mapped both ways.
func Validate(ms []tandem.Mapping, s Schema) error {
	var errs []error
	written := map[string]int{} // target key → 1-based mapping number
	pairs := map[string]int{}   // pair key → 1-based mapping number
	for i, m := range ms {
		n := i + 1
		report := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("mapping %d (%s): %s", n, m, fmt.Sprintf(format, args...)))
		}
		problems := len(errs)
		if !m.Object.Valid() {
			report("object: must be lead, contact or account, not %q", m.Object)
		}
		if !m.Direction.Valid() {
			report("direction: must be to_salesforce or to_intercom, not %q", m.Direction)
		}
		if strings.TrimSpace(m.Intercom) == "" {
			report("intercom: the Intercom attribute is missing")
		}
		if strings.TrimSpace(m.Salesforce) == "" {
			report("salesforce: the Salesforce field is missing")
		}
		if !m.OnFirstLink.Valid() {
			report("on_first_link: must be fill_blanks or overwrite, not %q", m.OnFirstLink)
		}
		if m.Transform != "" {
			report("transform: unknown transform %q (leave it empty to convert by type)", m.Transform)
		}
		if len(errs) > problems {
			continue
		}

		sobject := m.Object.SObject()
		sf, targets, err := salesforceField(m, s)
		if err != nil {
			report("%s", err)
		}
		ic, custom := Resolve(m)
		attr, ierr := intercomAttribute(m, ic, custom, s)
		if ierr != nil {
			report("%s", ierr)
		}
		if err != nil || ierr != nil {
			continue
		}

		if m.Direction == tandem.ToSalesforce && !sf.Updateable {
			report("Salesforce field %s.%s is not updateable", sobject, m.Salesforce)
		}
		if m.Direction == tandem.ToIntercom && !attr.APIWritable {
			report("Intercom attribute %s is not writable through the API", ic)
		}
		if reason := incompatible(sf.Type, attr.DataType); reason != "" {
			report("Salesforce field %s.%s (%s) and Intercom attribute %s (%s) have incompatible types: %s",
				sobject, m.Salesforce, sf.Type, ic, attr.DataType, reason)
		}

		if m.Direction == tandem.ToIntercom {
			targets = []string{"Intercom attribute " + ic + " of " + string(m.Object) + "s"}
		}
		for _, t := range targets {
			if prev, ok := written[t]; ok {
				report("%s is already written by mapping %d (one writer per field)", t, prev)
				continue
			}
			written[t] = n
		}
		pair := string(m.Object) + "\x00" + ic + "\x00" + m.Salesforce
		if prev, ok := pairs[pair]; ok && ms[prev-1].Direction != m.Direction {
			report("Intercom %s and %s.%s are already mapped the other way by mapping %d (one writer per field)", ic, sobject, m.Salesforce, prev)
		} else if !ok {
			pairs[pair] = n
		}
	}
	return errors.Join(errs...)
}

// salesforceField finds the mapping's Salesforce field and the field keys
// it writes ("Lead.Phone"). On a Lead or Contact, "Name" stands for
// FirstName and LastName.
func salesforceField(m tandem.Mapping, s Schema) (SFField, []string, error) {
	sobject := m.Object.SObject()
	fields, ok := s.Salesforce[sobject]
	if !ok {
		return SFField{}, nil, fmt.Errorf("Salesforce object %s was not described (no access, or describe failed)", sobject)
	}
	lookup := func(name string) (SFField, error) {
		if f, ok := fields[name]; ok {
			return f, nil
		}
		for real := range fields {
			if strings.EqualFold(real, name) {
				return SFField{}, fmt.Errorf("Salesforce field %s.%s does not exist (did you mean %s?)", sobject, name, real)
			}
		}
		return SFField{}, fmt.Errorf("Salesforce field %s.%s does not exist", sobject, name)
	}
	if m.Salesforce == "Name" && m.Object != tandem.ObjectAccount {
		first, err := lookup("FirstName")
		if err != nil {
			return SFField{}, nil, err
		}
		last, err := lookup("LastName")
		if err != nil {
			return SFField{}, nil, err
		}
		name := SFField{
			Name: "Name", Type: "string", Length: first.Length + 1 + last.Length,
			Updateable: first.Updateable && last.Updateable, Createable: first.Createable && last.Createable,
			Nillable: last.Nillable,
		}
		return name, []string{"Salesforce field " + sobject + ".FirstName", "Salesforce field " + sobject + ".LastName"}, nil
	}
	f, err := lookup(m.Salesforce)
	if err != nil {
		return SFField{}, nil, err
	}
	return f, []string{"Salesforce field " + sobject + "." + m.Salesforce}, nil
}

// intercomAttribute finds the mapping's Intercom attribute in the schema,
// falling back to the built-in list for standard attributes.
func intercomAttribute(m tandem.Mapping, ic string, custom bool, s Schema) (ICAttribute, error) {
	model := Model(m.Object)
	if a, ok := s.Intercom[model][ic]; ok {
		return a, nil
	}
	if !custom {
		a, _ := Standard(model, ic)
		return a, nil
	}
	return ICAttribute{}, fmt.Errorf("Intercom attribute %s does not exist (create it as a %s data attribute)", ic, model)
}

// Type families shared by both systems.
const (
	familyText     = "text"
	familyPicklist = "picklist"
	familyNumber   = "number"
	familyBool     = "boolean"
	familyTime     = "date"
)

// salesforceFamily groups Salesforce describe types; "" means unsupported.
func salesforceFamily(t string) string {
	switch t {
	case "string", "textarea", "email", "phone", "url", "combobox", "id", "reference", "encryptedstring":
		return familyText
	case "picklist", "multipicklist":
		return familyPicklist
	case "int", "double", "currency", "percent":
		return familyNumber
	case "boolean":
		return familyBool
	case "date", "datetime":
		return familyTime
	}
	return ""
}

// intercomFamily groups Intercom data types; "" means unsupported.
func intercomFamily(t string) string {
	switch t {
	case "string", "options":
		return familyText
	case "integer", "float":
		return familyNumber
	case "boolean":
		return familyBool
	case "date", "datetime":
		return familyTime
	}
	return ""
}

// incompatible says why values cannot move between a Salesforce field of
// type sf and an Intercom attribute of type ic, or "" when they can. Text
// goes with every scalar; a picklist only with text; otherwise both sides
// must be of one family.
func incompatible(sf, ic string) string {
	sfam, ifam := salesforceFamily(sf), intercomFamily(ic)
	switch {
	case sfam == "":
		return fmt.Sprintf("tandem does not convert Salesforce %q fields", sf)
	case ifam == "":
		return fmt.Sprintf("tandem does not convert Intercom %q attributes", ic)
	case sfam == familyPicklist && ifam != familyText:
		return "a picklist maps only to a string attribute"
	case sfam == ifam || sfam == familyText || ifam == familyText:
		return ""
	}
	return fmt.Sprintf("%s values cannot become %s values", sfam, ifam)
}
