package syncer

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/mapping"
)

// The scan copies mapped attributes as listed; what it copies must decode
// to what mapping.IntercomValue reads from the decoded record.
func TestListedValueReadsLikeIntercomValue(t *testing.T) {
	t.Parallel()
	records := []string{
		`{"id":"1","phone":"+1 555","custom_attributes":{"plan":"pro","job_title":null,"n":3},"location":{"city":"Paris"}}`,
		`{"id":"2","plan":"top-level wins","custom_attributes":{"plan":"custom"},"location":null}`,
		`{"id":"3","custom_attributes":null,"location":"not an object"}`,
		`{"id":"4","custom_attributes":{"pl\u0061n":"escaped name","plan":"repeated","plan":"last wins"}}`,
		`{"id":"5"}`,
	}
	names := []string{"phone", "plan", "job_title", "n", "custom_attributes.plan", "custom_attributes.job_title",
		"location.city", "location.country", "custom_attributes", "missing", "custom_attributes.missing.deeper"}
	for _, rec := range records {
		var decoded map[string]any
		require.NoError(t, json.Unmarshal([]byte(rec), &decoded))
		fields, ok := intercom.ObjectMembers(json.RawMessage(rec))
		require.True(t, ok)
		// One listed record answers every name, as when the scan copies
		// a record's mapped attributes: what one name split is reused.
		listed := newListedRecord(fields)
		for _, name := range names {
			want, wantOK := mapping.IntercomValue(decoded, name)
			raw, gotOK := listed.value(name)
			require.Equal(t, wantOK, gotOK, "%s in %s", name, rec)
			if !gotOK {
				continue
			}
			var got any
			require.NoError(t, json.Unmarshal(raw, &got), "%s in %s", name, rec)
			require.Equal(t, want, got, "%s in %s", name, rec)
		}
	}
}

// The scratch record's JSON decodes to what encoding/json makes of the
// same members.
func TestAppendListedJSONDecodesLikeMarshal(t *testing.T) {
	t.Parallel()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	trees := []map[string]any{
		{},
		{"id": raw(`"1"`), "email": raw(`"a@example.com"`), "updated_at": raw(`1700000000`), "role": raw(`"user"`)},
		{"id": raw(`"2"`), "companies": raw(` {"type":"list","data":[{"id":"c1"}]} `), "missing": json.RawMessage(nil)},
		{"custom_attributes": map[string]any{"plan": raw(`"pro"`), "n": raw(`3.5`), "none": raw(`null`)},
			"location": map[string]any{"city": raw(`"Zürich <&>"`)}},
		{"quote\"d": raw(`true`), "back\\slash": raw(`false`), "tab\there": raw(`[]`), "ümlaut": raw(`{}`),
			"bad\xffbyte": raw(`"x"`), "other": 42},
	}
	for _, tree := range trees {
		want, err := json.Marshal(tree)
		require.NoError(t, err)
		got := appendListedJSON([]byte("prefix"), tree)
		require.Equal(t, "prefix", string(got[:6]), "appends")
		var wantV, gotV any
		require.NoError(t, json.Unmarshal(want, &wantV))
		require.NoError(t, json.Unmarshal(got[6:], &gotV), "%s", got[6:])
		require.Equal(t, wantV, gotV, "%s", got[6:])
	}
}
