package salesforce

import (
	"strconv"
	"strings"
	"time"
)

// Record is one sObject row as decoded from JSON: field names map to
// strings, float64 numbers, booleans, nil, nested relationship records
// (map[string]any) or child query results. Rows returned by Salesforce carry
// "attributes" with the object type and URL.
type Record map[string]any

// NewRecord returns a record of the given sObject type, ready for
// Collections: fields are copied and attributes.type is set.
func NewRecord(object string, fields map[string]any) Record {
	r := make(Record, len(fields)+1)
	for k, v := range fields {
		r[k] = v
	}
	r["attributes"] = map[string]any{"type": object}
	return r
}

// ID returns the record's Id field (or "").
func (r Record) ID() string { return r.String("Id") }

// Type returns attributes.type, the sObject name (or "").
func (r Record) Type() string {
	attrs, _ := r["attributes"].(map[string]any)
	s, _ := attrs["type"].(string)
	return s
}

// Get returns the value at field, which may be a dotted relationship path
// such as "Account.Owner.Email". Names match exactly first, then without
// regard to case. ok is false when a part of the path is missing or a
// relationship on the way is null.
func (r Record) Get(field string) (value any, ok bool) {
	var cur map[string]any = r
	for {
		head, rest, more := strings.Cut(field, ".")
		v, found := lookup(cur, head)
		if !found {
			return nil, false
		}
		if !more {
			return v, true
		}
		switch next := v.(type) {
		case map[string]any:
			cur = next
		case Record:
			cur = next
		default:
			return nil, false
		}
		field = rest
	}
}

func lookup(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// String returns the field (dotted paths allowed) as text: strings as is,
// numbers without trailing zeros, booleans as true/false, and "" for null or
// missing values.
func (r Record) String(field string) string {
	v, _ := r.Get(field)
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// Time parses the field as a datetime (or, failing that, a date); ok is false
// when it is null, missing or not a time.
func (r Record) Time(field string) (time.Time, bool) {
	s := r.String(field)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := ParseDateTime(s); err == nil {
		return t, true
	}
	if t, err := ParseDate(s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Bool returns the field as a boolean (false when null or not a boolean).
func (r Record) Bool(field string) bool {
	v, _ := r.Get(field)
	b, _ := v.(bool)
	return b
}

// Float returns the field as a number; ok is false when null or not a number.
func (r Record) Float(field string) (float64, bool) {
	v, _ := r.Get(field)
	f, ok := v.(float64)
	return f, ok
}

// Children returns the records of a child subquery such as
// "(SELECT Id FROM Contacts)"; Salesforce sends null, hence nil here, when
// there are none.
func (r Record) Children(relationship string) []Record {
	v, _ := r.Get(relationship)
	m, _ := v.(map[string]any)
	list, _ := m["records"].([]any)
	out := make([]Record, 0, len(list))
	for _, item := range list {
		if rec, ok := item.(map[string]any); ok {
			out = append(out, Record(rec))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
