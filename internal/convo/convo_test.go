package convo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom"
)

func conversation() *intercom.Conversation {
	return &intercom.Conversation{
		ID: "c1", CreatedAt: 1_700_000_000,
		Source: &intercom.ConversationSource{Body: "  The export fails.\r\n\r\n\r\n\r\nError 42.  ", Author: &intercom.Author{Type: "user", Name: "Ada"}},
		Parts: &intercom.ConversationPartList{Parts: []*intercom.ConversationPart{
			{ID: "1", PartType: "assignment", Body: "", CreatedAt: 1_700_000_060, Author: &intercom.Author{Type: "admin", Name: "Priya"}},
			{ID: "2", PartType: "comment", Body: "Which version?", CreatedAt: 1_700_000_120, Author: &intercom.Author{Type: "admin", Name: "Priya"}},
			{ID: "3", PartType: "note", Body: "Known bug", CreatedAt: 1_700_000_180, Author: &intercom.Author{Type: "admin", Name: "Priya"},
				Tags: []*intercom.Tag{{Name: "Salesforce-Task"}}},
			{ID: "4", PartType: "note", Body: "Salesforce Case 00001001", CreatedAt: 1_700_000_190, AppPackageCode: AppPackageCode},
			{ID: "5", PartType: "comment", Body: "secret", Redacted: true, CreatedAt: 1_700_000_200},
			{ID: "6", PartType: "close", Body: "", CreatedAt: 1_700_000_240},
		}},
	}
}

func TestTranscript(t *testing.T) {
	t.Parallel()
	lines := Lines(conversation())
	require.Len(t, lines, 3, "the first message, a comment and a note; no system parts, tandem's own notes or redacted parts")
	text := Transcript(lines, 0)
	require.Equal(t, "2023-11-14 22:13 UTC — Ada (customer)\nThe export fails.\n\nError 42.\n\n"+
		"2023-11-14 22:15 UTC — Priya (teammate)\nWhich version?\n\n"+
		"2023-11-14 22:16 UTC — Priya (teammate, internal note)\nKnown bug", text)

	short := Transcript(lines, 120)
	require.LessOrEqual(t, len(short), 120)
	require.True(t, strings.HasPrefix(short, "[2 earlier messages not shown]"), short)
	require.True(t, strings.HasSuffix(short, "Known bug"), "the newest is kept")

	tiny := Transcript(lines, 5)
	require.Equal(t, "n bug", tiny)
}

func TestSubjectAndTrim(t *testing.T) {
	t.Parallel()
	c := conversation()
	require.Equal(t, "The export fails. Error 42.", Subject(c, 255))
	c.Title = "Export broken"
	require.Equal(t, "Export broken", Subject(c, 255))
	require.Equal(t, "one two thr…", Trim("one two three", 12))
	require.Equal(t, "one two three four…", Trim("one two three four five six", 20), "cut at a word near the end")
	require.Equal(t, "héllo wörld", Trim("héllo   wörld", 11), "characters, not bytes")
}

func TestTagsAndAttributes(t *testing.T) {
	t.Parallel()
	c := conversation()
	require.True(t, HasTag(c, "salesforce-task"))
	require.False(t, HasTag(c, "salesforce-case"))
	p, ok := Part(c, "3")
	require.True(t, ok)
	require.True(t, PartHasTag(p, "SALESFORCE-TASK"))

	c.AdminAssigneeID = 7
	c.Tags = &intercom.TagList{Tags: []*intercom.Tag{{Name: "vip"}, {Name: "billing"}}}
	c.CustomAttributes = map[string]any{"product_area": "Billing", "empty": nil}
	admins := map[string]*intercom.Admin{"7": {ID: "7", Email: "priya@example.com"}}
	v, ok := Attribute(c, "assignee", admins)
	require.True(t, ok)
	require.Equal(t, "priya@example.com", v)
	v, _ = Attribute(c, "tags", nil)
	require.Equal(t, "vip;billing", v)
	v, ok = Attribute(c, "product_area", nil)
	require.True(t, ok)
	require.Equal(t, "Billing", v)
	_, ok = Attribute(c, "custom_attributes.empty", nil)
	require.False(t, ok)
}
