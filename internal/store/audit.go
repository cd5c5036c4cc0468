package store

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem"
)

// ListAuditParams selects a page of audit entries, newest first.
type ListAuditParams struct {
	Installation string
	Limit        int // DefaultLimit when not positive
	// AfterID continues a listing after the entry with this id (the last
	// one of the previous page), i.e. returns older entries; zero starts
	// with the newest.
	AfterID int64
}

// InsertAudit appends entries to the audit log, many per statement, in
// one transaction. An entry without At is stamped now.
func (q *queries) InsertAudit(ctx context.Context, entries ...tandem.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	const (
		cols = 10
		size = 100 // entries per statement
	)
	insert := func(q *queries, chunk []tandem.AuditEntry) error {
		now := q.nowMicros()
		args := make([]any, 0, len(chunk)*cols)
		for _, e := range chunk {
			at := now
			if !e.At.IsZero() {
				at = micros(e.At)
			}
			args = append(args, e.InstallationID, string(e.Direction), string(e.Object), e.IntercomID, e.SalesforceID,
				e.Field, e.OldValue, e.NewValue, string(e.Cause), at)
		}
		query := `INSERT INTO tandem_audit
			(installation_id, direction, object, intercom_id, salesforce_id, field, old_value, new_value, cause, at)
			VALUES ` + q.chunkValues(len(chunk), size, cols)
		if _, err := q.execRows(len(chunk), size).ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("insert audit entries: %w", err)
		}
		return nil
	}
	if len(entries) <= size {
		return insert(q, entries) // one statement is atomic by itself
	}
	return q.atomic(ctx, func(q *queries) error {
		return inChunks(entries, size, func(c []tandem.AuditEntry) error { return insert(q, c) })
	})
}

// ListAudit returns a page of audit entries, newest (highest id) first.
func (q *queries) ListAudit(ctx context.Context, p ListAuditParams) ([]tandem.AuditEntry, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT id, installation_id, direction, object, intercom_id, salesforce_id,
			field, old_value, new_value, cause, at
		FROM tandem_audit
		WHERE installation_id = $1 AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, p.Installation, p.AfterID, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []tandem.AuditEntry{}
	for rows.Next() {
		var (
			e                     tandem.AuditEntry
			direction, obj, cause string
			at                    int64
		)
		if err := rows.Scan(&e.ID, &e.InstallationID, &direction, &obj, &e.IntercomID, &e.SalesforceID,
			&e.Field, &e.OldValue, &e.NewValue, &cause, &at); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.Direction, e.Object, e.Cause, e.At = tandem.Direction(direction), tandem.Object(obj), tandem.Cause(cause), fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}
