package intercomsim

import (
	"net/http"
	"strings"
)

// Search query limits, as Intercom documents them.
const (
	maxQueryDepth  = 2  // levels of AND/OR nesting
	maxGroupFilter = 15 // filters per AND/OR group
)

// queryNode is a parsed search query: a group (Op AND/OR with Children) or
// a filter (Field, Op, Value).
type queryNode struct {
	Op       string
	Children []*queryNode
	Field    string
	Value    any
}

// IsGroup reports whether n is an AND/OR group.
func (n *queryNode) IsGroup() bool { return n.Op == "AND" || n.Op == "OR" }

var filterOperators = map[string]bool{"=": true, "!=": true, "IN": true, "NIN": true, "<": true, "<=": true,
	">": true, ">=": true, "~": true, "!~": true, "^": true, "$": true}

func queryError(format string, args ...any) *apiError {
	e := errorf(http.StatusBadRequest, "parameter_invalid", format, args...)
	e.Field = "query"
	return e
}

// parseQuery parses the "query" member of a search body (already JSON
// decoded). It checks structure only; field and type checks happen when the
// query is compiled against a model.
func parseQuery(raw any) (*queryNode, *apiError) {
	if raw == nil {
		return nil, queryError("query is required")
	}
	return parseNode(raw, 0)
}

func parseNode(raw any, depth int) (*queryNode, *apiError) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, queryError("query must be an object")
	}
	op, ok := m["operator"].(string)
	if !ok {
		return nil, queryError("operator is required")
	}
	upper := strings.ToUpper(op)
	if upper == "AND" || upper == "OR" {
		if _, hasField := m["field"]; hasField {
			return nil, queryError("a %s group cannot have a field", upper)
		}
		if depth >= maxQueryDepth {
			return nil, queryError("query nesting is limited to %d levels", maxQueryDepth)
		}
		items, ok := m["value"].([]any)
		if !ok || len(items) == 0 {
			return nil, queryError("%s operator requires a non-empty array of filters", upper)
		}
		if len(items) > maxGroupFilter {
			return nil, queryError("a %s group may have at most %d filters", upper, maxGroupFilter)
		}
		n := &queryNode{Op: upper}
		for _, it := range items {
			c, e := parseNode(it, depth+1)
			if e != nil {
				return nil, e
			}
			n.Children = append(n.Children, c)
		}
		return n, nil
	}
	if upper == "IN" || upper == "NIN" {
		op = upper
	}
	if !filterOperators[op] {
		return nil, queryError("operator %q is not supported", op)
	}
	field, ok := m["field"].(string)
	if !ok || field == "" {
		return nil, queryError("field is required for operator %q", op)
	}
	v, present := m["value"]
	if !present {
		return nil, queryError("value is required for field %q", field)
	}
	if _, isObj := v.(map[string]any); isObj {
		return nil, queryError("value for field %q must be a scalar or an array", field)
	}
	arr, isArr := v.([]any)
	if (op == "IN" || op == "NIN") != isArr {
		if isArr {
			return nil, queryError("an array value needs the IN or NIN operator")
		}
		return nil, queryError("operator %s needs an array value", op)
	}
	if isArr {
		norm := make([]any, len(arr))
		for i, x := range arr {
			switch x.(type) {
			case map[string]any, []any:
				return nil, queryError("array values must be scalars")
			}
			norm[i] = normalizeValue(x)
		}
		v = norm
	} else {
		v = normalizeValue(v)
	}
	return &queryNode{Op: op, Field: field, Value: v}, nil
}
