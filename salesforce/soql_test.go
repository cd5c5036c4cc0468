package salesforce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQuoteString(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"", `''`},
		{"ada@example.com", `'ada@example.com'`},
		{"o'brien@example.com", `'o\'brien@example.com'`},
		{`say "hi"`, `'say \"hi\"'`},
		{`back\slash`, `'back\\slash'`},
		{`\'`, `'\\\''`},
		{"line\nbreak\r\ttab\bbell\fform", `'line\nbreak\r\ttab\bbell\fform'`},
		{"50%_off", `'50%_off'`},
		{"jürgen.müller@bücher.de", `'jürgen.müller@bücher.de'`},
		{"名前@例え.jp", `'名前@例え.jp'`},
		{"x' OR Id != null OR Name='", `'x\' OR Id != null OR Name=\''`},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, QuoteString(tc.in), tc.in)
	}
}

func TestEscapeLike(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"first_last@example.com", `first\_last@example.com`},
		{"100%", `100\%`},
		{`a\b`, `a\\b`},
		{"o'neil_%", `o\'neil\_\%`},
		{"ünïcödé", "ünïcödé"},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, EscapeLike(tc.in), tc.in)
	}
}

func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CEST", 2*3600)
	require.Equal(t, "2024-05-01T10:00:00Z", FormatDateTime(time.Date(2024, 5, 1, 12, 0, 0, 999, paris)))
	require.Equal(t, "2024-05-01", FormatDate(time.Date(2024, 5, 1, 23, 59, 0, 0, time.UTC)))
}

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"2024-05-01T12:00:00.000+0000",
		"2024-05-01T14:00:00.000+0200",
		"2024-05-01T12:00:00+0000",
		"2024-05-01T12:00:00Z",
		"2024-05-01T12:00:00.000Z",
		"2024-05-01T07:00:00-05:00",
		"2024-05-01T12:00:00.000000Z",
	} {
		got, err := ParseDateTime(in)
		require.NoError(t, err, in)
		require.True(t, want.Equal(got), "%s → %s", in, got)
		require.Equal(t, time.UTC, got.Location())
	}
	got, err := ParseDateTime("2024-05-01T12:00:00.123+0000")
	require.NoError(t, err)
	require.Equal(t, 123*time.Millisecond, got.Sub(want))
	for _, bad := range []string{"", "2024-05-01", "yesterday", "2024-05-01 12:00:00"} {
		_, err := ParseDateTime(bad)
		require.Error(t, err, bad)
	}
	d, err := ParseDate("2024-05-01")
	require.NoError(t, err)
	require.Equal(t, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), d)
	_, err = ParseDate("05/01/2024")
	require.Error(t, err)
}
