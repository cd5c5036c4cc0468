package store

import (
	"context"
	"fmt"
	"sort"
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
	if len(values) == 0 {
		return nil
	}
	fields := make([]string, 0, len(values))
	for f := range values {
		fields = append(fields, f)
	}
	sort.Strings(fields) // a stable lock order between concurrent writers
	return q.atomic(ctx, func(q *queries) error {
		var exists int
		if err := q.x.QueryRowContext(ctx, `SELECT count(*) FROM tandem_links WHERE id = $1`, linkID).Scan(&exists); err != nil {
			return fmt.Errorf("set shadows of link %d: %w", linkID, err)
		} else if exists == 0 {
			return notFound("no link for id %d", linkID)
		}
		now := q.nowMicros()
		for _, f := range fields {
			if _, err := q.x.ExecContext(ctx, `INSERT INTO tandem_shadows (link_id, field, value, updated_at)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (link_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				linkID, f, values[f], now); err != nil {
				return fmt.Errorf("set shadow %s of link %d: %w", f, linkID, err)
			}
		}
		return nil
	})
}
