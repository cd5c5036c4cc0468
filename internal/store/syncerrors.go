package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tandemhq/tandem"
)

// ResolveParams selects unresolved sync errors to resolve. Installation is
// required; every other empty field matches anything.
type ResolveParams struct {
	Installation string
	Object       tandem.Object
	Operation    string
	IntercomID   string
	SalesforceID string
	Field        string
}

// ListSyncErrorsParams selects a page of sync errors, most recently seen
// first.
type ListSyncErrorsParams struct {
	Installation    string
	IncludeResolved bool          // also list resolved entries
	Object          tandem.Object // empty means every object
	Category        string        // people, companies, cases or tasks; empty means all
	Limit           int           // DefaultLimit when not positive
	// AfterID continues a listing after the entry with this id (the last
	// one of the previous page); zero starts at the top.
	AfterID int64
}

// SyncErrorGroup summarises unresolved sync errors that share a cause: the
// system that refused, its code and the field. Reason is the reason of the
// group's most recently seen entry (reasons name the record, so they differ
// within a group).
type SyncErrorGroup struct {
	System      string `json:"system"`
	Code        string `json:"code"`
	Field       string `json:"field"`
	Reason      string `json:"reason"`
	Errors      int    `json:"errors"`      // entries in the group
	Occurrences int    `json:"occurrences"` // sum of their counts
}

const syncErrorColumns = `id, installation_id, object, operation, intercom_id, salesforce_id, field, system, code,
	message, reason, payload, count, first_seen, last_seen, resolved_at`

func scanSyncError(row scanner) (tandem.SyncError, error) {
	var (
		e                   tandem.SyncError
		obj                 string
		firstSeen, lastSeen int64
		resolvedAt          sql.NullInt64
	)
	if err := row.Scan(&e.ID, &e.InstallationID, &obj, &e.Operation, &e.IntercomID, &e.SalesforceID, &e.Field,
		&e.System, &e.Code, &e.Message, &e.Reason, &e.Payload, &e.Count, &firstSeen, &lastSeen, &resolvedAt); err != nil {
		return tandem.SyncError{}, err
	}
	e.Object = tandem.Object(obj)
	e.FirstSeen, e.LastSeen = fromMicros(firstSeen), fromMicros(lastSeen)
	e.ResolvedAt = fromNullMicros(resolvedAt)
	return e, nil
}

// RecordSyncError records a failure. When an unresolved entry with the same
// installation, object, operation, record ids, field and code exists, its
// count grows by e.Count (1 when not positive), LastSeen moves on and
// system, message, reason and payload take the new values; otherwise a new
// entry is created. LastSeen (and FirstSeen of a new entry) is e.LastSeen,
// or now when zero. The stored entry is returned.
func (q *queries) RecordSyncError(ctx context.Context, e tandem.SyncError) (tandem.SyncError, error) {
	if e.InstallationID == "" {
		return tandem.SyncError{}, tandem.Errorf(tandem.EINVALID, "sync error: installation is required")
	}
	count := max(e.Count, 1)
	seen := q.nowMicros()
	if !e.LastSeen.IsZero() {
		seen = micros(e.LastSeen)
	}
	first := seen
	if !e.FirstSeen.IsZero() {
		first = micros(e.FirstSeen)
	}
	out, err := scanSyncError(q.x.QueryRowContext(ctx, `INSERT INTO tandem_sync_errors
		(installation_id, object, operation, intercom_id, salesforce_id, field, system, code,
		 message, reason, payload, count, first_seen, last_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (installation_id, object, operation, intercom_id, salesforce_id, field, code)
			WHERE resolved_at IS NULL
		DO UPDATE SET
			count = tandem_sync_errors.count + excluded.count,
			last_seen = CASE WHEN excluded.last_seen > tandem_sync_errors.last_seen
				THEN excluded.last_seen ELSE tandem_sync_errors.last_seen END,
			system = excluded.system,
			message = excluded.message,
			reason = excluded.reason,
			payload = excluded.payload
		RETURNING `+syncErrorColumns,
		e.InstallationID, string(e.Object), e.Operation, e.IntercomID, e.SalesforceID, e.Field, e.System, e.Code,
		e.Message, e.Reason, e.Payload, count, first, seen))
	if err != nil {
		return tandem.SyncError{}, fmt.Errorf("record sync error: %w", err)
	}
	return out, nil
}

// ResolveSyncErrors marks the matching unresolved entries resolved now and
// returns how many there were.
func (q *queries) ResolveSyncErrors(ctx context.Context, p ResolveParams) (int, error) {
	if p.Installation == "" {
		return 0, tandem.Errorf(tandem.EINVALID, "resolve sync errors: installation is required")
	}
	res, err := q.x.ExecContext(ctx, `UPDATE tandem_sync_errors SET resolved_at = $1
		WHERE resolved_at IS NULL AND installation_id = $2
		  AND (CAST($3 AS TEXT) = '' OR object = $3)
		  AND (CAST($4 AS TEXT) = '' OR operation = $4)
		  AND (CAST($5 AS TEXT) = '' OR intercom_id = $5)
		  AND (CAST($6 AS TEXT) = '' OR salesforce_id = $6)
		  AND (CAST($7 AS TEXT) = '' OR field = $7)`,
		q.nowMicros(), p.Installation, string(p.Object), p.Operation, p.IntercomID, p.SalesforceID, p.Field)
	if err != nil {
		return 0, fmt.Errorf("resolve sync errors: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("resolve sync errors: %w", err)
	}
	return int(n), nil
}

// ResolveSyncError marks one entry resolved now; resolving an already
// resolved entry keeps its first resolution time. ENOTFOUND when there is
// no such entry.
func (q *queries) ResolveSyncError(ctx context.Context, id int64) error {
	res, err := q.x.ExecContext(ctx, `UPDATE tandem_sync_errors
		SET resolved_at = COALESCE(resolved_at, $1) WHERE id = $2`, q.nowMicros(), id)
	if err != nil {
		return fmt.Errorf("resolve sync error %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("resolve sync error %d: %w", id, err)
	} else if n == 0 {
		return notFound("no sync error %d", id)
	}
	return nil
}

// GetSyncError returns one entry.
func (q *queries) GetSyncError(ctx context.Context, id int64) (tandem.SyncError, error) {
	e, err := scanSyncError(q.x.QueryRowContext(ctx, `SELECT `+syncErrorColumns+` FROM tandem_sync_errors WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.SyncError{}, notFound("no sync error %d", id)
	} else if err != nil {
		return tandem.SyncError{}, fmt.Errorf("load sync error %d: %w", id, err)
	}
	return e, nil
}

// ListSyncErrors returns a page of entries ordered by last_seen descending
// (ties by id descending).
func (q *queries) ListSyncErrors(ctx context.Context, p ListSyncErrorsParams) ([]tandem.SyncError, error) {
	includeResolved := 0
	if p.IncludeResolved {
		includeResolved = 1
	}
	return collect(ctx, q.x, "list sync errors", scanSyncError, `SELECT `+syncErrorColumns+` FROM tandem_sync_errors e
		WHERE installation_id = $1
		  AND ($2 = 1 OR resolved_at IS NULL)
		  AND (CAST($3 AS TEXT) = '' OR object = $3)
		  AND (CAST($6 AS TEXT) = '' OR ($6 = 'people' AND object IN ('lead', 'contact'))
		       OR ($6 = 'companies' AND object = 'account') OR ($6 = 'cases' AND object = 'case')
		       OR ($6 = 'tasks' AND object = 'task'))
		  AND ($4 = 0 OR EXISTS (SELECT 1 FROM tandem_sync_errors a WHERE a.id = $4
		       AND (e.last_seen < a.last_seen OR (e.last_seen = a.last_seen AND e.id < a.id))))
		ORDER BY last_seen DESC, id DESC
		LIMIT $5`,
		p.Installation, includeResolved, string(p.Object), p.AfterID, limit(p.Limit), p.Category)
}

// SyncErrorGroups summarises the unresolved entries of an installation by
// cause (system, code, field), largest group (by occurrences) first.
func (q *queries) SyncErrorGroups(ctx context.Context, inst string) ([]SyncErrorGroup, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT g.system, g.code, g.field,
			(SELECT e.reason FROM tandem_sync_errors e
			 WHERE e.installation_id = $1 AND e.resolved_at IS NULL
			   AND e.system = g.system AND e.code = g.code AND e.field = g.field
			 ORDER BY e.last_seen DESC, e.id DESC LIMIT 1),
			g.n, g.occurrences
		FROM (SELECT system, code, field, count(*) AS n, CAST(COALESCE(SUM(count), 0) AS BIGINT) AS occurrences
			FROM tandem_sync_errors WHERE installation_id = $1 AND resolved_at IS NULL
			GROUP BY system, code, field) g
		ORDER BY g.occurrences DESC, g.n DESC, g.system, g.code, g.field`, inst)
	if err != nil {
		return nil, fmt.Errorf("sync error groups: %w", err)
	}
	defer rows.Close()
	out := []SyncErrorGroup{}
	for rows.Next() {
		var g SyncErrorGroup
		if err := rows.Scan(&g.System, &g.Code, &g.Field, &g.Reason, &g.Errors, &g.Occurrences); err != nil {
			return nil, fmt.Errorf("sync error groups: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sync error groups: %w", err)
	}
	return out, nil
}

// RecordIDs names one record pair by its two ids.
type RecordIDs struct {
	IntercomID   string
	SalesforceID string
}

// RecordsWithOpenSyncErrors returns which of the given Intercom records of
// obj have open sync errors of any of ops, by the pair of ids the errors
// name, in one query per few hundred ids: a batch of successful writes
// then resolves only the errors that exist.
func (q *queries) RecordsWithOpenSyncErrors(ctx context.Context, inst string, obj tandem.Object, ops []tandem.Operation, intercomIDs []string) (map[RecordIDs]bool, error) {
	out := map[RecordIDs]bool{}
	if len(ops) == 0 {
		return out, nil
	}
	err := inChunks(intercomIDs, inChunk, func(chunk []string) error {
		args := make([]any, 0, 2+len(ops)+len(chunk))
		args = append(args, inst, string(obj))
		for _, op := range ops {
			args = append(args, string(op))
		}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.x.QueryContext(ctx, `SELECT intercom_id, salesforce_id FROM tandem_sync_errors
			WHERE resolved_at IS NULL AND installation_id = $1 AND object = $2
			  AND operation IN (`+q.placeholders(3, len(ops))+`)
			  AND intercom_id IN (`+q.placeholders(3+len(ops), len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("find open sync errors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r RecordIDs
			if err := rows.Scan(&r.IntercomID, &r.SalesforceID); err != nil {
				return fmt.Errorf("find open sync errors: %w", err)
			}
			out[r] = true
		}
		return rows.Err()
	})
	return out, err
}
