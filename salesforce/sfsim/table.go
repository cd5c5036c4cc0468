package sfsim

import (
	"strings"
	"time"
)

// record is one stored row. vals is indexed by field.idx.
type record struct {
	obj         *object
	id          string
	vals        []any
	deleted     bool
	deletedAt   time.Time
	callOptions string
}

// table holds an object's rows in insertion (and so id) order, with hash
// indexes on the fields equality lookups use.
type table struct {
	obj  *object
	byID map[string]*record
	rows []*record
	idx  map[int]map[string][]*record
}

func newTable(o *object) *table {
	t := &table{obj: o, byID: map[string]*record{}, idx: map[int]map[string][]*record{}}
	for _, f := range o.fields {
		if f.unique || f.externalID {
			t.idx[f.idx] = map[string][]*record{}
		}
	}
	return t
}

func indexKey(f *field, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	if f.kind == kindString {
		return strings.ToLower(s), true
	}
	return s, true
}

// index returns the hash index of f, building it on first use.
func (t *table) index(f *field) map[string][]*record {
	m, ok := t.idx[f.idx]
	if ok {
		return m
	}
	m = map[string][]*record{}
	for _, r := range t.rows {
		if k, ok := indexKey(f, r.vals[f.idx]); ok {
			m[k] = append(m[k], r)
		}
	}
	t.idx[f.idx] = m
	return m
}

// lookup returns the rows whose f equals v (deleted rows included).
func (t *table) lookup(f *field, v any) []*record {
	if f.name == "Id" {
		s, _ := v.(string)
		if r := t.byID[s]; r != nil {
			return []*record{r}
		}
		return nil
	}
	k, ok := indexKey(f, v)
	if !ok {
		return nil
	}
	return t.index(f)[k]
}

func (t *table) insert(r *record) {
	t.byID[r.id] = r
	t.rows = append(t.rows, r)
	for fi, m := range t.idx {
		if k, ok := indexKey(t.obj.fields[fi], r.vals[fi]); ok {
			m[k] = append(m[k], r)
		}
	}
}

// remove drops a row entirely (used to roll back an insert).
func (t *table) remove(r *record) {
	delete(t.byID, r.id)
	for i := len(t.rows) - 1; i >= 0; i-- {
		if t.rows[i] == r {
			t.rows = append(t.rows[:i], t.rows[i+1:]...)
			break
		}
	}
	for fi := range t.idx {
		t.unindex(fi, r)
	}
}

func (t *table) unindex(fi int, r *record) {
	m := t.idx[fi]
	k, ok := indexKey(t.obj.fields[fi], r.vals[fi])
	if !ok {
		return
	}
	list := m[k]
	for i, x := range list {
		if x == r {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(m, k)
	} else {
		m[k] = list
	}
}
