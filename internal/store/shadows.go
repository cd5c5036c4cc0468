package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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
	var ids []int64
	for id, fields := range values {
		if len(fields) > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return q.atomic(ctx, func(q *queries) error {
		if err := q.requireLinks(ctx, ids); err != nil {
			return err
		}
		return q.setShadows(ctx, values)
	})
}

// shadowChunk is how many shadow values one statement writes; full chunks
// share one prepared statement.
const shadowChunk = 250

// setShadows writes values, whose links exist; q must be a transaction
// when there are more than shadowChunk values.
func (q *queries) setShadows(ctx context.Context, values map[int64]map[string]string) error {
	type shadow struct {
		link         int64
		field, value string
	}
	var (
		rows  []shadow
		links int
		first int64
	)
	for id, fields := range values {
		if len(fields) == 0 {
			continue
		}
		links, first = links+1, id
		for f, v := range fields {
			rows = append(rows, shadow{id, f, v})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// A stable lock order between concurrent writers.
	slices.SortFunc(rows, func(a, b shadow) int {
		return cmp.Or(cmp.Compare(a.link, b.link), strings.Compare(a.field, b.field))
	})
	now := q.nowMicros()
	const cols = 4
	return inChunks(rows, shadowChunk, func(chunk []shadow) error {
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r.link, r.field, r.value, now)
		}
		query := `INSERT INTO tandem_shadows (link_id, field, value, updated_at) VALUES ` + q.chunkValues(len(chunk), shadowChunk, cols) +
			` ON CONFLICT (link_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
		if _, err := q.execRows(len(chunk), shadowChunk).ExecContext(ctx, query, args...); err != nil {
			if links == 1 {
				return fmt.Errorf("set shadows of link %d: %w", first, err)
			}
			return fmt.Errorf("set shadows of %d links: %w", links, err)
		}
		return nil
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
	found, err := q.existingLinks(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !found[id] {
			return notFound("no link for id %d", id)
		}
	}
	return nil
}

// existingLinks returns which links of ids exist.
func (q *queries) existingLinks(ctx context.Context, ids []int64) (map[int64]bool, error) {
	found := make(map[int64]bool, len(ids))
	err := inChunks(ids, inChunk, func(chunk []int64) error {
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
		return nil, fmt.Errorf("set shadows: load links: %w", err)
	}
	return found, nil
}

// SetShadowsOfLinked is SetShadowsMany for links that may have been deleted
// since their values were computed (one side's record is gone): the values
// of links that no longer exist are left out, and those links' ids
// returned, instead of failing the call.
//
// guard, when given, holds for some links the versions their values were
// computed from, under the keys at which newer syncs store theirs: a
// link is left out too when one of its stored values under such a key is
// greater than the guard's (a sync of a newer version stored values since,
// which stay).
func (q *queries) SetShadowsOfLinked(ctx context.Context, values, guard map[int64]map[string]string) ([]int64, error) {
	ids := make([]int64, 0, len(values))
	for id, fields := range values {
		if len(fields) > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var missing []int64
	err := q.atomic(ctx, func(q *queries) error {
		found, err := q.existingLinks(ctx, ids)
		if err != nil {
			return err
		}
		newer, err := q.supersededLinks(ctx, ids, guard)
		if err != nil {
			return err
		}
		present := values
		if len(found) < len(ids) || len(newer) > 0 {
			present = make(map[int64]map[string]string, len(found))
			for _, id := range ids {
				switch {
				case !found[id]:
					missing = append(missing, id)
				case !newer[id]:
					present[id] = values[id]
				}
			}
			slices.Sort(missing)
		}
		return q.setShadows(ctx, present)
	})
	return missing, err
}

// supersededLinks returns which links of ids have a stored value greater
// than the one guard gives under the same key (see SetShadowsOfLinked).
func (q *queries) supersededLinks(ctx context.Context, ids []int64, guard map[int64]map[string]string) (map[int64]bool, error) {
	byKey := map[string][]int64{}
	for _, id := range ids {
		for k := range guard[id] {
			byKey[k] = append(byKey[k], id)
		}
	}
	newer := map[int64]bool{}
	for k, kids := range byKey {
		stored, err := q.ShadowOfLinks(ctx, kids, k)
		if err != nil {
			return nil, err
		}
		for id, v := range stored {
			if v > guard[id][k] {
				newer[id] = true
			}
		}
	}
	return newer, nil
}

// Shadow returns the last value synced for one field of a link, and
// whether there is one.
func (q *queries) Shadow(ctx context.Context, linkID int64, field string) (string, bool, error) {
	var v string
	err := q.x.QueryRowContext(ctx, `SELECT value FROM tandem_shadows WHERE link_id = $1 AND field = $2`, linkID, field).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("load shadow %s of link %d: %w", field, linkID, err)
	}
	return v, true, nil
}

// ShadowOfLinks returns one field's shadow value of several links, keyed by
// link id; links without that shadow are absent.
func (q *queries) ShadowOfLinks(ctx context.Context, linkIDs []int64, field string) (map[int64]string, error) {
	out := make(map[int64]string, len(linkIDs))
	err := inChunks(linkIDs, inChunk, func(chunk []int64) error {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, field)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.x.QueryContext(ctx, `SELECT link_id, value FROM tandem_shadows
			WHERE field = $1 AND link_id IN (`+q.placeholders(2, len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("load shadows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id    int64
				value string
			)
			if err := rows.Scan(&id, &value); err != nil {
				return fmt.Errorf("load shadows: %w", err)
			}
			out[id] = value
		}
		return rows.Err()
	})
	return out, err
}
