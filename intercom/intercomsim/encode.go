package intercomsim

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
)

// The simulator renders answers as maps of plain values. encodeJSON writes
// them exactly as json.Marshal would — keys sorted, strings escaped the same
// way, HTML characters included — without reflection for the common value
// kinds. Any other value is handed to json.Marshal. A list page of contacts
// skips the maps: each contact is encoded straight from its attributes
// (render.go), to the same bytes, and the page holds them as raw JSON.

var keysPool = sync.Pool{New: func() any { s := make([]string, 0, 64); return &s }}

// encodeBuffers hold the answers being encoded: a list page is hundreds of
// kilobytes, which a buffer grown from empty would copy several times.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// putEncodeBuffer returns b to encodeBuffers, unless an unusually large
// answer grew it past what is worth keeping.
func putEncodeBuffer(b *[]byte) {
	if cap(*b) <= 4<<20 {
		encodeBuffers.Put(b)
	}
}

// encodeJSON returns the JSON encoding of v, byte for byte what
// json.Marshal returns.
func encodeJSON(v any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 1024), v)
}

func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x)
	case json.RawMessage:
		if x == nil {
			return append(b, "null"...), nil
		}
		return append(b, x...), nil // encoded by this package (see renderedList)
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		// json.Marshal's plain format covers 0 and 1e-6 ≤ |x| < 1e21; the
		// exponent format and the invalid values are left to it.
		if a := math.Abs(x); x == 0 || (a >= 1e-6 && a < 1e21) {
			return strconv.AppendFloat(b, x, 'f', -1, 64), nil
		}
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []string:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONString(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		kp := keysPool.Get().(*[]string)
		keys := (*kp)[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSONString(b, k); err != nil {
				break
			}
			b = append(b, ':')
			if b, err = appendJSON(b, x[k]); err != nil {
				break
			}
		}
		clear(keys)
		*kp = keys[:0]
		keysPool.Put(kp)
		if err != nil {
			return nil, err
		}
		return append(b, '}'), nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// appendJSONString quotes s directly when it is printable ASCII that needs
// no escape, and as json.Marshal does otherwise.
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, err := json.Marshal(s)
			if err != nil {
				return nil, err
			}
			return append(b, enc...), nil
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}
