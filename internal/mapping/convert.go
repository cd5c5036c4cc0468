package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ConvertError says why a value cannot be written to a field or attribute.
// It is permanent: retrying the same value fails the same way.
type ConvertError struct {
	Target string // e.g. "Salesforce field Plan__c (double)"
	Value  any    // the value that was offered
	Reason string // e.g. "not a number"
}

// Error says what could not be written where, and why.
func (e *ConvertError) Error() string {
	return fmt.Sprintf("cannot write %s to %s: %s", describeValue(e.Value), e.Target, e.Reason)
}

// describeValue quotes strings and prints other values plainly, cutting long
// ones so an error message stays readable.
func describeValue(v any) string {
	if v == nil {
		return "null"
	}
	s := Canonical(v)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	if _, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return s
}

// ToSalesforce converts v, a value read from Intercom (as decoded from JSON,
// or any Go scalar), to what Salesforce accepts for field f:
//
//   - text types (string, textarea, email, phone, url, combobox, id,
//     reference, encryptedstring): the trimmed string; numbers and booleans
//     are printed; a value longer than f.Length is an error, never cut;
//   - picklist: the matching picklist value, compared case-insensitively; a
//     value outside a restricted picklist is an error; multipicklist takes a
//     list or a ";"-separated string and returns values joined by ";";
//   - int: an int64 (a fraction is an error); double, currency, percent: a
//     float64; numeric strings are parsed;
//   - boolean: true/false, also from "yes"/"no", "1"/"0", 1/0;
//   - date and datetime: from Intercom unix seconds (or a date, RFC 3339 or
//     Salesforce datetime string) to "2006-01-02" and
//     "2006-01-02T15:04:05.000+0000" in UTC.
//
// nil and blank strings clear the field (nil); a boolean is cleared to false,
// and clearing a field that is not nillable is an error.
func ToSalesforce(v any, f SFField) (any, error) {
	fail := func(reason string) (any, error) {
		return nil, &ConvertError{Target: fmt.Sprintf("Salesforce field %s (%s)", f.Name, f.Type), Value: v, Reason: reason}
	}
	if isBlank(v) {
		switch {
		case f.Type == "boolean":
			return false, nil
		case !f.Nillable:
			return fail("the field is required and cannot be cleared")
		}
		return nil, nil
	}
	switch f.Type {
	case "string", "textarea", "email", "phone", "url", "combobox", "id", "reference", "encryptedstring":
		s, err := text(v)
		if err != nil {
			return fail(err.Error())
		}
		if n := utf8.RuneCountInString(s); f.Length > 0 && n > f.Length {
			return fail(fmt.Sprintf("%d characters, the field allows %d", n, f.Length))
		}
		return s, nil
	case "picklist":
		s, err := text(v)
		if err != nil {
			return fail(err.Error())
		}
		p, err := pick(s, f)
		if err != nil {
			return fail(err.Error())
		}
		return p, nil
	case "multipicklist":
		var out []string
		for _, e := range splitList(v) {
			s, err := text(e)
			if err != nil {
				return fail(err.Error())
			}
			if s == "" {
				continue
			}
			p, err := pick(s, f)
			if err != nil {
				return fail(err.Error())
			}
			out = append(out, p)
		}
		if len(out) == 0 {
			return nil, nil
		}
		return strings.Join(out, ";"), nil
	case "int":
		n, err := whole(v)
		if err != nil {
			return fail(err.Error())
		}
		return n, nil
	case "double", "currency", "percent":
		n, err := number(v)
		if err != nil {
			return fail(err.Error())
		}
		return n, nil
	case "boolean":
		b, err := boolean(v)
		if err != nil {
			return fail(err.Error())
		}
		return b, nil
	case "date":
		t, err := timestamp(v)
		if err != nil {
			return fail(err.Error())
		}
		return t.UTC().Format(SalesforceDate), nil
	case "datetime":
		t, err := timestamp(v)
		if err != nil {
			return fail(err.Error())
		}
		return t.UTC().Format(SalesforceDateTime), nil
	}
	return fail("tandem does not convert Salesforce " + strconv.Quote(f.Type) + " fields")
}

// ToIntercom converts v, a value read from Salesforce, to what Intercom
// accepts for attribute a: string and options attributes get the trimmed
// string (numbers and booleans printed); integer an int64 (a fraction is an
// error); float a float64; boolean a bool; date and datetime unix seconds
// from a Salesforce date ("2006-01-02", midnight UTC) or datetime. nil clears
// the attribute (nil); a blank string clears a string attribute to "" and any
// other to nil.
func ToIntercom(v any, a ICAttribute) (any, error) {
	fail := func(reason string) (any, error) {
		return nil, &ConvertError{Target: fmt.Sprintf("Intercom attribute %s (%s)", a.Name, a.DataType), Value: v, Reason: reason}
	}
	if v == nil {
		return nil, nil
	}
	if isBlank(v) {
		if a.DataType == "string" || a.DataType == "options" {
			return "", nil
		}
		return nil, nil
	}
	switch a.DataType {
	case "string", "options":
		s, err := text(v)
		if err != nil {
			return fail(err.Error())
		}
		return s, nil
	case "integer":
		n, err := whole(v)
		if err != nil {
			return fail(err.Error())
		}
		return n, nil
	case "float":
		n, err := number(v)
		if err != nil {
			return fail(err.Error())
		}
		return n, nil
	case "boolean":
		b, err := boolean(v)
		if err != nil {
			return fail(err.Error())
		}
		return b, nil
	case "date", "datetime":
		t, err := timestamp(v)
		if err != nil {
			return fail(err.Error())
		}
		return t.Unix(), nil
	}
	return fail("tandem does not convert Intercom " + strconv.Quote(a.DataType) + " attributes")
}

// isBlank reports whether v is nil or a string of blanks.
func isBlank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}

// text turns a scalar into a trimmed string.
func text(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), nil
	case bool, time.Time, json.Number:
		return Canonical(x), nil
	}
	if _, ok := numeric(v); ok {
		return Canonical(v), nil
	}
	return "", fmt.Errorf("not a single text value (%T)", v)
}

// splitList returns the elements of a list value or of a ";"-separated
// string; any other value is a list of one.
func splitList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case string:
		var out []any
		for _, s := range strings.Split(x, ";") {
			out = append(out, s)
		}
		return out
	}
	return []any{v}
}

// pick matches s against f's picklist, case-insensitively, and returns the
// canonical value. Unknown values pass through an unrestricted picklist.
func pick(s string, f SFField) (string, error) {
	for _, p := range f.Picklist {
		if strings.EqualFold(p, s) {
			return p, nil
		}
	}
	if f.RestrictedPicklist {
		return "", fmt.Errorf("not one of the allowed values (%s)", strings.Join(f.Picklist, ", "))
	}
	return s, nil
}

// number turns a number or numeric string into a float64.
func number(v any) (float64, error) {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, fmt.Errorf("not a number")
		}
		return f, nil
	}
	if f, ok := numeric(v); ok {
		return f, nil
	}
	return 0, fmt.Errorf("not a number (%T)", v)
}

// whole turns a number or numeric string without a fraction into an int64.
func whole(v any) (int64, error) {
	if i, ok := integer(v); ok {
		return i, nil
	}
	f, err := number(v)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("not a whole number")
	}
	if math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("too large")
	}
	return int64(f), nil
}

// boolean turns a bool, 0/1 or a yes/no-like string into a bool.
func boolean(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "yes", "y", "1", "on":
			return true, nil
		case "false", "no", "n", "0", "off":
			return false, nil
		}
		return false, fmt.Errorf("not true or false")
	}
	if f, ok := numeric(v); ok && (f == 0 || f == 1) {
		return f == 1, nil
	}
	return false, fmt.Errorf("not true or false")
}

// timeLayouts are the string forms timestamp accepts, most specific first.
var timeLayouts = []string{SalesforceDateTime, time.RFC3339Nano, SalesforceDate}

// timestamp turns unix seconds, a time.Time or a date / datetime string into
// a time.
func timestamp(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return time.Unix(int64(f), 0), nil
		}
		return time.Time{}, fmt.Errorf("not a date (want unix seconds, %s or RFC 3339)", SalesforceDate)
	}
	if f, ok := numeric(v); ok {
		return time.Unix(int64(f), 0), nil
	}
	return time.Time{}, fmt.Errorf("not a date (%T)", v)
}
