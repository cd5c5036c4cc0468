package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
)

// The scan: steps 1 and 2 of a bulk sync list Intercom companies and
// contacts into the scratch table, keeping only ids, keys and mapped
// attributes.

// scanBatch is how many scratch records the scan stores per transaction,
// with the checkpoint: the records of one page of 150 would each dirty a
// different page of the key index, written to the log again by every
// commit.
const scanBatch = 3000

// scanAhead is how many pages each listing may read ahead of the one being
// stored: enough to keep Intercom answering while a save commits a batch.
const scanAhead = 4

// scanIntercom reads Intercom companies and contacts into the scratch
// table, both listings at once: each waits on Intercom most of the time,
// and a rate limit that allows more than one listing's pace is otherwise
// left unused until the first write. Step 1 lists both; once the companies
// are stored the run is in step 2, which lists the contacts left.
//
// A scroll cannot be resumed, so a run resumed in step 1 lists its
// companies from the beginning again; contacts go on from the saved
// cursor. Every save stores the records of every page handled so far with
// the cursor after them.
func (b *bulkRun) scanIntercom(ctx context.Context) error {
	var ls []listing
	if b.cp.Step == bulkStepCompanies {
		ls = append(ls, listing{fetch: b.fetchCompanies, store: b.storeCompanies})
	}
	if !b.cp.ContactsListed {
		ls = append(ls, listing{cursor: b.cp.Cursor, fetch: b.fetchContacts, store: b.storeContacts})
	}
	return b.scan(ctx, ls...)
}

func (b *bulkRun) fetchCompanies(ctx context.Context, cursor string) (*intercom.FieldsPage, string, error) {
	page, resp, err := b.s.ic.Companies.ScrollPage(ctx, cursor)
	if err != nil {
		return nil, "", err
	}
	return page, resp.NextCursor, nil
}

// storeCompanies adds a page of companies to the scratch records; after
// the last one the run moves on to the step that lists contacts alone.
func (b *bulkRun) storeCompanies(ctx context.Context, page []rawRecord, next string) error {
	if err := b.putRecords(ctx, tandem.ObjectAccount, page); err != nil {
		return err
	}
	if next == "" {
		b.cp.Step = bulkStepContacts
		b.mu.Lock()
		b.run.Phase = bulkStepNames[bulkStepContacts]
		b.mu.Unlock()
		return b.save(ctx)
	}
	if len(b.recs) < scanBatch {
		return nil
	}
	return b.save(ctx)
}

func (b *bulkRun) fetchContacts(ctx context.Context, cursor string) (*intercom.FieldsPage, string, error) {
	page, resp, err := b.s.ic.Contacts.ListPage(ctx, &intercom.ListOptions{PerPage: 150, StartingAfter: cursor})
	if err != nil {
		return nil, "", err
	}
	return page, resp.NextCursor, nil
}

// storeContacts adds a page of contacts to the scratch records, as leads
// or users by role, and moves the checkpoint's cursor past it: the next
// save stores both.
func (b *bulkRun) storeContacts(ctx context.Context, page []rawRecord, next string) error {
	var leads, users []rawRecord
	for _, c := range page {
		if str(decodeRaw(c["role"])) == "lead" {
			leads = append(leads, c)
		} else {
			users = append(users, c)
		}
	}
	if err := b.putRecords(ctx, tandem.ObjectLead, leads); err != nil {
		return err
	}
	if err := b.putRecords(ctx, tandem.ObjectContact, users); err != nil {
		return err
	}
	if next == "" {
		b.cp.ContactsListed = true
		return b.save(ctx)
	}
	b.cp.Cursor = next
	if len(b.recs) < scanBatch {
		return nil
	}
	return b.save(ctx)
}

// rawRecord is an Intercom record of a listing decoded one level deep: the
// scan decodes only the attributes it keeps.
type rawRecord = map[string]json.RawMessage

// decodeRaw decodes one attribute as a full decode of its record would
// (nil when it is absent or not valid JSON).
func decodeRaw(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : n-1]) // a string without escapes reads as is
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

// listing is one Intercom listing the scan reads from cursor on: fetch
// reads a page and the cursor of the next ("" after the last), store
// keeps its records.
type listing struct {
	cursor string
	fetch  func(ctx context.Context, cursor string) (*intercom.FieldsPage, string, error)
	store  func(ctx context.Context, page []rawRecord, next string) error
}

// scanPage is one page of listing from.
type scanPage struct {
	from int
	page *intercom.FieldsPage
	next string
	err  error
}

// scan reads the listings at once and hands their pages to their store
// functions one at a time, each listing's in order. A listing asks for its
// next page as soon as the current one has arrived, and the current one is
// split into records and stored meanwhile, so the scan waits for neither
// Intercom nor the database alone.
func (b *bulkRun) scan(ctx context.Context, ls ...listing) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan scanPage, scanAhead*len(ls))
	for i, l := range ls {
		go func() {
			cursor := l.cursor
			for {
				page, next, err := l.fetch(ctx, cursor)
				select {
				case pages <- scanPage{from: i, page: page, next: next, err: err}:
				case <-ctx.Done():
					return
				}
				if err != nil || next == "" {
					return
				}
				cursor = next
			}
		}()
	}
	names := b.listedNames(ctx)
	for left := len(ls); left > 0; {
		var p scanPage
		select {
		case p = <-pages:
		case <-ctx.Done():
			return ctx.Err()
		}
		if p.err != nil {
			return p.err
		}
		data, err := p.page.Select(names...)
		if err != nil {
			return fmt.Errorf("intercom: split a list page: %w", err)
		}
		if err := ls[p.from].store(ctx, data, p.next); err != nil {
			return err
		}
		if p.next == "" {
			left--
		}
	}
	return nil
}

// listedNames are the top-level attributes of a listed company or contact
// that putRecords reads: ids, keys, roles, update times, companies, and
// the first part of every mapped attribute's name, with the custom
// attributes where a bare name may live.
func (b *bulkRun) listedNames(ctx context.Context) []string {
	names := []string{"id", "role", "updated_at", "companies", "custom_attributes",
		b.s.icKeyField(tandem.ObjectAccount), b.s.icKeyField(tandem.ObjectContact)}
	for _, m := range b.s.settings(ctx).Mappings {
		head, _, _ := strings.Cut(icAttrName(m), ".")
		names = append(names, head)
	}
	return names
}

// putRecords adds the parts of Intercom records a bulk sync compares to
// the scratch records the next save stores: ids, keys, the mapped
// attributes and a person's companies. They are copied as the JSON they
// were listed as; only the id, the key and the update time are decoded.
func (b *bulkRun) putRecords(ctx context.Context, obj tandem.Object, data []rawRecord) error {
	if len(data) == 0 {
		return nil
	}
	keyField := b.s.icKeyField(obj)
	var names []string
	for _, m := range b.s.settings(ctx).Mappings {
		if m.Object == obj {
			names = append(names, icAttrName(m))
		}
	}
	var enc []byte
	for _, raw := range data {
		trimmed := map[string]any{"id": raw["id"], "role": raw["role"], "updated_at": raw["updated_at"], keyField: raw[keyField]}
		rec := newListedRecord(raw)
		for _, name := range names {
			if v, ok := rec.value(name); ok {
				setPath(trimmed, name, v)
			}
		}
		if obj != tandem.ObjectAccount {
			trimmed["companies"] = listedCompanyIDs(raw["companies"])
		}
		enc = appendListedJSON(enc[:0], trimmed)
		updated, _ := decodeRaw(raw["updated_at"]).(float64)
		b.recs = append(b.recs, store.BulkRecord{RunID: b.run.ID, Object: obj, IntercomID: str(decodeRaw(raw["id"])),
			MatchKey: normKey(keyField, str(decodeRaw(raw[keyField]))), UpdatedAt: int64(updated), Data: string(enc)})
	}
	return nil
}

// listedCompanyIDs keeps of a contact's embedded list of companies what a
// bulk sync reads of it, the companies' ids: {"data":[{"id":…},…]}. The
// rest (each company's type and url, the list's own) was two fifths of a
// scratch record. A list that does not decode is kept as it is.
func listedCompanyIDs(raw json.RawMessage) json.RawMessage {
	if raw == nil || isJSONNull(raw) {
		return raw
	}
	var list struct {
		Data []struct {
			ID json.RawMessage `json:"id"`
		} `json:"data"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return raw
	}
	buf := append(make([]byte, 0, 16+40*len(list.Data)), `{"data":[`...)
	for i, c := range list.Data {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		if c.ID == nil {
			buf = append(buf, "null"...)
		} else {
			buf = append(buf, c.ID...)
		}
		buf = append(buf, '}')
	}
	return append(buf, "]}"...)
}

func isJSONNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// appendListedJSON appends the JSON object of m, whose values are listed
// JSON (json.RawMessage, copied as it came: the page it was cut from was
// checked to be valid) or nested maps of the same kind, and whose names
// are sorted as encoding/json sorts them. A missing value is null.
func appendListedJSON(buf []byte, m map[string]any) []byte {
	buf = append(buf, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
		switch v := m[k].(type) {
		case map[string]any:
			buf = appendListedJSON(buf, v)
		case json.RawMessage:
			if len(v) == 0 {
				buf = append(buf, "null"...)
			} else {
				buf = append(buf, v...)
			}
		default:
			// Only listed values and nested maps are put in m; anything
			// else is encoded as encoding/json would.
			enc, err := json.Marshal(v)
			if err != nil {
				enc = []byte("null")
			}
			buf = append(buf, enc...)
		}
	}
	return append(buf, '}')
}

// appendJSONString appends s as a JSON string: as it is when it is
// printable ASCII that needs no escape (every attribute name tandem maps),
// as encoding/json quotes it otherwise.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			enc, _ := json.Marshal(s) // a string always encodes
			return append(buf, enc...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// listedRecord is a record as listed, whose nested objects are split once
// however many mapped attributes are read from them (most live among the
// custom attributes).
type listedRecord struct {
	top    rawRecord
	nested map[string]rawRecord // by dotted path; nil for a value that is no object
}

func newListedRecord(top rawRecord) *listedRecord {
	return &listedRecord{top: top, nested: map[string]rawRecord{}}
}

// value reads attribute attr as mapping.IntercomValue reads it from the
// decoded record, but as the JSON it was listed as: a bare name absent at
// the top level is looked up among the custom attributes.
func (r *listedRecord) value(attr string) (json.RawMessage, bool) {
	if v, ok := r.path(attr); ok {
		return v, true
	}
	if !strings.Contains(attr, ".") {
		return r.path("custom_attributes." + attr)
	}
	return nil, false
}

// path walks a dotted path through nested objects.
func (r *listedRecord) path(p string) (json.RawMessage, bool) {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		v, ok := r.top[p]
		return v, ok
	}
	obj := r.object(p[:i])
	if obj == nil {
		return nil, false
	}
	v, ok := obj[p[i+1:]]
	return v, ok
}

// object returns the members of the object at path p, or nil when there
// is none.
func (r *listedRecord) object(p string) rawRecord {
	if obj, done := r.nested[p]; done {
		return obj
	}
	var obj rawRecord
	if v, ok := r.path(p); ok {
		obj, _ = intercom.ObjectMembers(v)
	}
	r.nested[p] = obj
	return obj
}

func setPath(obj map[string]any, path string, v any) {
	if head, rest, ok := strings.Cut(path, "."); ok {
		child, _ := obj[head].(map[string]any)
		if child == nil {
			child = map[string]any{}
			obj[head] = child
		}
		setPath(child, rest, v)
		return
	}
	obj[path] = v
}
