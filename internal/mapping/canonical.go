package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Salesforce's date and datetime formats on the wire.
const (
	SalesforceDate     = "2006-01-02"
	SalesforceDateTime = "2006-01-02T15:04:05.000-0700"
)

// Canonical returns one string for v that both systems agree on, for
// comparing values across systems and for storing shadow values: nil is "",
// strings are trimmed, booleans are "true" or "false", numbers carry no
// trailing zeros (1200, 1200.0 and json.Number("1200") all give "1200"),
// times and Salesforce datetime strings are RFC 3339 in UTC, and lists (a
// multi-select picklist) are joined with ";".
func Canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		s := strings.TrimSpace(x)
		if len(s) == len(SalesforceDateTime) && s[10] == 'T' {
			if t, err := time.Parse(SalesforceDateTime, s); err == nil {
				return t.UTC().Format(time.RFC3339)
			}
		}
		return s
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return strconv.FormatInt(i, 10)
		}
		if f, err := x.Float64(); err == nil {
			return formatFloat(f)
		}
		return x.String()
	case []string:
		return strings.Join(x, ";")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Canonical(e)
		}
		return strings.Join(parts, ";")
	}
	if i, ok := integer(v); ok {
		return strconv.FormatInt(i, 10)
	}
	if f, ok := numeric(v); ok {
		return formatFloat(f)
	}
	return fmt.Sprint(v)
}

// formatFloat prints f without trailing zeros and without an exponent.
func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// integer returns v as an int64 when it is one of Go's signed integer kinds.
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// numeric converts Go's numeric kinds (not strings) to float64.
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
