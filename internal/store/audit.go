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

// InsertAudit appends entries to the audit log. An entry without At is
// stamped now.
func (q *queries) InsertAudit(ctx context.Context, entries ...tandem.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return q.atomic(ctx, func(q *queries) error {
		now := q.nowMicros()
		for _, e := range entries {
			at := now
			if !e.At.IsZero() {
				at = micros(e.At)
			}
			if _, err := q.x.ExecContext(ctx, `INSERT INTO tandem_audit
				(installation_id, direction, object, intercom_id, salesforce_id, field, old_value, new_value, cause, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				e.InstallationID, string(e.Direction), string(e.Object), e.IntercomID, e.SalesforceID,
				e.Field, e.OldValue, e.NewValue, string(e.Cause), at); err != nil {
				return fmt.Errorf("insert audit entry: %w", err)
			}
		}
		return nil
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
