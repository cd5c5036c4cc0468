package intercom

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// fieldsList is a page of a list answer whose objects are split into their
// attributes, each left as undecoded JSON (see ContactsService.ListFields).
// The split is done by hand: encoding/json would decode every attribute of
// every object, or copy each into a json.RawMessage, at several times the
// cost of finding where each one starts and ends.
type fieldsList struct {
	Data        []map[string]json.RawMessage
	Pages       *Pages
	ScrollParam string
}

// UnmarshalJSON splits a list answer. encoding/json has checked that data
// is one valid JSON value before calling it; the attributes of the objects
// are subslices of data.
func (l *fieldsList) UnmarshalJSON(data []byte) error {
	top, ok := splitObject(data)
	if !ok {
		// Not an object: let encoding/json report it as it would.
		var v struct{}
		return json.Unmarshal(data, &v)
	}
	if raw, ok := top["data"]; ok && !isNull(raw) {
		items, ok := splitArray(raw)
		if !ok {
			var v []map[string]any
			return json.Unmarshal(raw, &v)
		}
		l.Data = make([]map[string]json.RawMessage, 0, len(items))
		for _, it := range items {
			fields, ok := splitObject(it)
			if !ok {
				var v map[string]any
				return json.Unmarshal(it, &v)
			}
			l.Data = append(l.Data, fields)
		}
	}
	if raw, ok := top["pages"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &l.Pages); err != nil {
			return err
		}
	}
	if raw, ok := top["scroll_param"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &l.ScrollParam); err != nil {
			return err
		}
	}
	return nil
}

func isNull(raw []byte) bool { return bytes.Equal(raw, []byte("null")) }

// splitObject returns the members of the JSON object b (valid JSON), by
// name; a repeated name keeps its last value, as encoding/json does. ok is
// false when b is not an object.
func splitObject(b []byte) (map[string]json.RawMessage, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	out := make(map[string]json.RawMessage, 48)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, true
	}
	for i < len(b) {
		end := skipValue(b, i) // the name, a string
		name := b[i:end]
		var key string
		// Escapes and invalid UTF-8 (which encoding/json turns into
		// U+FFFD) need the decoder; a plain name is its bytes.
		if bytes.IndexByte(name, '\\') >= 0 || !utf8.Valid(name) {
			if json.Unmarshal(name, &key) != nil {
				return nil, false
			}
		} else {
			key = string(name[1 : len(name)-1])
		}
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // the colon
		end = skipValue(b, i)
		out[key] = b[i:end:end]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] == '}' {
			break
		}
		i = skipSpace(b, i+1) // the comma
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
	return i
}
