package sfsim

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// fieldPath is a resolved field reference such as Email or Account.Owner.Name.
type fieldPath struct {
	display  string
	rels     []*field  // reference fields to follow
	targets  []*object // target of each rel; nil for polymorphic hops
	leaf     *field    // the leaf on a known object; nil after a polymorphic hop
	leafName string
	kind     valueKind
	typeOf   *field // representative field for type checks and formatting
	isType   bool   // "Type" on a polymorphic relationship
}

func (p *fieldPath) value(s *Server, r *record) any {
	cur := r
	for i, rf := range p.rels {
		id, _ := cur.vals[rf.idx].(string)
		if id == "" {
			return nil
		}
		if t := p.targets[i]; t != nil {
			cur = t.tbl.byID[id]
		} else {
			cur = s.lookupID(id)
		}
		if cur == nil {
			return nil
		}
	}
	if p.leaf != nil {
		return cur.vals[p.leaf.idx]
	}
	if p.isType {
		return cur.obj.name
	}
	if f := cur.obj.field(p.leafName); f != nil {
		return cur.vals[f.idx]
	}
	return nil
}

const noColumnHint = ". If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
const noRelHint = " in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."

type compiler struct {
	s     *Server
	q     string
	today time.Time
}

func (c *compiler) resolve(o *object, tok token) (*fieldPath, *Error) {
	parts := strings.Split(tok.text, ".")
	if len(parts) > 1 && strings.EqualFold(parts[0], o.name) {
		parts = parts[1:]
	}
	if len(parts) > 6 {
		return nil, soqlError("INVALID_FIELD", c.q, tok.pos, "Relationship fields can be at most 5 levels deep")
	}
	p := &fieldPath{}
	cur := o
	var polyTargets []*object
	names := make([]string, 0, len(parts))
	for _, part := range parts[:len(parts)-1] {
		var rf *field
		if cur != nil {
			rf = cur.relByLower[strings.ToLower(part)]
		}
		if rf == nil {
			return nil, soqlError("INVALID_FIELD", c.q, tok.pos, "Didn't understand relationship '"+part+"'"+noRelHint)
		}
		p.rels = append(p.rels, rf)
		names = append(names, rf.relName)
		if rf.polymorphic() {
			p.targets = append(p.targets, nil)
			polyTargets = nil
			for _, to := range rf.referenceTo {
				if t := c.s.object(to); t != nil {
					polyTargets = append(polyTargets, t)
				}
			}
			cur = nil
		} else {
			cur = c.s.object(rf.referenceTo[0])
			p.targets = append(p.targets, cur)
		}
	}
	leaf := parts[len(parts)-1]
	if cur != nil {
		f := cur.field(leaf)
		if f == nil {
			return nil, soqlError("INVALID_FIELD", c.q, tok.pos, fmt.Sprintf("No such column '%s' on entity '%s'%s", leaf, cur.name, noColumnHint))
		}
		p.leaf, p.typeOf, p.kind, p.leafName = f, f, f.kind, f.name
	} else if strings.EqualFold(leaf, "Type") {
		p.isType, p.kind, p.leafName = true, kindString, "Type"
		p.typeOf = &field{name: "Type", typ: "string", kind: kindString}
	} else {
		for _, t := range polyTargets {
			if f := t.field(leaf); f != nil {
				p.typeOf, p.kind, p.leafName = f, f.kind, f.name
				break
			}
		}
		if p.typeOf == nil {
			return nil, soqlError("INVALID_FIELD", c.q, tok.pos, fmt.Sprintf("No such column '%s' on entity 'Name'%s", leaf, noColumnHint))
		}
	}
	p.display = strings.Join(append(names, p.leafName), ".")
	return p, nil
}

// compiledQuery is a bound, executable query.
type compiledQuery struct {
	obj       *object
	where     func(*record) bool
	order     []orderKey
	limit     int
	offset    int
	count     bool       // SELECT COUNT()
	aggCount  *fieldPath // SELECT COUNT(field)
	nodes     []*renderNode
	plan      func() []*record // index lookup; nil means a full scan
	childFK   *field           // subqueries: the child's reference to the parent
	childName string           // subqueries: relationship name
}

type orderKey struct {
	path      *fieldPath
	desc      bool
	nullsLast bool
}

// renderNode is one key of a rendered record.
type renderNode struct {
	key      string
	leaf     *fieldPath // leaf value relative to the parent node's record
	rel      *field
	target   *object // nil for polymorphic relationships
	children []*renderNode
	sub      *compiledQuery
}

func (s *Server) compileSOQL(q string) (*compiledQuery, *Error) {
	ast, err := parseSOQL(q)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &compiler{s: s, q: q, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	o := s.object(ast.from.text)
	if o == nil {
		return nil, soqlError("INVALID_TYPE", q, ast.from.pos, fmt.Sprintf(
			"sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", ast.from.text))
	}
	return c.compile(o, ast, nil)
}

func (c *compiler) compile(o *object, ast *soqlQuery, parent *object) (*compiledQuery, *Error) {
	cq := &compiledQuery{obj: o, limit: ast.limit, offset: ast.offset}
	if ast.offset > 2000 {
		return nil, badRequest("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
	}
	for _, it := range ast.items {
		switch {
		case it.count:
			if len(ast.items) > 1 {
				return nil, soqlError("MALFORMED_QUERY", c.q, it.path.pos, "COUNT() may only be used alone in the select list")
			}
			cq.count = true
		case it.agg != "":
			if len(ast.items) > 1 {
				return nil, soqlError("MALFORMED_QUERY", c.q, it.path.pos, "Only aggregate expressions are supported with COUNT(field) here")
			}
			p, err := c.resolve(o, it.path)
			if err != nil {
				return nil, err
			}
			cq.aggCount = p
		case it.sub != nil:
			rel, ok := o.childByLower[strings.ToLower(it.sub.from.text)]
			if !ok {
				return nil, soqlError("INVALID_TYPE", c.q, it.sub.from.pos, fmt.Sprintf(
					"Didn't understand relationship '%s' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.", it.sub.from.text))
			}
			child := c.s.object(rel.object)
			sub, err := c.compile(child, it.sub, o)
			if err != nil {
				return nil, err
			}
			sub.childFK, sub.childName = child.field(rel.field), rel.name
			addNode(&cq.nodes, &renderNode{key: rel.name, sub: sub})
		default:
			p, err := c.resolve(o, it.path)
			if err != nil {
				return nil, err
			}
			c.addPath(&cq.nodes, p)
		}
	}
	if ast.where != nil {
		w, plan, err := c.expr(o, ast.where, true)
		if err != nil {
			return nil, err
		}
		cq.where, cq.plan = w, plan
	}
	for _, ob := range ast.orderBy {
		p, err := c.resolve(o, ob.path)
		if err != nil {
			return nil, err
		}
		cq.order = append(cq.order, orderKey{path: p, desc: ob.desc, nullsLast: ob.nullsLast})
	}
	return cq, nil
}

func addNode(nodes *[]*renderNode, n *renderNode) *renderNode {
	for _, x := range *nodes {
		if strings.EqualFold(x.key, n.key) {
			return x
		}
	}
	*nodes = append(*nodes, n)
	return n
}

// addPath adds a resolved select path to the render tree.
func (c *compiler) addPath(nodes *[]*renderNode, p *fieldPath) {
	level := nodes
	for i, rf := range p.rels {
		n := addNode(level, &renderNode{key: rf.relName, rel: rf, target: p.targets[i]})
		level = &n.children
	}
	addNode(level, &renderNode{key: p.leafName, leaf: &fieldPath{leaf: p.leaf, leafName: p.leafName, isType: p.isType, typeOf: p.typeOf, kind: p.kind}})
}

func typeName(f *field) (string, bool) {
	switch f.kind {
	case kindString, kindID:
		return "string", true
	case kindBool:
		return "boolean", false
	case kindNumber:
		return "double", false
	case kindDate:
		return "date", false
	}
	return "dateTime", false
}

func (c *compiler) typeErr(p *fieldPath, lit literal) *Error {
	tn, quoted := typeName(p.typeOf)
	hint := "should not be enclosed in quotes"
	if quoted {
		hint = "should be enclosed in quotes"
	}
	return soqlError("INVALID_FIELD", c.q, lit.tok.pos, fmt.Sprintf(
		"value of filter criterion for field '%s' must be of type %s and %s", p.leafName, tn, hint))
}

// constant is a literal converted to the compared field's kind. Date
// keywords become a range [v, hi).
type constant struct {
	v       any
	hi      time.Time
	isRange bool
	null    bool
}

func (c *compiler) convert(p *fieldPath, lit literal) (constant, *Error) {
	t := lit.tok
	if t.kind == tIdent {
		up := strings.ToUpper(t.text)
		switch up {
		case "NULL":
			return constant{null: true}, nil
		case "TRUE", "FALSE":
			if p.kind != kindBool {
				return constant{}, c.typeErr(p, lit)
			}
			return constant{v: up == "TRUE"}, nil
		}
		dk := dateKeywords[up]
		if p.kind != kindDate && p.kind != kindDateTime {
			return constant{}, c.typeErr(p, lit)
		}
		lo, hi := dk.rng(c.today, lit.n)
		return constant{v: lo, hi: hi, isRange: true}, nil
	}
	switch t.kind {
	case tString:
		switch p.kind {
		case kindString:
			return constant{v: strings.ToLower(t.str)}, nil
		case kindID:
			id, ok := To18(t.str)
			if !ok {
				return constant{}, soqlError("INVALID_QUERY_FILTER_OPERATOR", c.q, t.pos, "invalid ID field: "+t.str)
			}
			return constant{v: id}, nil
		}
	case tNumber:
		if p.kind == kindNumber {
			f, err := strconv.ParseFloat(t.text, 64)
			if err == nil {
				return constant{v: f}, nil
			}
		}
	case tDate:
		if p.kind == kindDate {
			d, _ := time.Parse(dateLayout, t.text)
			return constant{v: d}, nil
		}
	case tDateTime:
		if p.kind == kindDateTime {
			for _, l := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999Z07:00"} {
				if d, err := time.Parse(l, t.text); err == nil {
					return constant{v: d.UTC()}, nil
				}
			}
		}
	}
	return constant{}, c.typeErr(p, lit)
}

// compareVals orders a stored value against a constant of the same kind.
func compareVals(kind valueKind, v, k any) (int, bool) {
	switch kind {
	case kindString:
		a, ok1 := v.(string)
		b, ok2 := k.(string)
		if !ok1 || !ok2 {
			return 0, false
		}
		return strings.Compare(strings.ToLower(a), b), true
	case kindID:
		a, ok1 := v.(string)
		b, ok2 := k.(string)
		if !ok1 || !ok2 {
			return 0, false
		}
		return strings.Compare(a, b), true
	case kindBool:
		a, ok1 := v.(bool)
		b, ok2 := k.(bool)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch {
		case a == b:
			return 0, true
		case !a:
			return -1, true
		}
		return 1, true
	case kindNumber:
		a, ok1 := v.(float64)
		b, ok2 := k.(float64)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	case kindDate, kindDateTime:
		a, ok1 := v.(time.Time)
		b, ok2 := k.(time.Time)
		if !ok1 || !ok2 {
			return 0, false
		}
		return a.Compare(b), true
	}
	return 0, false
}

func matchOp(op string, kind valueKind, v any, k constant) bool {
	if k.isRange {
		t, ok := v.(time.Time)
		if !ok {
			return false
		}
		lo := k.v.(time.Time)
		in := !t.Before(lo) && t.Before(k.hi)
		switch op {
		case "=":
			return in
		case "!=":
			return !in
		case "<":
			return t.Before(lo)
		case "<=":
			return t.Before(k.hi)
		case ">":
			return !t.Before(k.hi)
		case ">=":
			return !t.Before(lo)
		}
		return false
	}
	if kind == kindString && (op == "=" || op == "!=") {
		a, ok := v.(string)
		eq := ok && strings.EqualFold(a, k.v.(string))
		return eq == (op == "=")
	}
	n, ok := compareVals(kind, v, k.v)
	if !ok {
		return op == "!="
	}
	switch op {
	case "=":
		return n == 0
	case "!=":
		return n != 0
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	case ">=":
		return n >= 0
	}
	return false
}

func indexable(f *field) bool {
	return f != nil && (f.name == "Id" || f.unique || f.externalID || f.typ == "email" || f.name == "Username" || f.name == "AccountNumber")
}

// expr compiles a WHERE expression. At the top level (and inside a top
// AND) an equality on an indexed field yields an index plan.
func (c *compiler) expr(o *object, e soqlExpr, top bool) (func(*record) bool, func() []*record, *Error) {
	switch x := e.(type) {
	case *logicExpr:
		preds := make([]func(*record) bool, 0, len(x.terms))
		var plan func() []*record
		for _, t := range x.terms {
			p, tp, err := c.expr(o, t, top && x.and)
			if err != nil {
				return nil, nil, err
			}
			preds = append(preds, p)
			if plan == nil && x.and {
				plan = tp
			}
		}
		if x.and {
			return func(r *record) bool {
				for _, p := range preds {
					if !p(r) {
						return false
					}
				}
				return true
			}, plan, nil
		}
		return func(r *record) bool {
			for _, p := range preds {
				if p(r) {
					return true
				}
			}
			return false
		}, nil, nil
	case *notExpr:
		p, _, err := c.expr(o, x.e, false)
		if err != nil {
			return nil, nil, err
		}
		return func(r *record) bool { return !p(r) }, nil, nil
	case *cmpExpr:
		return c.cmp(o, x, top)
	}
	return nil, nil, badRequest("MALFORMED_QUERY", "unsupported expression")
}

func (c *compiler) cmp(o *object, x *cmpExpr, top bool) (func(*record) bool, func() []*record, *Error) {
	p, err := c.resolve(o, x.path)
	if err != nil {
		return nil, nil, err
	}
	s := c.s
	kind := p.kind
	if x.semi != nil {
		return c.semiJoin(o, p, x, top)
	}
	switch x.op {
	case "=", "!=", "<", "<=", ">", ">=":
		k, err := c.convert(p, x.vals[0])
		if err != nil {
			return nil, nil, err
		}
		op := x.op
		if k.null {
			if op != "=" && op != "!=" {
				return nil, nil, soqlError("INVALID_QUERY_FILTER_OPERATOR", c.q, x.vals[0].tok.pos, "invalid operator on null value")
			}
			eq := op == "="
			return func(r *record) bool { return (p.value(s, r) == nil) == eq }, nil, nil
		}
		var plan func() []*record
		if top && op == "=" && len(p.rels) == 0 && indexable(p.leaf) && !k.isRange {
			plan = func() []*record { return o.tbl.lookup(p.leaf, k.v) }
		}
		return func(r *record) bool {
			v := p.value(s, r)
			if v == nil {
				return op == "!="
			}
			return matchOp(op, kind, v, k)
		}, plan, nil
	case "IN", "NOTIN":
		var consts []constant
		set := map[string]bool{}
		hasNull := false
		for _, l := range x.vals {
			k, err := c.convert(p, l)
			if err != nil {
				return nil, nil, err
			}
			if k.null {
				hasNull = true
				continue
			}
			if str, ok := k.v.(string); ok {
				set[str] = true
			}
			consts = append(consts, k)
		}
		in := x.op == "IN"
		var plan func() []*record
		if top && in && !hasNull && len(p.rels) == 0 && indexable(p.leaf) && (kind == kindString || kind == kindID) {
			plan = func() []*record {
				var out []*record
				for k := range set {
					out = append(out, o.tbl.lookup(p.leaf, k)...)
				}
				return out
			}
		}
		return func(r *record) bool {
			v := p.value(s, r)
			if v == nil {
				return hasNull == in
			}
			found := false
			switch kind {
			case kindString:
				found = set[strings.ToLower(v.(string))]
			case kindID:
				found = set[v.(string)]
			default:
				for _, k := range consts {
					if matchOp("=", kind, v, k) {
						found = true
						break
					}
				}
			}
			return found == in
		}, plan, nil
	case "LIKE":
		lit := x.vals[0]
		if kind != kindString && kind != kindID {
			return nil, nil, soqlError("INVALID_QUERY_FILTER_OPERATOR", c.q, x.path.pos, "invalid operator on field: "+p.leafName)
		}
		if lit.tok.kind != tString {
			return nil, nil, c.typeErr(p, lit)
		}
		str, like := lit.tok.str, lit.tok.like
		var match func(string) bool
		switch {
		case like == regexp.QuoteMeta(str):
			match = func(v string) bool { return strings.EqualFold(v, str) }
		case strings.HasSuffix(str, "%") && like == regexp.QuoteMeta(str[:len(str)-1])+".*":
			prefix := str[:len(str)-1]
			match = func(v string) bool { return len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) }
		default:
			re, rerr := regexp.Compile("(?is)^" + like + "$")
			if rerr != nil {
				return nil, nil, soqlError("MALFORMED_QUERY", c.q, lit.tok.pos, "invalid LIKE pattern")
			}
			match = re.MatchString
		}
		return func(r *record) bool {
			v, ok := p.value(s, r).(string)
			return ok && match(v)
		}, nil, nil
	case "INCLUDES", "EXCLUDES":
		if p.typeOf.typ != "multipicklist" {
			return nil, nil, soqlError("INVALID_QUERY_FILTER_OPERATOR", c.q, x.path.pos,
				"includes or excludes operator only valid on multipicklist field")
		}
		var groups [][]string
		for _, l := range x.vals {
			if l.tok.kind != tString {
				return nil, nil, c.typeErr(p, l)
			}
			groups = append(groups, strings.Split(strings.ToLower(l.tok.str), ";"))
		}
		includes := x.op == "INCLUDES"
		return func(r *record) bool {
			v, _ := p.value(s, r).(string)
			have := map[string]bool{}
			for _, part := range strings.Split(strings.ToLower(v), ";") {
				have[strings.TrimSpace(part)] = true
			}
			any := false
			for _, g := range groups {
				all := true
				for _, want := range g {
					if !have[strings.TrimSpace(want)] {
						all = false
					}
				}
				any = any || all
			}
			return any == includes
		}, nil, nil
	}
	return nil, nil, soqlError("MALFORMED_QUERY", c.q, x.path.pos, "unexpected token: "+x.op)
}

// semiJoin compiles "field IN (SELECT idField FROM …)" and its NOT IN
// (anti-join) form. The subquery runs once, when the outer query is
// compiled, which is also when it runs.
func (c *compiler) semiJoin(o *object, p *fieldPath, x *cmpExpr, top bool) (func(*record) bool, func() []*record, *Error) {
	sub := x.semi
	if p.kind != kindID {
		return nil, nil, soqlError("INVALID_FIELD", c.q, x.path.pos, fmt.Sprintf(
			"Invalid field for semi/anti join: %s. Semi/anti join conditions can only filter on id or reference fields", p.leafName))
	}
	so := c.s.object(sub.from.text)
	if so == nil {
		return nil, nil, soqlError("INVALID_TYPE", c.q, sub.from.pos, fmt.Sprintf("sObject type '%s' is not supported.", sub.from.text))
	}
	if len(sub.items) != 1 || sub.items[0].sub != nil || sub.items[0].count || sub.items[0].agg != "" {
		return nil, nil, soqlError("MALFORMED_QUERY", c.q, sub.from.pos, "semi join sub-selects can only select one id field")
	}
	if hasSemiJoin(sub.where) {
		return nil, nil, soqlError("MALFORMED_QUERY", c.q, sub.from.pos, "Nesting of semi join sub-selects is not supported")
	}
	sp, err := c.resolve(so, sub.items[0].path)
	if err != nil {
		return nil, nil, err
	}
	if sp.kind != kindID {
		return nil, nil, soqlError("INVALID_FIELD", c.q, sub.items[0].path.pos, fmt.Sprintf(
			"semi join sub selects can only query id fields, cannot use: '%s'", sub.items[0].path.text))
	}
	cq, err := c.compile(so, sub, nil)
	if err != nil {
		return nil, nil, err
	}
	set := map[string]bool{}
	for _, r := range c.s.run(cq, false) {
		if id, ok := sp.value(c.s, r).(string); ok && id != "" {
			set[id] = true
		}
	}
	in := x.op == "IN"
	var plan func() []*record
	if top && in && len(p.rels) == 0 && indexable(p.leaf) {
		plan = func() []*record {
			var out []*record
			for id := range set {
				out = append(out, o.tbl.lookup(p.leaf, id)...)
			}
			return out
		}
	}
	s := c.s
	return func(r *record) bool {
		id, _ := p.value(s, r).(string)
		if id == "" {
			return !in
		}
		return set[id] == in
	}, plan, nil
}

func hasSemiJoin(e soqlExpr) bool {
	switch x := e.(type) {
	case *logicExpr:
		for _, t := range x.terms {
			if hasSemiJoin(t) {
				return true
			}
		}
	case *notExpr:
		return hasSemiJoin(x.e)
	case *cmpExpr:
		return x.semi != nil
	}
	return false
}

// run executes a compiled query and returns the matching rows.
func (s *Server) run(cq *compiledQuery, all bool) []*record {
	var rows []*record
	src := cq.obj.tbl.rows
	if cq.plan != nil {
		cand := cq.plan()
		seen := make(map[*record]bool, len(cand))
		src = make([]*record, 0, len(cand))
		for _, r := range cand {
			if !seen[r] {
				seen[r] = true
				src = append(src, r)
			}
		}
		sort.Slice(src, func(i, j int) bool { return src[i].id < src[j].id })
	}
	for _, r := range src {
		if r.deleted && !all {
			continue
		}
		if cq.where == nil || cq.where(r) {
			rows = append(rows, r)
		}
	}
	s.sortRows(rows, cq.order)
	if cq.offset > 0 {
		if cq.offset >= len(rows) {
			rows = nil
		} else {
			rows = rows[cq.offset:]
		}
	}
	if cq.limit >= 0 && cq.limit < len(rows) {
		rows = rows[:cq.limit]
	}
	return rows
}

func (s *Server) sortRows(rows []*record, order []orderKey) {
	if len(order) == 0 {
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for _, k := range order {
			a, b := k.path.value(s, rows[i]), k.path.value(s, rows[j])
			if a == nil || b == nil {
				if a == nil && b == nil {
					continue
				}
				// nil sorts first unless NULLS LAST.
				return (a == nil) != k.nullsLast
			}
			kb := b
			if k.path.kind == kindString {
				kb = strings.ToLower(b.(string))
			}
			n, _ := compareVals(k.path.kind, a, kb)
			if n == 0 {
				continue
			}
			return (n < 0) != k.desc
		}
		return false
	})
}
