package store

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tandemhq/tandem"
)

// Batched lookups for the bulk sync: one query for a page of records
// instead of one per record.

// placeholders returns the placeholders of n arguments numbered from on,
// "$from, $from+1, …". On SQLite it returns "?, ?, …" instead: SQLite
// treats "$n" as a named parameter, found by a linear search of the
// statement's names at preparation and again at binding, which makes a
// statement with hundreds of arguments slow; an anonymous "?" takes the
// next number. So the generated arguments must follow every numbered one
// in the statement, in order.
func (q *queries) placeholders(from, n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		if q.sqlite {
			sb.WriteByte('?')
		} else {
			fmt.Fprintf(&sb, "$%d", from+i)
		}
	}
	return sb.String()
}

// chunkValues is values(1, rows, cols) for a chunk of at most size rows.
// The list of a full chunk, which every full chunk of a batch repeats, is
// built once: a bulk sync stores thousands of them, each a list of up to a
// thousand placeholders, on the path every other writer waits on. Only
// full chunks are kept, one list per call site and engine: a batch has at
// most one chunk of another size.
func (q *queries) chunkValues(rows, size, cols int) string {
	if rows != size {
		return q.values(1, rows, cols)
	}
	key := chunkKey{q.sqlite, rows, cols}
	if v, ok := chunkLists.Load(key); ok {
		return v.(string)
	}
	v := q.values(1, rows, cols)
	chunkLists.Store(key, v)
	return v
}

type chunkKey struct {
	sqlite     bool
	rows, cols int
}

var chunkLists sync.Map // chunkKey → string

// values returns a VALUES list of rows rows of cols arguments each,
// numbered from on: "($1, $2), ($3, $4), …" (with "?" on SQLite).
func (q *queries) values(from, rows, cols int) string {
	var sb strings.Builder
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		sb.WriteString(q.placeholders(from+r*cols, cols))
		sb.WriteByte(')')
	}
	return sb.String()
}

// inChunks calls fn with consecutive slices of at most size elements.
func inChunks[T any](all []T, size int, fn func([]T) error) error {
	for start := 0; start < len(all); start += size {
		if err := fn(all[start:min(start+size, len(all))]); err != nil {
			return err
		}
	}
	return nil
}

// inChunk is the size of the id chunks of IN lists (well under both
// engines' parameter limits).
const inChunk = 500

// execRows returns the executor for a multi-row statement of n rows whose
// full chunks have size rows: the cached one for a few rows or a full chunk,
// whose handful of texts are worth preparing once, and the unprepared one
// for the other sizes, whose texts vary and which are parsed once for many
// rows anyway.
func (q *queries) execRows(n, size int) dbtx {
	if n <= 4 || n == size {
		return q.x
	}
	return q.raw
}

// LinksBySalesforceIDs returns the links of the given Salesforce records of
// obj, keyed by Salesforce id; records without a link are absent.
func (q *queries) LinksBySalesforceIDs(ctx context.Context, inst string, obj tandem.Object, ids []string) (map[string]tandem.Link, error) {
	out := make(map[string]tandem.Link, len(ids))
	err := inChunks(ids, inChunk, func(chunk []string) error {
		args := []any{inst, string(obj)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.x.QueryContext(ctx, `SELECT `+linkColumns+` FROM tandem_links
			WHERE installation_id = $1 AND object = $2 AND salesforce_id IN (`+q.placeholders(3, len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("load links: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLink(rows)
			if err != nil {
				return fmt.Errorf("load links: %w", err)
			}
			out[l.SalesforceID] = l
		}
		return rows.Err()
	})
	return out, err
}

// ShadowsOfLinks returns the shadow values of several links, keyed by link
// id; links without shadows have an empty map.
func (q *queries) ShadowsOfLinks(ctx context.Context, linkIDs []int64) (map[int64]map[string]string, error) {
	out := make(map[int64]map[string]string, len(linkIDs))
	for _, id := range linkIDs {
		out[id] = map[string]string{}
	}
	err := inChunks(linkIDs, inChunk, func(chunk []int64) error {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.x.QueryContext(ctx, `SELECT link_id, field, value FROM tandem_shadows
			WHERE link_id IN (`+q.placeholders(1, len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("load shadows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id           int64
				field, value string
			)
			if err := rows.Scan(&id, &field, &value); err != nil {
				return fmt.Errorf("load shadows: %w", err)
			}
			out[id][field] = value
		}
		return rows.Err()
	})
	return out, err
}

// BulkRecordsByIntercomIDs returns a run's records of obj with the given
// Intercom ids, keyed by id.
func (q *queries) BulkRecordsByIntercomIDs(ctx context.Context, runID int64, obj tandem.Object, ids []string) (map[string]BulkRecord, error) {
	out := make(map[string]BulkRecord, len(ids))
	err := inChunks(ids, inChunk, func(chunk []string) error {
		args := []any{runID, string(obj)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.x.QueryContext(ctx, `SELECT intercom_id, match_key, updated_at, data FROM tandem_bulk_records
			WHERE run_id = $1 AND object = $2 AND intercom_id IN (`+q.placeholders(3, len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("load bulk records: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r := BulkRecord{RunID: runID, Object: obj}
			if err := rows.Scan(&r.IntercomID, &r.MatchKey, &r.UpdatedAt, &r.Data); err != nil {
				return fmt.Errorf("load bulk records: %w", err)
			}
			out[r.IntercomID] = r
		}
		return rows.Err()
	})
	return out, err
}

// BulkRecordsByKeys returns a run's records of obj with any of the given
// matching keys, grouped by key, most recently updated first.
func (q *queries) BulkRecordsByKeys(ctx context.Context, runID int64, obj tandem.Object, keys []string) (map[string][]BulkRecord, error) {
	out := map[string][]BulkRecord{}
	err := inChunks(keys, inChunk, func(chunk []string) error {
		args := []any{runID, string(obj)}
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := q.x.QueryContext(ctx, `SELECT intercom_id, match_key, updated_at, data FROM tandem_bulk_records
			WHERE run_id = $1 AND object = $2 AND match_key IN (`+q.placeholders(3, len(chunk))+`)
			ORDER BY match_key, updated_at DESC, intercom_id`, args...)
		if err != nil {
			return fmt.Errorf("find bulk records: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r := BulkRecord{RunID: runID, Object: obj}
			if err := rows.Scan(&r.IntercomID, &r.MatchKey, &r.UpdatedAt, &r.Data); err != nil {
				return fmt.Errorf("find bulk records: %w", err)
			}
			out[r.MatchKey] = append(out[r.MatchKey], r)
		}
		return rows.Err()
	})
	return out, err
}

// LinkedIntercomIDs returns which of the given Intercom ids have a link of
// any of objs. Each object is looked up on its own: with a list of objects
// and a list of ids, Postgres (before 17) cannot walk the unique index on
// both lists and scans every link instead, once per chunk.
func (q *queries) LinkedIntercomIDs(ctx context.Context, inst string, objs []tandem.Object, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, obj := range objs {
		err := inChunks(ids, inChunk, func(chunk []string) error {
			args := make([]any, 0, 2+len(chunk))
			args = append(args, inst, string(obj))
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := q.x.QueryContext(ctx, `SELECT intercom_id FROM tandem_links
				WHERE installation_id = $1 AND object = $2 AND intercom_id IN (`+q.placeholders(3, len(chunk))+`)`, args...)
			if err != nil {
				return fmt.Errorf("load links: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return fmt.Errorf("load links: %w", err)
				}
				out[id] = true
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
