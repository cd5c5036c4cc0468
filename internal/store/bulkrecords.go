package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tandemhq/tandem"
)

// BulkRecord is an Intercom record a bulk sync has read: its matching key,
// when it was last updated (unix seconds) and its attributes as JSON.
type BulkRecord struct {
	RunID      int64
	Object     tandem.Object
	IntercomID string
	MatchKey   string
	UpdatedAt  int64
	Data       string
}

// PutBulkRecords stores records of a run, replacing earlier copies (a
// resumed run reads pages again).
func (q *queries) PutBulkRecords(ctx context.Context, recs []BulkRecord) error {
	if len(recs) == 0 {
		return nil
	}
	return q.atomic(ctx, func(q *queries) error {
		const cols, size = 6, 150
		for start := 0; start < len(recs); start += size {
			chunk := recs[start:min(start+size, len(recs))]
			args := make([]any, 0, len(chunk)*cols)
			for _, r := range chunk {
				args = append(args, r.RunID, string(r.Object), r.IntercomID, r.MatchKey, r.UpdatedAt, r.Data)
			}
			query := `INSERT INTO tandem_bulk_records (run_id, object, intercom_id, match_key, updated_at, data)
				VALUES ` + q.values(1, len(chunk), cols) + `
				ON CONFLICT (run_id, object, intercom_id) DO UPDATE SET match_key = excluded.match_key,
				updated_at = excluded.updated_at, data = excluded.data`
			if _, err := q.execRows(len(chunk), size).ExecContext(ctx, query, args...); err != nil {
				return fmt.Errorf("store bulk records: %w", err)
			}
		}
		return nil
	})
}

// BulkRecordByIntercomID returns one record of a run.
func (q *queries) BulkRecordByIntercomID(ctx context.Context, runID int64, obj tandem.Object, id string) (BulkRecord, error) {
	r := BulkRecord{RunID: runID, Object: obj, IntercomID: id}
	err := q.x.QueryRowContext(ctx, `SELECT match_key, updated_at, data FROM tandem_bulk_records
		WHERE run_id = $1 AND object = $2 AND intercom_id = $3`, runID, string(obj), id).Scan(&r.MatchKey, &r.UpdatedAt, &r.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("no bulk record %s %s", obj, id)
	} else if err != nil {
		return r, fmt.Errorf("load bulk record %s: %w", id, err)
	}
	return r, nil
}

// BulkRecordsByKey returns a run's records of obj with the matching key,
// most recently updated first.
func (q *queries) BulkRecordsByKey(ctx context.Context, runID int64, obj tandem.Object, key string) ([]BulkRecord, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT intercom_id, updated_at, data FROM tandem_bulk_records
		WHERE run_id = $1 AND object = $2 AND match_key = $3 ORDER BY updated_at DESC, intercom_id LIMIT 20`, runID, string(obj), key)
	if err != nil {
		return nil, fmt.Errorf("find bulk records: %w", err)
	}
	defer rows.Close()
	var out []BulkRecord
	for rows.Next() {
		r := BulkRecord{RunID: runID, Object: obj, MatchKey: key}
		if err := rows.Scan(&r.IntercomID, &r.UpdatedAt, &r.Data); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteBulkRecords forgets the records of a run.
func (q *queries) DeleteBulkRecords(ctx context.Context, runID int64) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_bulk_records WHERE run_id = $1`, runID); err != nil {
		return fmt.Errorf("delete bulk records: %w", err)
	}
	return nil
}

// RefreshBulkStatistics brings the query planner's statistics of the
// tables a bulk sync reads page by page (links, shadows, scratch records)
// up to date. A bulk sync grows them by many rows in minutes, faster than
// Postgres's autovacuum analyzes them, and with statistics of a nearly
// empty table Postgres answers a page's IN-list lookups by scanning every
// row of the object. SQLite plans these lookups without statistics; there
// it does nothing.
func (db *DB) RefreshBulkStatistics(ctx context.Context) error {
	if db.dialect != DialectPostgres {
		return nil
	}
	if _, err := db.db.ExecContext(ctx, `ANALYZE tandem_links, tandem_shadows, tandem_bulk_records`); err != nil {
		return fmt.Errorf("analyze bulk tables: %w", err)
	}
	return nil
}
