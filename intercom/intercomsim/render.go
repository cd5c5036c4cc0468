package intercomsim

import (
	"encoding/json"
	"slices"
	"strings"
)

// A record with a fixed set of attributes (a contact) is rendered from one
// list of them: as a map where a caller reads or embeds it, and straight
// into JSON where a list page encodes many at once. The list is sorted by
// name once, so the direct encoding skips building and sorting a map per
// record and writes the same bytes the map encodes to.

// attr is one attribute of a rendered T.
type attr[T any] struct {
	name  string
	key   []byte // the name quoted, with its colon
	value func(s *Server, x T, version string) any
	// appendValue, when set, appends value's encoding without building
	// it: for the nested objects every record has.
	appendValue func(b []byte, s *Server, x T, version string) []byte
}

// attrs sorts the attributes of a rendered T by name, as the encoder
// writes a map's keys, and quotes their names once.
func attrs[T any](as []attr[T]) []attr[T] {
	slices.SortFunc(as, func(a, b attr[T]) int { return strings.Compare(a.name, b.name) })
	for i := range as {
		k, err := appendJSONString(nil, as[i].name)
		if err != nil {
			panic(err) // names are constants of this package
		}
		as[i].key = append(k, ':')
	}
	return as
}

// renderMap renders x as a map of its attributes.
func renderMap[T any](s *Server, as []attr[T], x T, version string) map[string]any {
	m := make(map[string]any, len(as))
	for _, a := range as {
		m[a.name] = a.value(s, x, version)
	}
	return m
}

// appendRendered appends the JSON encoding of renderMap's map of x to b.
func appendRendered[T any](b []byte, s *Server, as []attr[T], x T, version string) ([]byte, error) {
	b = append(b, '{')
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, a.key...)
		if a.appendValue != nil {
			b = a.appendValue(b, s, x, version)
			continue
		}
		var err error
		if b, err = appendJSON(b, a.value(s, x, version)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// renderedList encodes the list of xs now, for a page: the page's encoding
// copies the bytes. It must be called with s.mu held, as the map form.
func renderedList[T any](s *Server, as []attr[T], xs []T, version string) (json.RawMessage, error) {
	b := make([]byte, 0, 3<<10*(len(xs)+1)) // a contact is about 2.5 kB
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendRendered(b, s, as, x, version); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// constantJSON appends the encoding of v, computed once.
func constantJSON[T any](v any) func([]byte, *Server, T, string) []byte {
	enc, err := encodeJSON(v)
	if err != nil {
		panic(err) // values are constants of this package
	}
	return func(b []byte, _ *Server, _ T, _ string) []byte { return append(b, enc...) }
}
