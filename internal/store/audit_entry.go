package store

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem"
)

// auditColumns are the columns scanAudit reads, in its order.
const auditColumns = `id, installation_id, direction, object, intercom_id, salesforce_id,
	field, old_value, new_value, cause, at, reason`

// AddAuditEntry appends one entry to the audit log, with its reason, and
// returns it with its id. The writes of an operator's action (a revert)
// go through it; sync writes many entries at once with InsertAudit, which
// leaves the reason empty. An entry without At is stamped now.
func (q *queries) AddAuditEntry(ctx context.Context, e tandem.AuditEntry) (tandem.AuditEntry, error) {
	at := q.nowMicros()
	if !e.At.IsZero() {
		at = micros(e.At)
	}
	out, err := scanAudit(q.x.QueryRowContext(ctx, `INSERT INTO tandem_audit
			(installation_id, direction, object, intercom_id, salesforce_id, field, old_value, new_value, cause, at, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING `+auditColumns,
		e.InstallationID, string(e.Direction), string(e.Object), e.IntercomID, e.SalesforceID,
		e.Field, e.OldValue, e.NewValue, string(e.Cause), at, e.Reason))
	if err != nil {
		return tandem.AuditEntry{}, fmt.Errorf("add audit entry: %w", err)
	}
	return out, nil
}
