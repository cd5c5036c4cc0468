package store

import (
	"context"
	"fmt"
)

// AddAPICalls adds n Salesforce calls to an installation's count for a
// unix hour, and forgets hours more than two days old.
func (q *queries) AddAPICalls(ctx context.Context, inst string, hour int64, n int) error {
	return q.atomic(ctx, func(q *queries) error {
		if _, err := q.x.ExecContext(ctx, `INSERT INTO tandem_api_usage (installation_id, hour, calls) VALUES ($1, $2, $3)
			ON CONFLICT (installation_id, hour) DO UPDATE SET calls = tandem_api_usage.calls + excluded.calls`,
			inst, hour, n); err != nil {
			return fmt.Errorf("add API calls: %w", err)
		}
		if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_api_usage WHERE installation_id = $1 AND hour < $2`, inst, hour-48); err != nil {
			return fmt.Errorf("prune API calls: %w", err)
		}
		return nil
	})
}

// APICallsSince returns an installation's Salesforce calls counted in the
// hours from fromHour on.
func (q *queries) APICallsSince(ctx context.Context, inst string, fromHour int64) (int, error) {
	var n int64
	if err := q.x.QueryRowContext(ctx, `SELECT COALESCE(SUM(calls), 0) FROM tandem_api_usage
		WHERE installation_id = $1 AND hour >= $2`, inst, fromHour).Scan(&n); err != nil {
		return 0, fmt.Errorf("count API calls: %w", err)
	}
	return int(n), nil
}
