package intercomsim

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// fieldType is the data type of a searchable field.
type fieldType int

const (
	ftString fieldType = iota + 1
	ftInt
	ftFloat
	ftBool
	ftDate
	ftTagID   // string id, = and != only
	ftStrings // list of string ids (contact_ids, tag_ids…)
)

// allowedOps lists the operators valid for each field type (contacts).
var allowedOps = map[fieldType]string{
	ftString:  "= != IN NIN ~ !~ ^ $",
	ftInt:     "= != IN NIN < > <= >=",
	ftFloat:   "= != IN NIN < > <= >=",
	ftBool:    "= != IN NIN",
	ftDate:    "= < >",
	ftTagID:   "= !=",
	ftStrings: "= != IN NIN",
}

// fieldSpec describes one searchable field of T.
type fieldSpec[T any] struct {
	typ fieldType
	get func(T) any
}

// searchSchema describes the searchable fields of a model.
type searchSchema[T any] struct {
	fields map[string]fieldSpec[T]
	// custom resolves custom_attributes.<name> (nil when not defined).
	custom func(name string) (fieldType, bool)
	// customGet reads a custom attribute.
	customGet func(T, string) any
	// lenient accepts every operator on every type and treats date
	// comparisons as inclusive (conversation search).
	lenient bool
	loc     *time.Location
}

func dataTypeToField(dt string) fieldType {
	switch dt {
	case "integer":
		return ftInt
	case "float", "decimal":
		return ftFloat
	case "boolean":
		return ftBool
	case "date", "datetime":
		return ftDate
	}
	return ftString
}

// resolve returns the spec of a field name.
func (sc *searchSchema[T]) resolve(field string) (fieldSpec[T], bool) {
	if f, ok := sc.fields[field]; ok {
		return f, true
	}
	if name, ok := strings.CutPrefix(field, "custom_attributes."); ok && sc.custom != nil {
		if t, ok := sc.custom(name); ok {
			get := sc.customGet
			return fieldSpec[T]{typ: t, get: func(x T) any { return get(x, name) }}, true
		}
	}
	return fieldSpec[T]{}, false
}

// compile turns a parsed query into a predicate over T.
func compile[T any](sc *searchSchema[T], n *queryNode) (func(T) bool, *apiError) {
	if n.IsGroup() {
		preds := make([]func(T) bool, 0, len(n.Children))
		for _, c := range n.Children {
			p, e := compile(sc, c)
			if e != nil {
				return nil, e
			}
			preds = append(preds, p)
		}
		if n.Op == "AND" {
			return func(x T) bool {
				for _, p := range preds {
					if !p(x) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(x T) bool {
			for _, p := range preds {
				if p(x) {
					return true
				}
			}
			return false
		}, nil
	}
	spec, ok := sc.resolve(n.Field)
	if !ok {
		return nil, queryError("%s is not a searchable field", n.Field)
	}
	if !sc.lenient && !slices.Contains(strings.Fields(allowedOps[spec.typ]), n.Op) {
		return nil, queryError("operator %s is not supported for field %s", n.Op, n.Field)
	}
	vals := []any{n.Value}
	if arr, ok := n.Value.([]any); ok {
		vals = arr
	}
	for i, v := range vals {
		cv, ok := coerce(spec.typ, v)
		if !ok {
			return nil, queryError("value %v is not valid for field %s", v, n.Field)
		}
		vals[i] = cv
	}
	m := matcher(sc, spec.typ, n.Op, vals)
	get := spec.get
	return func(x T) bool { return m(get(x)) }, nil
}

// coerce converts a query value to the field type's Go representation.
func coerce(t fieldType, v any) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch t {
	case ftInt, ftDate, ftFloat:
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		case string:
			f, err := strconv.ParseFloat(x, 64)
			return f, err == nil
		}
		return nil, false
	case ftBool:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			b, err := strconv.ParseBool(x)
			return b, err == nil
		}
		return nil, false
	default:
		switch x := v.(type) {
		case string:
			return strings.ToLower(x), true
		case int64:
			return strconv.FormatInt(x, 10), true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return nil, false
	}
}

// asFloat reads a stored numeric value.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// matcher builds the comparison of one filter.
func matcher[T any](sc *searchSchema[T], t fieldType, op string, vals []any) func(any) bool {
	negate := op == "!=" || op == "NIN" || op == "!~"
	var one func(stored, want any) bool
	switch t {
	case ftInt, ftFloat:
		one = func(stored, want any) bool {
			f, ok := asFloat(stored)
			if want == nil || !ok {
				return want == nil && !ok
			}
			return cmpOp(op, cmp.Compare(f, want.(float64)))
		}
	case ftDate:
		one = func(stored, want any) bool {
			f, ok := asFloat(stored)
			if want == nil || !ok || f == 0 {
				return want == nil && (!ok || f == 0)
			}
			if sc.lenient {
				return cmpOp(op, cmp.Compare(f, want.(float64)))
			}
			// Day-granular: compare calendar days in the workspace zone.
			day := startOfDay(int64(want.(float64)), sc.loc)
			next := day.AddDate(0, 0, 1).Unix()
			ts := int64(f)
			switch op {
			case "=":
				return ts >= day.Unix() && ts < next
			case ">":
				return ts >= next
			case "<":
				return ts < day.Unix()
			}
			return false
		}
	case ftBool:
		one = func(stored, want any) bool {
			b, ok := stored.(bool)
			if want == nil {
				return !ok
			}
			return ok && b == want.(bool)
		}
	case ftStrings:
		one = func(stored, want any) bool {
			list, _ := stored.([]string)
			if want == nil {
				return len(list) == 0
			}
			for _, s := range list {
				if strings.EqualFold(s, want.(string)) {
					return true
				}
			}
			return false
		}
	default:
		one = func(stored, want any) bool {
			s, _ := stored.(string)
			if want == nil {
				return s == ""
			}
			if s == "" && stored == nil {
				return false
			}
			w := want.(string)
			s = strings.ToLower(s)
			switch op {
			case "~", "!~":
				return strings.Contains(s, w)
			case "^":
				return strings.HasPrefix(s, w)
			case "$":
				return strings.HasSuffix(s, w)
			case "<", "<=", ">", ">=":
				return cmpOp(op, cmp.Compare(s, w))
			}
			return s == w
		}
	}
	if negate {
		return func(stored any) bool {
			for _, w := range vals {
				if one(stored, w) {
					return false
				}
			}
			return true
		}
	}
	return func(stored any) bool {
		for _, w := range vals {
			if one(stored, w) {
				return true
			}
		}
		return false
	}
}

// cmpOp applies a comparison operator to a cmp result. Equality operators
// and their negations are handled by the callers through "=".
func cmpOp(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return c == 0 // =, !=, IN, NIN: negation applied by the caller
}

func startOfDay(ts int64, loc *time.Location) time.Time {
	t := time.Unix(ts, 0).In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// sortKeyOf builds a pagination key from a stored field value.
func sortKeyOf(v any, seq int) sortKey {
	switch x := v.(type) {
	case nil:
		return sortKey{Null: true, Seq: seq}
	case string:
		if x == "" {
			return sortKey{Null: true, Seq: seq}
		}
		return sortKey{Str: strings.ToLower(x), IsStr: true, Seq: seq}
	case bool:
		if x {
			return sortKey{Num: 1, Seq: seq}
		}
		return sortKey{Seq: seq}
	}
	if f, ok := asFloat(v); ok {
		return sortKey{Num: f, Seq: seq}
	}
	return sortKey{Null: true, Seq: seq}
}
