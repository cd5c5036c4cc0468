package panel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/intercom"
)

// maxCanvasPart is Canvas Kit's limit on each of content, content_url and
// stored_data.
const maxCanvasPart = 64 << 10

// requiredFields lists, per component type, the fields Canvas Kit
// requires besides type.
var requiredFields = map[string][]string{
	"text": {"text"}, "button": {"id", "label", "action"}, "list": {"items"},
	"dropdown": {"id", "options"}, "single-select": {"id", "options"}, "checkbox": {"id", "option", "label"},
	"input": {"id"}, "textarea": {"id"}, "data-table": {"items"}, "divider": nil, "spacer": nil,
	"image": {"url", "width", "height"},
}

// ValidateCanvas checks an initialize or submit response against Canvas
// Kit's rules for Inbox apps: a canvas with content, every component of a
// known type with its required fields, 2–10 options on dropdowns and
// single-selects, list items and data-table rows complete, only submit
// and url actions (sheets and live canvases are Messenger-only), unique
// component ids, and content and stored_data within 64 KB each. It
// returns every problem found, joined.
func ValidateCanvas(resp *intercom.CanvasResponse) error {
	if resp == nil || resp.Canvas == nil {
		return errors.New("the response has no canvas")
	}
	c := resp.Canvas
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.ContentURL != "" {
		add("content_url (a live canvas) is Messenger-only")
	}
	if c.Content == nil {
		add("the canvas has no content")
		return errors.Join(errs...)
	}
	if raw, _ := json.Marshal(c.Content); len(raw) > maxCanvasPart {
		add("content is %d bytes, over 64 KB", len(raw))
	}
	if raw, _ := json.Marshal(c.StoredData); len(raw) > maxCanvasPart {
		add("stored_data is %d bytes, over 64 KB", len(raw))
	}
	if len(c.Content.Components) == 0 {
		add("the canvas has no components")
	}
	// Check the JSON as Intercom reads it, so omitted fields count as
	// missing.
	raw, _ := json.Marshal(c.Content)
	var content struct {
		Components []map[string]any `json:"components"`
	}
	_ = json.Unmarshal(raw, &content)
	ids := map[string]bool{}
	for i, comp := range content.Components {
		typ, _ := comp["type"].(string)
		where := fmt.Sprintf("component %d (%s)", i, typ)
		req, ok := requiredFields[typ]
		if !ok {
			add("component %d has unknown type %q", i, typ)
			continue
		}
		for _, f := range req {
			if v, ok := comp[f]; !ok || v == "" {
				add("%s lacks %q", where, f)
			}
		}
		if id, _ := comp["id"].(string); id != "" {
			if ids[id] {
				add("%s repeats id %q", where, id)
			}
			ids[id] = true
		}
		if a, ok := comp["action"].(map[string]any); ok {
			if err := checkAction(a); err != nil {
				add("%s: %v", where, err)
			}
			if typ == "dropdown" || typ == "textarea" || typ == "checkbox" || typ == "list" {
				add("%s may not have an action", where)
			}
		}
		switch typ {
		case "dropdown", "single-select":
			opts, _ := comp["options"].([]any)
			if len(opts) < 2 || len(opts) > 10 {
				add("%s has %d options; Canvas Kit needs 2 to 10", where, len(opts))
			}
			optIDs := map[string]bool{}
			for j, o := range opts {
				om, _ := o.(map[string]any)
				id, _ := om["id"].(string)
				if om["type"] != "option" || id == "" || om["text"] == nil || om["text"] == "" {
					add("%s option %d needs type \"option\", id and text", where, j)
				}
				optIDs[id] = true
			}
			if v, ok := comp["value"].(string); ok && v != "" && !optIDs[v] {
				add("%s value %q is not one of its options", where, v)
			}
		case "list":
			items, _ := comp["items"].([]any)
			if len(items) == 0 {
				add("%s has no items", where)
			}
			for j, it := range items {
				im, _ := it.(map[string]any)
				if im["type"] != "item" || im["id"] == nil || im["id"] == "" || im["title"] == nil || im["title"] == "" {
					add("%s item %d needs type \"item\", id and title", where, j)
				}
				if a, ok := im["action"].(map[string]any); ok {
					if err := checkAction(a); err != nil {
						add("%s item %d: %v", where, j, err)
					}
				}
				_, hasImg := im["image"]
				_, hasW := im["image_width"]
				_, hasH := im["image_height"]
				if hasImg != hasW || hasImg != hasH {
					add("%s item %d: image, image_width and image_height go together", where, j)
				}
			}
		case "data-table":
			items, _ := comp["items"].([]any)
			if len(items) == 0 {
				add("%s has no rows", where)
			}
			for j, it := range items {
				im, _ := it.(map[string]any)
				if im["type"] != "field-value" || im["field"] == nil || im["value"] == nil {
					add("%s row %d needs type \"field-value\", field and value", where, j)
				}
			}
		case "text":
			if s, _ := comp["style"].(string); s != "" && !oneOf(s, "header", "paragraph", "muted", "error") {
				add("%s has unknown style %q", where, s)
			}
		case "button":
			if s, _ := comp["style"].(string); s != "" && !oneOf(s, "primary", "secondary", "link") {
				add("%s has unknown style %q", where, s)
			}
		case "spacer":
			if s, _ := comp["size"].(string); s != "" && !oneOf(s, "xs", "s", "m", "l", "xl") {
				add("%s has unknown size %q", where, s)
			}
		case "checkbox":
			if opts, _ := comp["option"].([]any); len(opts) == 0 {
				add("%s needs at least one option", where)
			}
		}
	}
	if resp.Event != nil && resp.Event.Type != "completed" {
		add("event type %q: only \"completed\" exists", resp.Event.Type)
	}
	return errors.Join(errs...)
}

// checkAction accepts the actions an Inbox app may use.
func checkAction(a map[string]any) error {
	switch a["type"] {
	case "submit":
		return nil
	case "url":
		if u, _ := a["url"].(string); !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			return fmt.Errorf("url action needs an absolute url, not %q", u)
		}
		return nil
	case "sheet":
		return errors.New("sheet actions are Messenger-only")
	}
	return fmt.Errorf("unknown action type %v", a["type"])
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
