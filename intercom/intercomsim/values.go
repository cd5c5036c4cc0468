package intercomsim

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// str returns v as a string: strings as is, numbers in decimal, nil as "".
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// itoa formats an int64 in decimal.
func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// nullable returns nil for "" and s otherwise.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullableInt returns nil for 0 and i otherwise.
func nullableInt(i int64) any {
	if i == 0 {
		return nil
	}
	return i
}

// toInt64 converts a JSON or Go number (or numeric string) to int64.
func toInt64(v any) (int64, bool) {
	switch x := normalizeValue(v).(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), true
	case string:
		i, err := strconv.ParseInt(x, 10, 64)
		return i, err == nil
	}
	return 0, false
}
