package sfsim

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Salesforce's datetime layout in responses.
const dateTimeLayout = "2006-01-02T15:04:05.000-0700"
const dateLayout = "2006-01-02"

var writeTimeLayouts = []string{
	"2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z", "2006-01-02T15:04:05",
}

// FormatDateTime formats t the way Salesforce returns datetimes
// (2024-05-01T12:00:00.000+0000).
func FormatDateTime(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

func parseWriteTime(s string) (time.Time, bool) {
	for _, l := range writeTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), true
		}
	}
	return time.Time{}, false
}

func deserializeErr(f *field, v any) *Error {
	tok := "VALUE_STRING"
	switch v.(type) {
	case json.Number, float64, int, int64:
		tok = "VALUE_NUMBER_INT"
	case bool:
		tok = "VALUE_TRUE"
	case map[string]any:
		tok = "START_OBJECT"
	case []any:
		tok = "START_ARRAY"
	}
	typ := f.typ
	if f.kind == kindNumber {
		typ = "double"
	}
	return badRequest("JSON_PARSER_ERROR", fmt.Sprintf(
		"Cannot deserialize instance of %s from %s value %v or request may be missing a required field", typ, tok, v))
}

// coerce converts a JSON-decoded or Go value into f's stored form.
func coerce(f *field, v any) (any, *Error) {
	if v == nil {
		return nil, nil
	}
	switch f.kind {
	case kindString:
		switch x := v.(type) {
		case string:
			if x == "" {
				return nil, nil
			}
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		case int:
			return strconv.Itoa(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case kindID:
		if x, ok := v.(string); ok {
			if x == "" {
				return nil, nil
			}
			id, ok := To18(x)
			if !ok {
				return nil, badRequest("MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", f.label, x), f.name)
			}
			return id, nil
		}
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
	case kindNumber:
		var n float64
		ok := true
		switch x := v.(type) {
		case json.Number:
			var err error
			n, err = x.Float64()
			ok = err == nil
		case float64:
			n = x
		case int:
			n = float64(x)
		case int64:
			n = float64(x)
		case string:
			if x == "" {
				return nil, nil
			}
			var err error
			n, err = strconv.ParseFloat(x, 64)
			ok = err == nil
		default:
			ok = false
		}
		if ok && !math.IsNaN(n) && !math.IsInf(n, 0) {
			if f.integer {
				n = math.Round(n)
			}
			return n, nil
		}
	case kindDate:
		switch x := v.(type) {
		case time.Time:
			y, m, d := x.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
		case string:
			if x == "" {
				return nil, nil
			}
			if t, err := time.Parse(dateLayout, x); err == nil {
				return t, nil
			}
			if t, ok := parseWriteTime(x); ok {
				y, m, d := t.Date()
				return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
			}
		}
	case kindDateTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Truncate(time.Millisecond), nil
		case string:
			if x == "" {
				return nil, nil
			}
			if t, ok := parseWriteTime(x); ok {
				return t, nil
			}
			if t, err := time.Parse(dateLayout, x); err == nil {
				return t, nil
			}
		}
	}
	return nil, deserializeErr(f, v)
}

// appendValue appends a stored value as Salesforce renders it in JSON.
func appendValue(b []byte, f *field, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return appendBool(b, x)
	case float64:
		if f.integer {
			return strconv.AppendInt(b, int64(x), 10)
		}
		start := len(b)
		b = strconv.AppendFloat(b, x, 'f', -1, 64)
		if !strings.ContainsAny(string(b[start:]), ".e") {
			b = append(b, '.', '0')
		}
		return b
	case time.Time:
		b = append(b, '"')
		if f.kind == kindDate {
			b = x.AppendFormat(b, dateLayout)
		} else {
			b = x.UTC().AppendFormat(b, dateTimeLayout)
		}
		return append(b, '"')
	}
	return append(b, "null"...)
}
