package sfsim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cursor is an open query locator: the matched rows, rendered page by page.
type cursor struct {
	id    string
	cq    *compiledQuery
	rows  []*record
	all   bool
	batch int
	subs  map[*compiledQuery]map[string][]*record
	used  time.Time
}

// locatorIdle is how long an unused query locator stays valid.
const locatorIdle = 15 * time.Minute

const maxCursors = 50

func (s *Server) batchSize(r *http.Request) int {
	size := s.opts.PageSize
	for _, part := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				size = n
			}
		}
	}
	lo := min(200, s.opts.PageSize)
	return max(lo, min(size, 2000))
}

func (s *Server) query(q *apiReq, all bool) response {
	cq, err := s.compileSOQL(q.r.URL.Query().Get("q"))
	if err != nil {
		return errResp(err)
	}
	rows := s.run(cq, all)
	if cq.count {
		b := []byte(`{"totalSize":`)
		b = appendInt(b, len(rows))
		return jsonResp(200, append(b, `,"done":true,"records":[]}`...))
	}
	if cq.aggCount != nil {
		n := 0
		for _, r := range rows {
			if cq.aggCount.value(s, r) != nil {
				n++
			}
		}
		b := []byte(`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":`)
		b = appendInt(b, n)
		return jsonResp(200, append(b, `}]}`...))
	}
	c := &cursor{cq: cq, rows: rows, all: all, batch: s.batchSize(q.r)}
	return jsonResp(200, s.page(q, c, 0))
}

func (s *Server) queryMore(q *apiReq, loc string) response {
	id, posStr, ok := strings.Cut(loc, "-")
	pos, err := strconv.Atoi(posStr)
	c := s.cursors[id]
	if !ok || err != nil || c == nil || pos < 0 || pos > len(c.rows) || s.now().Sub(c.used) > locatorIdle {
		return errResp(badRequest("INVALID_QUERY_LOCATOR", "invalid query locator"))
	}
	return jsonResp(200, s.page(q, c, pos))
}

// page renders rows [pos, pos+batch) and keeps the cursor open if more remain.
func (s *Server) page(q *apiReq, c *cursor, pos int) []byte {
	end := min(len(c.rows), pos+c.batch)
	c.used = s.now()
	b := make([]byte, 0, 256*(end-pos)+128)
	b = append(b, `{"totalSize":`...)
	b = appendInt(b, len(c.rows))
	done := end >= len(c.rows)
	b = append(b, `,"done":`...)
	b = appendBool(b, done)
	if done {
		if c.id != "" {
			delete(s.cursors, c.id)
		}
	} else {
		if c.id == "" {
			s.seq++
			c.id = newID("01g", s.seq)
			s.cursors[c.id] = c
			s.cursorOrder = append(s.cursorOrder, c.id)
			if len(s.cursorOrder) > maxCursors {
				delete(s.cursors, s.cursorOrder[0])
				s.cursorOrder = s.cursorOrder[1:]
			}
		}
		b = append(b, `,"nextRecordsUrl":`...)
		b = appendString(b, q.base+"/query/"+c.id+"-"+strconv.Itoa(end))
	}
	b = append(b, `,"records":[`...)
	for i, r := range c.rows[pos:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.renderRecord(b, q.base, r, c.cq.nodes, c, false)
	}
	return append(b, "]}"...)
}

func appendAttributes(b []byte, base, typ, concrete, id string) []byte {
	b = append(b, `{"attributes":{"type":`...)
	b = appendString(b, typ)
	b = append(b, `,"url":`...)
	b = appendString(b, base+"/sobjects/"+concrete+"/"+id)
	return append(b, `}`...)
}

// renderRecord appends r with the selected nodes, as Salesforce renders a
// query row: attributes first, then fields in select order.
func (s *Server) renderRecord(b []byte, base string, r *record, nodes []*renderNode, c *cursor, poly bool) []byte {
	typ := r.obj.name
	if poly {
		typ = "Name"
	}
	b = appendAttributes(b, base, typ, r.obj.name, r.id)
	for _, n := range nodes {
		b = appendKey(b, false, n.key)
		switch {
		case n.sub != nil:
			kids := s.children(c, n.sub, r.id)
			if len(kids) == 0 {
				b = append(b, "null"...)
				continue
			}
			b = append(b, `{"totalSize":`...)
			b = appendInt(b, len(kids))
			b = append(b, `,"done":true,"records":[`...)
			for i, k := range kids {
				if i > 0 {
					b = append(b, ',')
				}
				b = s.renderRecord(b, base, k, n.sub.nodes, c, false)
			}
			b = append(b, "]}"...)
		case n.rel != nil:
			id, _ := r.vals[n.rel.idx].(string)
			var parent *record
			if id != "" {
				if n.target != nil {
					parent = n.target.tbl.byID[id]
				} else {
					parent = s.lookupID(id)
				}
			}
			if parent == nil {
				b = append(b, "null"...)
				continue
			}
			b = s.renderRecord(b, base, parent, n.children, c, n.target == nil)
		default:
			lp := n.leaf
			if lp.leaf != nil {
				b = appendValue(b, lp.leaf, r.vals[lp.leaf.idx])
			} else if lp.isType {
				b = appendString(b, r.obj.name)
			} else if f := r.obj.field(lp.leafName); f != nil {
				b = appendValue(b, f, r.vals[f.idx])
			} else {
				b = append(b, "null"...)
			}
		}
	}
	return append(b, '}')
}

// children returns the rows of a child subquery for one parent, grouping
// all parents' children on first use.
func (s *Server) children(c *cursor, sub *compiledQuery, parentID string) []*record {
	if c.subs == nil {
		c.subs = map[*compiledQuery]map[string][]*record{}
	}
	groups, ok := c.subs[sub]
	if !ok {
		groups = map[string][]*record{}
		for _, r := range sub.obj.tbl.rows {
			if r.deleted && !c.all {
				continue
			}
			id, _ := r.vals[sub.childFK.idx].(string)
			if id == "" || (sub.where != nil && !sub.where(r)) {
				continue
			}
			groups[id] = append(groups[id], r)
		}
		for k, rows := range groups {
			s.sortRows(rows, sub.order)
			if sub.limit >= 0 && sub.limit < len(rows) {
				groups[k] = rows[:sub.limit]
			}
		}
		c.subs[sub] = groups
	}
	return groups[parentID]
}
