package intercom

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// validJSON says what json.Valid says, whatever the input. The seeds run
// with go test; `go test -fuzz FuzzValidJSON ./intercom` explores further.
func FuzzValidJSON(f *testing.F) {
	for _, seed := range []string{
		``, ` `, `{}`, `[]`, ` { "a" : [ 1 , -0.5e-3 , 2E+10 , true , false , null ] } `, `"\u00e9\n\"\\\/\b\f\r\t"`,
		`{"a":1,}`, `[1,]`, `[,1]`, `{"a"}`, `{"a":}`, `{1:2}`, `{"a":1 "b":2}`, `01`, `-`, `1.`, `.5`, `+1`, `1e`, `1e+`,
		`-01`, `0x1`, `tru`, `nul`, `falsey`, `"abc`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"\x01\"", "\"\xff\xfe\"", `[[[]]]`,
		`[[]`, `[]]`, `{"a":{"b":{}}}}`, `1 2`, `"a" "b"`, "\t\n\r 7 \r\n", `{"a":"}","b":["]",{"c":"\\\""}]}`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat(`{"a":`, 10000) + `{}` + strings.Repeat("}", 10000), strings.Repeat(`{"a":`, 9999) + `{}` + strings.Repeat("}", 9999),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, json.Valid([]byte(s)), validJSON([]byte(s)), "%.200q", s)
	})
}

// A contacts page as the bulk sync reads them: validJSON against
// json.Valid.
//
//	go test -run '^$' -bench ValidJSON ./intercom
func BenchmarkValidJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"type":"list","data":[`)
	for i := range 150 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"type":"contact","id":"%024x","workspace_id":"abc123","external_id":null,"role":"user",`+
			`"email":"user%07d@bench.example","phone":"+1 555 %07d","name":"User %d","avatar":null,"owner_id":null,`+
			`"social_profiles":{"type":"list","data":[]},"has_hard_bounced":false,"marked_email_as_spam":false,`+
			`"unsubscribed_from_emails":false,"created_at":1700000000,"updated_at":1700000%03d,"signed_up_at":null,`+
			`"last_seen_at":null,"browser":null,"os":null,"location":{"type":"location","country":null,"region":null,"city":null},`+
			`"custom_attributes":{"plan":"Pro","job_title":"Engineer \u00e9","sf_lead_status":null},`+
			`"tags":{"type":"list","data":[],"url":"/contacts/%024x/tags","total_count":0,"has_more":false},`+
			`"companies":{"type":"list","data":[{"type":"company","id":"c%023x","url":"/companies/c%023x"}],"total_count":1,"has_more":false}}`,
			i, i, i, i, i%1000, i, i, i)
	}
	sb.WriteString(`],"total_count":100000,"pages":{"type":"pages","next":{"page":2,"starting_after":"abc"},"page":1,"per_page":150,"total_pages":667}}`)
	page := []byte(sb.String())
	require.True(b, json.Valid(page))
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for range b.N {
			json.Valid(page)
		}
	})
	b.Run("validJSON", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for range b.N {
			validJSON(page)
		}
	})
}
