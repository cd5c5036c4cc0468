package sfsim

import (
	"strconv"
	"strings"
)

// AST of the supported SOQL subset.
type soqlQuery struct {
	items   []selectItem
	from    token
	where   soqlExpr
	orderBy []orderItem
	limit   int // -1: none
	offset  int // -1: none
}

type selectItem struct {
	path  token
	count bool       // COUNT()
	agg   string     // COUNT(field) etc.
	sub   *soqlQuery // child subquery
}

type orderItem struct {
	path      token
	desc      bool
	nullsLast bool
}

type soqlExpr interface{}

type logicExpr struct {
	and   bool
	terms []soqlExpr
}

type notExpr struct{ e soqlExpr }

type cmpExpr struct {
	path token
	op   string // = != < <= > >= LIKE IN NOTIN INCLUDES EXCLUDES
	vals []literal
	semi *soqlQuery // IN / NOT IN (SELECT …): a semi-join or anti-join
}

type literal struct {
	tok token
	n   int // N of LAST_N_DAYS:n
}

var reserved = map[string]bool{"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"IN": true, "LIKE": true, "ORDER": true, "BY": true, "LIMIT": true, "OFFSET": true, "INCLUDES": true,
	"EXCLUDES": true, "NULL": true, "TRUE": true, "FALSE": true, "GROUP": true, "HAVING": true, "WITH": true,
	"FOR": true, "USING": true, "ASC": true, "DESC": true, "NULLS": true}

type parser struct {
	q    string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}
func (p *parser) isKw(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}
func (p *parser) unexpected(t token) *Error {
	if t.kind == tEOF {
		return soqlError("MALFORMED_QUERY", p.q, t.pos, "unexpected token: <EOF>")
	}
	return soqlError("MALFORMED_QUERY", p.q, t.pos, "unexpected token: '"+t.text+"'")
}
func (p *parser) expectKw(kw string) *Error {
	if !p.isKw(kw) {
		return p.unexpected(p.peek())
	}
	p.next()
	return nil
}
func (p *parser) expect(k tokKind) (token, *Error) {
	t := p.peek()
	if t.kind != k {
		return t, p.unexpected(t)
	}
	return p.next(), nil
}

func (p *parser) fieldName() (token, *Error) {
	t := p.peek()
	if t.kind != tIdent || reserved[strings.ToUpper(t.text)] || strings.HasPrefix(t.text, ".") ||
		strings.HasSuffix(t.text, ".") || strings.Contains(t.text, "..") {
		return t, p.unexpected(t)
	}
	return p.next(), nil
}

// parseSOQL parses a whole query.
func parseSOQL(q string) (*soqlQuery, *Error) {
	if strings.TrimSpace(q) == "" {
		return nil, badRequest("MALFORMED_QUERY", "A query string has to be specified")
	}
	if len(q) > 100000 {
		return nil, badRequest("MALFORMED_QUERY", "Query string is too long")
	}
	toks, err := lexSOQL(q)
	if err != nil {
		return nil, err
	}
	p := &parser{q: q, toks: toks}
	sq, err := p.query(false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	return sq, nil
}

func (p *parser) query(sub bool) (*soqlQuery, *Error) {
	sq := &soqlQuery{limit: -1, offset: -1}
	if err := p.expectKw("SELECT"); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tLParen && !sub:
			p.next()
			inner, err := p.query(true)
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(tRParen); err != nil {
				return nil, err
			}
			sq.items = append(sq.items, selectItem{path: inner.from, sub: inner})
		case t.kind == tIdent && strings.EqualFold(t.text, "COUNT") && p.toks[p.i+1].kind == tLParen:
			p.next()
			p.next()
			if p.peek().kind == tRParen {
				p.next()
				sq.items = append(sq.items, selectItem{path: t, count: true})
				break
			}
			f, err := p.fieldName()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(tRParen); err != nil {
				return nil, err
			}
			sq.items = append(sq.items, selectItem{path: f, agg: "COUNT"})
		default:
			f, err := p.fieldName()
			if err != nil {
				return nil, err
			}
			sq.items = append(sq.items, selectItem{path: f})
		}
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	from, err := p.fieldName()
	if err != nil {
		return nil, err
	}
	sq.from = from
	if p.isKw("WHERE") {
		p.next()
		if sq.where, err = p.cond(); err != nil {
			return nil, err
		}
	}
	if p.isKw("ORDER") {
		p.next()
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		for {
			f, err := p.fieldName()
			if err != nil {
				return nil, err
			}
			oi := orderItem{path: f}
			if p.isKw("ASC") {
				p.next()
			} else if p.isKw("DESC") {
				p.next()
				oi.desc = true
			}
			oi.nullsLast = oi.desc
			if p.isKw("NULLS") {
				p.next()
				switch {
				case p.isKw("FIRST"):
					oi.nullsLast = false
				case p.isKw("LAST"):
					oi.nullsLast = true
				default:
					return nil, p.unexpected(p.peek())
				}
				p.next()
			}
			sq.orderBy = append(sq.orderBy, oi)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if p.isKw("LIMIT") {
		p.next()
		if sq.limit, err = p.nonNegInt(); err != nil {
			return nil, err
		}
	}
	if p.isKw("OFFSET") {
		p.next()
		if sq.offset, err = p.nonNegInt(); err != nil {
			return nil, err
		}
	}
	if p.isKw("FOR") {
		p.next()
		if !p.isKw("VIEW") && !p.isKw("REFERENCE") && !p.isKw("UPDATE") {
			return nil, p.unexpected(p.peek())
		}
		p.next()
	}
	return sq, nil
}

func (p *parser) nonNegInt() (int, *Error) {
	t := p.peek()
	if t.kind != tNumber {
		return 0, p.unexpected(t)
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 0 {
		return 0, p.unexpected(t)
	}
	p.next()
	return n, nil
}

// cond parses a chain of terms joined by one kind of connective: SOQL
// requires parentheses when AND and OR are mixed.
func (p *parser) cond() (soqlExpr, *Error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	var le *logicExpr
	for p.isKw("AND") || p.isKw("OR") {
		opTok := p.next()
		isAnd := strings.EqualFold(opTok.text, "AND")
		if le == nil {
			le = &logicExpr{and: isAnd, terms: []soqlExpr{first}}
		} else if le.and != isAnd {
			return nil, p.unexpected(opTok)
		}
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		le.terms = append(le.terms, t)
	}
	if le == nil {
		return first, nil
	}
	return le, nil
}

func (p *parser) term() (soqlExpr, *Error) {
	if p.isKw("NOT") {
		p.next()
		e, err := p.term()
		if err != nil {
			return nil, err
		}
		return &notExpr{e}, nil
	}
	if p.peek().kind == tLParen {
		p.next()
		e, err := p.cond()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, err
		}
		return e, nil
	}
	f, err := p.fieldName()
	if err != nil {
		return nil, err
	}
	c := &cmpExpr{path: f}
	t := p.peek()
	switch {
	case t.kind == tOp:
		p.next()
		c.op = t.text
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.vals = []literal{v}
	case p.isKw("LIKE"):
		p.next()
		c.op = "LIKE"
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.vals = []literal{v}
	case p.isKw("IN"), p.isKw("NOT"), p.isKw("INCLUDES"), p.isKw("EXCLUDES"):
		c.op = strings.ToUpper(p.next().text)
		if c.op == "NOT" {
			if err := p.expectKw("IN"); err != nil {
				return nil, err
			}
			c.op = "NOTIN"
		}
		if _, err := p.expect(tLParen); err != nil {
			return nil, err
		}
		if (c.op == "IN" || c.op == "NOTIN") && p.isKw("SELECT") {
			sub, err := p.query(true)
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(tRParen); err != nil {
				return nil, err
			}
			c.semi = sub
			return c, nil
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.vals = append(c.vals, v)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
		if _, err := p.expect(tRParen); err != nil {
			return nil, err
		}
	default:
		return nil, p.unexpected(t)
	}
	return c, nil
}

func (p *parser) value() (literal, *Error) {
	t := p.peek()
	switch t.kind {
	case tString, tNumber, tDate, tDateTime:
		p.next()
		return literal{tok: t}, nil
	case tIdent:
		up := strings.ToUpper(t.text)
		if up == "NULL" || up == "TRUE" || up == "FALSE" {
			p.next()
			return literal{tok: t}, nil
		}
		if dk, ok := dateKeywords[up]; ok {
			p.next()
			lit := literal{tok: t}
			if dk.takesN {
				if _, err := p.expect(tColon); err != nil {
					return lit, err
				}
				nt := p.peek()
				n, err := strconv.Atoi(nt.text)
				if nt.kind != tNumber || err != nil || n < 0 {
					return lit, p.unexpected(nt)
				}
				p.next()
				lit.n = n
			}
			return lit, nil
		}
	}
	return literal{}, p.unexpected(t)
}
