package syncer

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
)

// The scan: step 1 of a bulk sync lists Intercom companies and contacts
// into the scratch table, keeping only ids, keys and mapped attributes.

// scanCompanies reads every Intercom company into the scratch table. A
// scroll cannot be resumed, so this step restarts from the beginning.
func (b *bulkRun) scanCompanies(ctx context.Context) error {
	return b.scan(ctx, "", func(ctx context.Context, cursor string) ([]map[string]any, string, error) {
		page, resp, err := b.s.ic.Companies.ScrollRaw(ctx, cursor)
		if err != nil {
			return nil, "", err
		}
		return page, resp.NextCursor, nil
	}, func(ctx context.Context, page []map[string]any, _ string) error {
		return b.putRecords(ctx, tandem.ObjectAccount, page)
	})
}

// scanContacts reads every Intercom contact into the scratch table, as a
// lead or a user by role. The cursor is saved after every page.
func (b *bulkRun) scanContacts(ctx context.Context) error {
	return b.scan(ctx, b.cp.Cursor, func(ctx context.Context, cursor string) ([]map[string]any, string, error) {
		page, resp, err := b.s.ic.Contacts.ListRaw(ctx, &intercom.ListOptions{PerPage: 150, StartingAfter: cursor})
		if err != nil {
			return nil, "", err
		}
		return page, resp.NextCursor, nil
	}, func(ctx context.Context, page []map[string]any, next string) error {
		var leads, users []map[string]any
		for _, c := range page {
			if str(c["role"]) == "lead" {
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
			return nil
		}
		b.cp.Cursor = next
		return b.save(ctx)
	})
}

// scanPage is one page of a listing and the cursor of the next ("" after
// the last).
type scanPage struct {
	data []map[string]any
	next string
	err  error
}

// scan lists pages from cursor on with fetch and hands each to store, in
// order. The next page is fetched while the current one is stored, so the
// listing waits for neither Intercom nor the database alone.
func (b *bulkRun) scan(ctx context.Context, cursor string,
	fetch func(ctx context.Context, cursor string) ([]map[string]any, string, error),
	store func(ctx context.Context, page []map[string]any, next string) error) error {
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

// putRecords stores the parts of Intercom records a bulk sync compares.
func (b *bulkRun) putRecords(ctx context.Context, obj tandem.Object, data []map[string]any) error {
	if len(data) == 0 {
		return nil
	}
	keyField := b.s.icKeyField(obj)
	recs := make([]store.BulkRecord, 0, len(data))
	for _, it := range data {
		trimmed := map[string]any{"id": it["id"], "role": it["role"], "updated_at": it["updated_at"], keyField: it[keyField]}
		for _, m := range b.s.settings(ctx).Mappings {
			if m.Object != obj {
				continue
			}
			name := icAttrName(m)
			if v, ok := mapping.IntercomValue(it, name); ok {
				setPath(trimmed, name, v)
			}
		}
		if obj != tandem.ObjectAccount {
			trimmed["companies"] = it["companies"]
		}
		raw, err := json.Marshal(trimmed)
		if err != nil {
			return err
		}
		updated, _ := it["updated_at"].(float64)
		recs = append(recs, store.BulkRecord{RunID: b.run.ID, Object: obj, IntercomID: str(it["id"]),
			MatchKey: normKey(keyField, str(it[keyField])), UpdatedAt: int64(updated), Data: string(raw)})
	}
	return b.s.store.PutBulkRecords(ctx, recs)
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
