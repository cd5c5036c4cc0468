package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Shadows returns the last value synced for each field of a link; a link
// without shadows (or an unknown link) gives an empty map.
func (q *queries) Shadows(ctx context.Context, linkID int64) (map[string]string, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT field, value FROM tandem_shadows WHERE link_id = $1`, linkID)
	if err != nil {
		return nil, fmt.Errorf("load shadows of link %d: %w", linkID, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var field, value string
		if err := rows.Scan(&field, &value); err != nil {
			return nil, fmt.Errorf("load shadows of link %d: %w", linkID, err)
		}
		out[field] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load shadows of link %d: %w", linkID, err)
	}
	return out, nil
}

// SetShadows records values as the last synced value of each field of a
// link, leaving other fields alone. The link must exist (ENOTFOUND).
func (q *queries) SetShadows(ctx context.Context, linkID int64, values map[string]string) error {
	return q.SetShadowsMany(ctx, map[int64]map[string]string{linkID: values})
}

// SetShadowsMany is SetShadows for several links (link id → field →
// value) in one transaction and few statements. Every link must exist
// (ENOTFOUND naming the first missing one), or nothing is written; links
// without values are skipped.
func (q *queries) SetShadowsMany(ctx context.Context, values map[int64]map[string]string) error {
	type shadow struct {
		link         int64
		field, value string
	}
	var (
		ids  []int64
		rows []shadow
	)
	for id, fields := range values {
		if len(fields) == 0 {
			continue
		}
		ids = append(ids, id)
		for f, v := range fields {
			rows = append(rows, shadow{id, f, v})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// A stable lock order between concurrent writers.
	slices.Sort(ids)
	slices.SortFunc(rows, func(a, b shadow) int {
		return cmp.Or(cmp.Compare(a.link, b.link), strings.Compare(a.field, b.field))
	})
	return q.atomic(ctx, func(q *queries) error {
		if err := q.requireLinks(ctx, ids); err != nil {
			return err
		}
		now := q.nowMicros()
		const cols = 4
		return inChunks(rows, 250, func(chunk []shadow) error {
			args := make([]any, 0, len(chunk)*cols)
			for _, r := range chunk {
				args = append(args, r.link, r.field, r.value, now)
			}
			query := `INSERT INTO tandem_shadows (link_id, field, value, updated_at) VALUES ` + q.values(1, len(chunk), cols) +
				` ON CONFLICT (link_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
			if _, err := q.execRows(len(chunk)).ExecContext(ctx, query, args...); err != nil {
				if len(ids) == 1 {
					return fmt.Errorf("set shadows of link %d: %w", ids[0], err)
				}
				return fmt.Errorf("set shadows of %d links: %w", len(ids), err)
			}
			return nil
		})
	})
}

// requireLinks fails with ENOTFOUND unless every link of ids (sorted)
// exists.
func (q *queries) requireLinks(ctx context.Context, ids []int64) error {
	if len(ids) == 1 {
		var exists int
		if err := q.x.QueryRowContext(ctx, `SELECT count(*) FROM tandem_links WHERE id = $1`, ids[0]).Scan(&exists); err != nil {
			return fmt.Errorf("set shadows of link %d: %w", ids[0], err)
		} else if exists == 0 {
			return notFound("no link for id %d", ids[0])
		}
		return nil
	}
	found := make(map[int64]bool, len(ids))
	err := inChunks(ids, 500, func(chunk []int64) error {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.raw.QueryContext(ctx, `SELECT id FROM tandem_links WHERE id IN (`+q.placeholders(1, len(chunk))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			found[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("set shadows: load links: %w", err)
	}
	for _, id := range ids {
		if !found[id] {
			return notFound("no link for id %d", id)
		}
	}
	return nil
}
