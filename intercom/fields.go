package intercom

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// FieldsPage is one page of a list answer, read in full, whose objects are
// split into their attributes, each left as undecoded JSON, only when
// Fields or Select is called. A caller reading many pages can so ask for
// the next one (its cursor is known as soon as this one arrives) while
// splitting this one. The answer is checked to be valid JSON when it is
// split, not when it arrives: the check is a large part of reading a page
// (see validJSON), and a caller that reads pages one after another would
// wait on it before it could ask for the next. Until then only the members that say
// where the next page is have been read, each checked as it is decoded.
//
// The split is done by hand: encoding/json would decode every attribute of
// every object, or copy each into a json.RawMessage, at several times the
// cost of finding where each one starts and ends.
type FieldsPage struct {
	body        []byte // the whole answer, until it is checked
	data        json.RawMessage
	pages       *Pages
	scrollParam string
}

// parseBody reads the members of a list answer that say where the next
// page is; the objects, and the check of the whole answer, are left for
// Fields.
func (p *FieldsPage) parseBody(body []byte) error {
	top, ok := splitObject(body)
	if !ok {
		// Not valid JSON or not an object: let encoding/json say why.
		var v struct{}
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		return errors.New("not a JSON object")
	}
	if raw, ok := top["data"]; ok && !isNull(raw) {
		p.data = raw
	}
	if raw, ok := top["pages"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &p.pages); err != nil {
			return err
		}
	}
	if raw, ok := top["scroll_param"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &p.scrollParam); err != nil {
			return err
		}
	}
	p.body = body
	return nil
}

// check returns encoding/json's error when the answer the page was read
// from is not valid JSON. An answer found valid is not checked again.
func (p *FieldsPage) check() error {
	if p.body == nil {
		return nil
	}
	if !validJSON(p.body) {
		var v struct{}
		if err := json.Unmarshal(p.body, &v); err != nil {
			return err
		}
		return errors.New("invalid JSON")
	}
	p.body = nil
	return nil
}

// empty reports whether the page holds no object.
func (p *FieldsPage) empty() bool {
	i := skipSpace(p.data, 0)
	if i >= len(p.data) {
		return true
	}
	j := skipSpace(p.data, i+1)
	return p.data[i] == '[' && j < len(p.data) && p.data[j] == ']'
}

// Fields returns the page's objects, each split into its attributes by
// name; the attributes are subslices of the answer.
func (p *FieldsPage) Fields() ([]map[string]json.RawMessage, error) {
	return p.fields(nil)
}

// Select is Fields keeping only the named top-level attributes of each
// object: a caller that needs a few of a contact's forty attributes makes
// maps of a few.
func (p *FieldsPage) Select(names ...string) ([]map[string]json.RawMessage, error) {
	keep := make(map[string]bool, len(names))
	for _, n := range names {
		keep[n] = true
	}
	return p.fields(keep)
}

// fields splits the page's objects, keeping the attributes keep names (all
// when keep is nil).
func (p *FieldsPage) fields(keep map[string]bool) ([]map[string]json.RawMessage, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.data == nil {
		return nil, nil
	}
	items, ok := splitArray(p.data)
	if !ok {
		var v []map[string]any
		return nil, json.Unmarshal(p.data, &v)
	}
	out := make([]map[string]json.RawMessage, 0, len(items))
	for _, it := range items {
		fields, ok := splitMembers(it, keep)
		if !ok {
			var v map[string]any
			return nil, json.Unmarshal(it, &v)
		}
		out = append(out, fields)
	}
	return out, nil
}

// ObjectMembers returns the members of the JSON object raw by name, each as
// undecoded JSON, as Fields splits a page's objects; ok is false when raw
// is not an object. raw must be valid JSON, as every member of a page is.
func ObjectMembers(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	return splitObject(raw)
}

func isNull(raw []byte) bool { return bytes.Equal(raw, []byte("null")) }

// splitObject returns the members of the JSON object b, by name; a
// repeated name keeps its last value, as encoding/json does. ok is false
// when b is not an object. For valid JSON the members are what
// encoding/json finds; invalid JSON yields ok false or members that a
// check of b with json.Valid would have refused, never a panic.
func splitObject(b []byte) (map[string]json.RawMessage, bool) {
	return splitMembers(b, nil)
}

// splitMembers is splitObject keeping only the members keep names (all
// when keep is nil).
func splitMembers(b []byte, keep map[string]bool) (map[string]json.RawMessage, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	// A member takes a dozen bytes or more: a record's few dozen members
	// get room at once, a small nested object no more than it needs.
	size := min(48, len(b)/12)
	if keep != nil {
		size = min(size, len(keep))
	}
	out := make(map[string]json.RawMessage, size)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, true
	}
	for i < len(b) {
		end := skipValue(b, i) // the name, a string
		name := b[i:end]
		if len(name) < 2 || name[0] != '"' || name[len(name)-1] != '"' {
			return nil, false
		}
		var key string
		kept := true
		// Escapes and invalid UTF-8 (which encoding/json turns into
		// U+FFFD) need the decoder; a plain name is its bytes, looked up
		// in keep without a copy.
		if bytes.IndexByte(name, '\\') >= 0 || !utf8.Valid(name) {
			if json.Unmarshal(name, &key) != nil {
				return nil, false
			}
			kept = keep == nil || keep[key]
		} else if plain := name[1 : len(name)-1]; keep == nil || keep[string(plain)] {
			key = string(plain)
		} else {
			kept = false
		}
		if i = skipSpace(b, end); i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		end = skipValue(b, i)
		if kept {
			out[key] = b[i:end:end]
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return nil, false
		}
		i = skipSpace(b, i+1)
	}
	return out, true
}

// splitArray returns the elements of the JSON array b (valid JSON); ok is
// false when b is not an array.
func splitArray(b []byte) ([]json.RawMessage, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	var out []json.RawMessage
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return out, true
	}
	for i < len(b) {
		end := skipValue(b, i)
		out = append(out, b[i:end:end])
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == ']' {
			break
		}
		i = skipSpace(b, i+1)
	}
	return out, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // a number, true, false or null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the index just past the string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b) // unterminated, perhaps after a lone backslash
}
