package store

import (
	"context"
	"fmt"
	"time"
)

// MarkDelivery records a webhook notification id and reports whether this
// is its first delivery; a repeat returns false.
func (q *queries) MarkDelivery(ctx context.Context, inst, notificationID string, at time.Time) (bool, error) {
	res, err := q.x.ExecContext(ctx, `INSERT INTO tandem_deliveries (installation_id, notification_id, received_at)
		VALUES ($1, $2, $3) ON CONFLICT (installation_id, notification_id) DO NOTHING`,
		inst, notificationID, micros(at))
	if err != nil {
		return false, fmt.Errorf("mark delivery %s: %w", notificationID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark delivery %s: %w", notificationID, err)
	}
	return n == 1, nil
}

// PruneDeliveries forgets deliveries received before the given time and
// returns how many were removed.
func (q *queries) PruneDeliveries(ctx context.Context, before time.Time) (int, error) {
	res, err := q.x.ExecContext(ctx, `DELETE FROM tandem_deliveries WHERE received_at < $1`, micros(before))
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	return int(n), nil
}
