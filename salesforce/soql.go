package salesforce

import (
	"errors"
	"strings"
	"time"
)

// QuoteString returns s as a single-quoted SOQL string literal, escaping
// backslash, quotes and control characters the way SOQL requires. Use it for
// every user-supplied value spliced into a query.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	escapeInto(&b, s, false)
	b.WriteByte('\'')
	return b.String()
}

// EscapeLike escapes s for use inside a LIKE pattern: like QuoteString's
// escaping (without the quotes) plus % and _, so that the value matches
// literally. Add your own wildcards around it:
//
//	"Email LIKE '" + EscapeLike(domain) + "%'"
func EscapeLike(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	escapeInto(&b, s, true)
	return b.String()
}

func escapeInto(b *strings.Builder, s string, like bool) {
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '%':
			if like {
				b.WriteString(`\%`)
			} else {
				b.WriteByte('%')
			}
		case '_':
			if like {
				b.WriteString(`\_`)
			} else {
				b.WriteByte('_')
			}
		default:
			b.WriteRune(r)
		}
	}
}

// FormatDateTime returns t as an (unquoted) SOQL datetime literal in UTC,
// such as 2024-05-01T12:00:00Z. Sub-second precision is dropped.
func FormatDateTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// FormatDate returns the date part of t (in t's location) as an SOQL date
// literal, such as 2024-05-01.
func FormatDate(t time.Time) string {
	return t.Format(time.DateOnly)
}

var dateTimeLayouts = []string{
	"2006-01-02T15:04:05.000-0700", // what Salesforce returns
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.999999999Z07:00", // RFC 3339 with or without fraction
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02T15:04:05.999999999Z",
}

// ParseDateTime parses a Salesforce datetime such as
// 2024-05-01T12:00:00.000+0000, and RFC 3339 variants (Z or ±hh:mm, with or
// without fractional seconds). The result is in UTC.
func ParseDateTime(s string) (time.Time, error) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("salesforce: not a datetime: " + s)
}

// ParseDate parses a Salesforce date such as 2024-05-01 (midnight UTC).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errors.New("salesforce: not a date: " + s)
	}
	return t, nil
}
