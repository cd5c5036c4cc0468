package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
)

// The scan: step 1 of a bulk sync lists Intercom companies and contacts
// into the scratch table, keeping only ids, keys and mapped attributes.

// scanBatch is how many scratch records the scan stores per transaction,
// with the checkpoint: the records of one page of 150 would each dirty a
// different page of the key index, written to the log again by every
// commit.
const scanBatch = 3000

// scanCompanies reads every Intercom company into the scratch table. A
// scroll cannot be resumed, so this step restarts from the beginning.
func (b *bulkRun) scanCompanies(ctx context.Context) error {
	return b.scan(ctx, "", func(ctx context.Context, cursor string) ([]rawRecord, string, error) {
		page, resp, err := b.s.ic.Companies.ScrollFields(ctx, cursor)
		if err != nil {
			return nil, "", err
		}
		return page, resp.NextCursor, nil
	}, func(ctx context.Context, page []rawRecord, next string) error {
		if err := b.putRecords(ctx, tandem.ObjectAccount, page); err != nil {
			return err
		}
		if next != "" && len(b.recs) < scanBatch {
			return nil
		}
		return b.save(ctx)
	})
}

// scanContacts reads every Intercom contact into the scratch table, as a
// lead or a user by role. The cursor is saved with the records of the
// pages before it.
func (b *bulkRun) scanContacts(ctx context.Context) error {
	return b.scan(ctx, b.cp.Cursor, func(ctx context.Context, cursor string) ([]rawRecord, string, error) {
		page, resp, err := b.s.ic.Contacts.ListFields(ctx, &intercom.ListOptions{PerPage: 150, StartingAfter: cursor})
		if err != nil {
			return nil, "", err
		}
		return page, resp.NextCursor, nil
	}, func(ctx context.Context, page []rawRecord, next string) error {
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
			return b.save(ctx)
		}
		if len(b.recs) < scanBatch {
			return nil
		}
		b.cp.Cursor = next
		return b.save(ctx)
	})
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

// scanPage is one page of a listing and the cursor of the next ("" after
// the last).
type scanPage struct {
	data []rawRecord
	next string
	err  error
}

// scan lists pages from cursor on with fetch and hands each to store, in
// order. The next page is fetched while the current one is stored, so the
// listing waits for neither Intercom nor the database alone.
func (b *bulkRun) scan(ctx context.Context, cursor string,
	fetch func(ctx context.Context, cursor string) ([]rawRecord, string, error),
	store func(ctx context.Context, page []rawRecord, next string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan scanPage, 1)
	go func() {
		defer close(pages)
		for {
			data, next, err := fetch(ctx, cursor)
			select {
			case pages <- scanPage{data: data, next: next, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || next == "" {
				return
			}
			cursor = next
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		if err := store(ctx, p.data, p.next); err != nil {
			return err
		}
		if p.next == "" {
			return nil
		}
	}
	return ctx.Err()
}

// putRecords adds the parts of Intercom records a bulk sync compares to
// the scratch records the next save stores.
// Only the attributes kept are decoded: ids, keys, the mapped attributes
// (and custom attributes, where a bare mapped name may live) and a
// person's companies.
func (b *bulkRun) putRecords(ctx context.Context, obj tandem.Object, data []rawRecord) error {
	if len(data) == 0 {
		return nil
	}
	keyField := b.s.icKeyField(obj)
	var names []string
	for _, m := range b.s.settings(ctx).Mappings {
		if m.Object != obj {
			continue
		}
		names = append(names, icAttrName(m))
	}
	tops := []string{"id", "role", "updated_at", topName(keyField)}
	for _, name := range names {
		tops = append(tops, topName(name))
		if !strings.Contains(name, ".") {
			tops = append(tops, "custom_attributes")
		}
	}
	if obj != tandem.ObjectAccount {
		tops = append(tops, "companies")
	}
	slices.Sort(tops)
	tops = slices.Compact(tops)
	it := make(map[string]any, len(tops))
	for _, raw := range data {
		clear(it)
		for _, k := range tops {
			if v, ok := raw[k]; ok {
				it[k] = decodeRaw(v)
			}
		}
		trimmed := map[string]any{"id": it["id"], "role": it["role"], "updated_at": it["updated_at"], keyField: it[keyField]}
		for _, name := range names {
			if v, ok := mapping.IntercomValue(it, name); ok {
				setPath(trimmed, name, v)
			}
		}
		if obj != tandem.ObjectAccount {
			trimmed["companies"] = it["companies"]
		}
		enc, err := json.Marshal(trimmed)
		if err != nil {
			return err
		}
		updated, _ := it["updated_at"].(float64)
		b.recs = append(b.recs, store.BulkRecord{RunID: b.run.ID, Object: obj, IntercomID: str(it["id"]),
			MatchKey: normKey(keyField, str(it[keyField])), UpdatedAt: int64(updated), Data: string(enc)})
	}
	return nil
}

// topName is the top-level attribute of a dotted attribute name.
func topName(name string) string {
	head, _, _ := strings.Cut(name, ".")
	return head
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
