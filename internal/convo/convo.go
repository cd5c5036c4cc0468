// Package convo turns Intercom conversations into what Salesforce Cases and
// Tasks are made of: a plaintext transcript with authors and times, a
// subject, a snippet of one part, the attributes a mapping can copy, and
// the Salesforce record a conversation's person is linked to. It is shared
// by the cases and tasks packages; it makes no remote call of its own
// except through the store it is given.
package convo

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
)

// AppPackageCode marks the notes tandem writes into conversations, so a
// transcript can leave them out.
const AppPackageCode = "tandem"

// transcriptParts are the part types a transcript keeps: what people wrote.
// Assignments, state changes and other system parts are left out.
var transcriptParts = map[string]bool{"comment": true, "note": true, "open": false, "close": false}

// Line is one message of a transcript.
type Line struct {
	At     time.Time
	Author string // "Ada Lovelace (customer)", "Priya (teammate, note)"
	Body   string
}

// Lines returns the messages of a conversation, oldest first: the message
// that started it, then comments and notes. Parts tandem wrote itself and
// empty or redacted parts are left out. Bodies are expected as plain text
// (fetch the conversation with DisplayAs "plaintext").
func Lines(c *intercom.Conversation) []Line {
	var out []Line
	if c.Source != nil && !c.Source.Redacted {
		if body := clean(c.Source.Body); body != "" {
			out = append(out, Line{At: time.Unix(c.CreatedAt, 0).UTC(), Author: author(c.Source.Author, false), Body: body})
		}
	}
	if c.Parts == nil {
		return out
	}
	for _, p := range c.Parts.Parts {
		if !transcriptParts[p.PartType] || p.Redacted || p.AppPackageCode == AppPackageCode {
			continue
		}
		body := clean(p.Body)
		if body == "" {
			continue
		}
		out = append(out, Line{At: time.Unix(p.CreatedAt, 0).UTC(), Author: author(p.Author, p.PartType == "note"), Body: body})
	}
	return out
}

func author(a *intercom.Author, note bool) string {
	if a == nil {
		return "unknown"
	}
	name := a.Name
	if name == "" {
		name = a.Email
	}
	role := "customer"
	switch a.Type {
	case "admin", "team":
		role = "teammate"
	case "bot":
		role = "bot"
	}
	if note {
		role += ", internal note"
	}
	if name == "" {
		return role
	}
	return name + " (" + role + ")"
}

// clean trims a plaintext body and collapses runs of blank lines.
func clean(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// Transcript renders lines as plain text, one block per message:
//
//	2026-05-01 14:03 UTC — Ada Lovelace (customer)
//	The export fails with error 42.
//
// When the text exceeds max bytes the oldest messages are dropped (and a
// first line says how many), so the newest are kept; a single message
// longer than max is cut at its start. max ≤ 0 means no limit.
func Transcript(lines []Line, max int) string {
	blocks := make([]string, len(lines))
	for i, l := range lines {
		blocks[i] = l.At.Format("2006-01-02 15:04 MST") + " — " + l.Author + "\n" + l.Body
	}
	text := strings.Join(blocks, "\n\n")
	if max <= 0 || len(text) <= max {
		return text
	}
	for dropped := 1; dropped < len(blocks); dropped++ {
		head := fmt.Sprintf("[%d earlier messages not shown]\n\n", dropped)
		rest := strings.Join(blocks[dropped:], "\n\n")
		if len(head)+len(rest) <= max {
			return head + rest
		}
	}
	last := blocks[len(blocks)-1]
	return keepEnd(last, max)
}

// keepEnd returns the last max bytes of s, starting at a rune boundary.
func keepEnd(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := len(s) - max
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return s[cut:]
}

// Trim shortens s to at most max runes, on a word boundary when one is
// near, with an ellipsis. Salesforce counts text field lengths in
// characters.
func Trim(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*2/3 {
		cut = cut[:i]
	}
	return cut + "…"
}

// Subject is the conversation's title, or else its first message, trimmed
// to max characters.
func Subject(c *intercom.Conversation, max int) string {
	if t := strings.TrimSpace(c.Title); t != "" {
		return Trim(t, max)
	}
	if c.Source != nil {
		if t := strings.TrimSpace(c.Source.Subject); t != "" {
			return Trim(t, max)
		}
		if b := clean(c.Source.Body); b != "" {
			return Trim(b, max)
		}
	}
	for _, l := range Lines(c) {
		return Trim(l.Body, max)
	}
	return Trim("Intercom conversation "+c.ID, max)
}

// Part returns the conversation part with the given id.
func Part(c *intercom.Conversation, id string) (*intercom.ConversationPart, bool) {
	if c.Parts == nil {
		return nil, false
	}
	for _, p := range c.Parts.Parts {
		if string(p.ID) == id {
			return p, true
		}
	}
	return nil, false
}

// HasTag reports whether the conversation, or any of its parts, carries the
// tag name (case-insensitive).
func HasTag(c *intercom.Conversation, name string) bool {
	if c.Tags != nil {
		for _, t := range c.Tags.Tags {
			if strings.EqualFold(t.Name, name) {
				return true
			}
		}
	}
	if c.Parts != nil {
		for _, p := range c.Parts.Parts {
			if PartHasTag(p, name) {
				return true
			}
		}
	}
	return false
}

// PartHasTag reports whether one part carries the tag name.
func PartHasTag(p *intercom.ConversationPart, name string) bool {
	for _, t := range p.Tags {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

// Person is the Salesforce side of a conversation's contact.
type Person struct {
	IntercomID string
	Link       tandem.Link // Object is ObjectContact or ObjectLead
	Linked     bool
}

// PersonOf returns the conversation's first contact and the Salesforce
// record it is linked to, if any. A contact may be linked as a lead or a
// user whatever its role now, so both pairs are looked up.
func PersonOf(ctx context.Context, db *store.DB, installation string, c *intercom.Conversation) (Person, error) {
	ids := c.ContactIDs()
	if len(ids) == 0 {
		return Person{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Intercom conversation %s has no contact.", c.ID)
	}
	p := Person{IntercomID: ids[0]}
	for _, obj := range []tandem.Object{tandem.ObjectContact, tandem.ObjectLead} {
		l, err := db.LinkByIntercomID(ctx, installation, obj, p.IntercomID)
		if err == nil {
			p.Link, p.Linked = l, true
			return p, nil
		} else if !store.IsNotFound(err) {
			return p, err
		}
	}
	return p, nil
}

// Attribute returns a conversation attribute a mapping can copy: a
// built-in one (state, priority, assignee — the assigned teammate's email
// when admins knows it, else the id —, tags — names joined with ";" —,
// title, created_at, updated_at, id) or a custom conversation data
// attribute by name. ok is false when the conversation has no such value.
func Attribute(c *intercom.Conversation, name string, admins map[string]*intercom.Admin) (any, bool) {
	switch name {
	case "id":
		return c.ID, true
	case "state":
		return c.State, c.State != ""
	case "priority":
		return c.Priority, c.Priority != ""
	case "title":
		return c.Title, c.Title != ""
	case "created_at":
		return float64(c.CreatedAt), c.CreatedAt > 0
	case "updated_at":
		return float64(c.UpdatedAt), c.UpdatedAt > 0
	case "assignee":
		if c.AdminAssigneeID == 0 {
			return nil, false
		}
		id := fmt.Sprint(c.AdminAssigneeID)
		if a, ok := admins[id]; ok && a.Email != "" {
			return a.Email, true
		}
		return id, true
	case "tags":
		if c.Tags == nil || len(c.Tags.Tags) == 0 {
			return nil, false
		}
		names := make([]string, 0, len(c.Tags.Tags))
		for _, t := range c.Tags.Tags {
			names = append(names, t.Name)
		}
		return strings.Join(names, ";"), true
	}
	name = strings.TrimPrefix(name, "custom_attributes.")
	v, ok := c.CustomAttributes[name]
	return v, ok && v != nil
}

// BuiltinAttributes are the conversation attributes Attribute knows
// besides custom data attributes.
var BuiltinAttributes = []string{"id", "state", "priority", "assignee", "tags", "title", "created_at", "updated_at"}

// WebURL is where a teammate opens the conversation in Intercom's inbox.
// Intercom's web app address needs the workspace id, which the API answers
// at /me; without it the link points at the inbox's conversation route.
func WebURL(appID, conversationID string) string {
	if appID == "" {
		return "https://app.intercom.com/a/inbox/conversation/" + conversationID
	}
	return "https://app.intercom.com/a/inbox/" + appID + "/inbox/conversation/" + conversationID
}
