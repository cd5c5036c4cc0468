package intercomsim

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

var (
	linkTag      = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)
	lineBreakTag = regexp.MustCompile(`(?i)<br\s*/?>`)
	blockEndTag  = regexp.MustCompile(`(?i)</(p|div|li|h[1-6]|blockquote|pre)>`)
	anyTag       = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLines   = regexp.MustCompile(`\n{3,}`)
)

// plainText renders an HTML body as Intercom's plain text: links become
// "label (url)", paragraphs and line breaks become newlines, other markup
// is dropped and entities are decoded.
func plainText(body string) string {
	if body == "" || !strings.Contains(body, "<") && !strings.Contains(body, "&") {
		return body
	}
	s := linkTag.ReplaceAllStringFunc(body, func(m string) string {
		sub := linkTag.FindStringSubmatch(m)
		url, label := html.UnescapeString(sub[1]), strings.TrimSpace(anyTag.ReplaceAllString(sub[2], ""))
		if label == "" || html.UnescapeString(label) == url {
			return url
		}
		return label + " (" + url + ")"
	})
	s = lineBreakTag.ReplaceAllString(s, "\n")
	s = blockEndTag.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}

// plainConversation rewrites a rendered conversation's source subject and
// body and its parts' bodies as plain text, in place.
func plainConversation(m map[string]any) map[string]any {
	if src, ok := m["source"].(map[string]any); ok {
		for _, k := range []string{"subject", "body"} {
			if v, ok := src[k].(string); ok {
				src[k] = plainText(v)
			}
		}
	}
	if cp, ok := m["conversation_parts"].(map[string]any); ok {
		parts, _ := cp["conversation_parts"].([]any)
		for _, p := range parts {
			pm, _ := p.(map[string]any)
			if v, ok := pm["body"].(string); ok {
				pm["body"] = plainText(v)
			}
		}
	}
	return m
}

// atLeast reports whether version v is major.minor or newer
// ("Unstable"/"Preview" count as newest).
func atLeast(v string, major, minor int) bool {
	ma, mi, ok := strings.Cut(v, ".")
	if !ok {
		return true
	}
	x, err1 := strconv.Atoi(ma)
	y, err2 := strconv.Atoi(mi)
	if err1 != nil || err2 != nil {
		return true
	}
	return x > major || (x == major && y >= minor)
}

// plainWebhooks reports whether conversation webhooks carry plain text:
// payloads for API 2.15 and later do, while the REST API stays HTML.
func (s *Server) plainWebhooks() bool { return atLeast(s.opts.DefaultVersion, 2, 15) }
