package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// GetState returns the value of a state key (watermark, checkpoint,
// intent…) and whether it is set.
func (q *queries) GetState(ctx context.Context, inst, key string) (string, bool, error) {
	var v string
	err := q.x.QueryRowContext(ctx, `SELECT value FROM tandem_state WHERE installation_id = $1 AND key = $2`, inst, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("get state %s: %w", key, err)
	}
	return v, true, nil
}

// SetState sets a state key.
func (q *queries) SetState(ctx context.Context, inst, key, value string) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO tandem_state (installation_id, key, value, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (installation_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		inst, key, value, q.nowMicros())
	if err != nil {
		return fmt.Errorf("set state %s: %w", key, err)
	}
	return nil
}

// DeleteState removes a state key; removing a missing key is not an error.
func (q *queries) DeleteState(ctx context.Context, inst, key string) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_state WHERE installation_id = $1 AND key = $2`, inst, key); err != nil {
		return fmt.Errorf("delete state %s: %w", key, err)
	}
	return nil
}

// PutStateIfAbsent sets key to value unless it is already set. It returns
// the value now stored and whether this call created it: of several
// concurrent callers exactly one gets created == true, and all get the
// winner's value. Use it to record an intent before an effect that must
// not happen twice.
func (q *queries) PutStateIfAbsent(ctx context.Context, inst, key, value string) (string, bool, error) {
	var stored string
	err := q.x.QueryRowContext(ctx, `INSERT INTO tandem_state (installation_id, key, value, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (installation_id, key) DO NOTHING
		RETURNING value`, inst, key, value, q.nowMicros()).Scan(&stored)
	if err == nil {
		return stored, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("put state %s: %w", key, err)
	}
	stored, ok, err := q.GetState(ctx, inst, key)
	if err != nil {
		return "", false, err
	} else if !ok {
		// Deleted between the two statements: report it as taken by
		// someone else rather than guessing.
		return "", false, fmt.Errorf("put state %s: %w", key, errors.New("key vanished while being read"))
	}
	return stored, false, nil
}
