package intercom

// Search operators of Intercom's query language.
const (
	OpEquals         = "="
	OpNotEquals      = "!="
	OpIn             = "IN"
	OpNotIn          = "NIN"
	OpLessThan       = "<"
	OpLessOrEqual    = "<="
	OpGreaterThan    = ">"
	OpGreaterOrEqual = ">="
	OpContains       = "~"
	OpNotContains    = "!~"
	OpStartsWith     = "^"
	OpEndsWith       = "$"
	OpAnd            = "AND"
	OpOr             = "OR"
)

// Sort orders for contact search.
const (
	SortAscending  = "ascending"
	SortDescending = "descending"
)

// Filter is a node of a search query: a *SingleFilter or a *MultipleFilter
// (values work too).
type Filter interface {
	isFilter()
}

// SingleFilter compares one field with a value, e.g.
// {Field: "email", Operator: "=", Value: "a@b.c"}. Dates are epoch seconds
// and, for contacts, compared by calendar day in the workspace timezone.
type SingleFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

// MultipleFilter combines filters with "AND" or "OR" (at most two levels
// of nesting and 15 filters per group).
type MultipleFilter struct {
	Operator string   `json:"operator"`
	Value    []Filter `json:"value"`
}

func (SingleFilter) isFilter()   {}
func (MultipleFilter) isFilter() {}

// And combines filters with AND.
func And(filters ...Filter) *MultipleFilter {
	return &MultipleFilter{Operator: OpAnd, Value: filters}
}

// Or combines filters with OR.
func Or(filters ...Filter) *MultipleFilter {
	return &MultipleFilter{Operator: OpOr, Value: filters}
}

// Where builds a single filter.
func Where(field, operator string, value any) *SingleFilter {
	return &SingleFilter{Field: field, Operator: operator, Value: value}
}

// Pagination is the in-body cursor of search requests.
type Pagination struct {
	PerPage       int    `json:"per_page,omitempty"`
	StartingAfter string `json:"starting_after,omitempty"`
}

// Sort orders contact search results by one field.
type Sort struct {
	Field string `json:"field"`
	Order string `json:"order,omitempty"`
}

// SearchRequest is the body of POST /contacts/search and
// POST /conversations/search.
type SearchRequest struct {
	Query      Filter      `json:"query"`
	Pagination *Pagination `json:"pagination,omitempty"`
	// Sort applies to contact search only.
	Sort *Sort `json:"sort,omitempty"`
}

// withCursor returns a copy of r positioned at cursor.
func (r *SearchRequest) withCursor(cursor string) *SearchRequest {
	cp := *r
	p := Pagination{}
	if r.Pagination != nil {
		p = *r.Pagination
	}
	p.StartingAfter = cursor
	cp.Pagination = &p
	return &cp
}
