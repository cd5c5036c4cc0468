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
				VALUES ` + q.chunkValues(len(chunk), size, cols) + `
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
//
// What those plans need is each table's size and the spread of the columns
// the lookups filter on, so only those columns are analyzed, from a sample
// of 3,000 rows instead of the default 30,000 (a tenth of the statistics
// target, for this statement only). On 100,000 links and 500,000 shadows
// that takes a fifth of the time of a full ANALYZE; autovacuum's own later
// ANALYZE of every column replaces these figures.
func (db *DB) RefreshBulkStatistics(ctx context.Context) error {
	if db.dialect != DialectPostgres {
		return nil
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.raw.ExecContext(ctx, `SET LOCAL default_statistics_target = 10`); err != nil {
			return err
		}
		_, err := tx.raw.ExecContext(ctx, `ANALYZE
			tandem_links (installation_id, object, intercom_id, salesforce_id),
			tandem_shadows (link_id, field),
			tandem_bulk_records (run_id, object, intercom_id, match_key)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("analyze bulk tables: %w", err)
	}
	return nil
}
