package mapping

import "strings"

// IntercomValue reads attribute attr from a decoded Intercom contact or
// company object. attr is a full name ("phone", "location.city",
// "custom_attributes.plan"); a bare name absent at the top level is looked up
// among the custom attributes. ok is false when the attribute is absent; a
// present null gives (nil, true).
func IntercomValue(obj map[string]any, attr string) (any, bool) {
	if v, ok := lookupPath(obj, attr); ok {
		return v, true
	}
	if !strings.Contains(attr, ".") {
		return lookupPath(obj, customPrefix+attr)
	}
	return nil, false
}

// SalesforceValue reads field from a decoded Salesforce record. "Name" on a
// record carrying FirstName or LastName (a Lead or Contact) is the two
// joined by FieldsToName; otherwise "Name" is read as is (an Account). A
// dotted field ("Owner.Email") follows the relationship. ok is false when the
// field is absent.
func SalesforceValue(rec map[string]any, field string) (any, bool) {
	if field == "Name" {
		first, fok := rec["FirstName"]
		last, lok := rec["LastName"]
		if fok || lok {
			name := FieldsToName(asString(first), asString(last))
			if name == "" {
				return nil, true
			}
			return name, true
		}
	}
	return lookupPath(rec, field)
}

// lookupPath walks a dotted path through nested JSON objects.
func lookupPath(obj map[string]any, path string) (any, bool) {
	cur := obj
	parts := strings.Split(path, ".")
	for i, p := range parts {
		v, ok := cur[p]
		if !ok {
			return nil, false
		}
		if i == len(parts)-1 {
			return v, true
		}
		next, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return nil, false
}

// asString returns v when it is a string and "" otherwise (a null name part).
func asString(v any) string {
	s, _ := v.(string)
	return s
}

// NameToFields splits Intercom's single name into Salesforce's FirstName and
// LastName: the first word is the first name and the rest the last name, so
// "Jean van der Berg" gives ("Jean", "van der Berg"). A single word is a last
// name only, since LastName is the required one.
func NameToFields(name string) (first, last string) {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return "", words[0]
	}
	return words[0], strings.Join(words[1:], " ")
}

// FieldsToName joins FirstName and LastName into one name, skipping empty
// parts.
func FieldsToName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}

// SalesforceWrite returns the update body that sets field of a Lead or
// Contact to v. "Name" expands to FirstName and LastName (an empty part is
// written as null); every other field is written as is. Account's Name is a
// real field: write it as map[string]any{"Name": v} rather than through this
// function.
func SalesforceWrite(field string, v any) map[string]any {
	if field != "Name" {
		return map[string]any{field: v}
	}
	first, last := NameToFields(Canonical(v))
	return map[string]any{"FirstName": nilIfEmpty(first), "LastName": nilIfEmpty(last)}
}

// nilIfEmpty turns "" into a JSON null.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
