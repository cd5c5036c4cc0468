package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem"
)

// Bulk sync statuses.
const (
	BulkRunning = "running"
	BulkDone    = "done"
	BulkFailed  = "failed"
)

// BulkSync is the progress of one bulk sync run.
type BulkSync struct {
	ID           int64
	Installation string
	Status       string // BulkRunning, BulkDone or BulkFailed
	Phase        string // free-form, set by the engine (e.g. "accounts")
	Checkpoint   string // JSON the engine resumes from
	Error        string // why it failed
	Total        int64
	Done         int64
	Changed      int64
	Failed       int64
	Linked       int64
	StartedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   *time.Time
}

const bulkSyncColumns = `id, installation_id, status, phase, checkpoint, error, total, done, changed, failed, linked,
	started_at, updated_at, finished_at`

func scanBulkSync(row scanner) (BulkSync, error) {
	var (
		b                    BulkSync
		startedAt, updatedAt int64
		finishedAt           sql.NullInt64
	)
	if err := row.Scan(&b.ID, &b.Installation, &b.Status, &b.Phase, &b.Checkpoint, &b.Error, &b.Total, &b.Done,
		&b.Changed, &b.Failed, &b.Linked, &startedAt, &updatedAt, &finishedAt); err != nil {
		return BulkSync{}, err
	}
	b.StartedAt, b.UpdatedAt, b.FinishedAt = fromMicros(startedAt), fromMicros(updatedAt), fromNullMicros(finishedAt)
	return b, nil
}

func (q *queries) bulkSyncWhere(ctx context.Context, what, where string, args ...any) (BulkSync, error) {
	b, err := scanBulkSync(q.x.QueryRowContext(ctx, `SELECT `+bulkSyncColumns+` FROM tandem_bulk_syncs WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return BulkSync{}, notFound("no bulk sync %s", what)
	} else if err != nil {
		return BulkSync{}, fmt.Errorf("load bulk sync %s: %w", what, err)
	}
	return b, nil
}

// CreateBulkSync starts a new bulk sync record in status running.
func (q *queries) CreateBulkSync(ctx context.Context, inst string) (BulkSync, error) {
	if inst == "" {
		return BulkSync{}, tandem.Errorf(tandem.EINVALID, "bulk sync: installation is required")
	}
	now := q.nowMicros()
	b, err := scanBulkSync(q.x.QueryRowContext(ctx, `INSERT INTO tandem_bulk_syncs
		(installation_id, status, started_at, updated_at) VALUES ($1, $2, $3, $3)
		RETURNING `+bulkSyncColumns, inst, BulkRunning, now))
	if err != nil {
		return BulkSync{}, fmt.Errorf("create bulk sync: %w", err)
	}
	return b, nil
}

// GetBulkSync returns a bulk sync by id.
func (q *queries) GetBulkSync(ctx context.Context, id int64) (BulkSync, error) {
	return q.bulkSyncWhere(ctx, fmt.Sprint(id), `id = $1`, id)
}

// LatestBulkSync returns the most recently started bulk sync of an
// installation (ENOTFOUND when there has been none).
func (q *queries) LatestBulkSync(ctx context.Context, inst string) (BulkSync, error) {
	return q.bulkSyncWhere(ctx, "for installation "+inst,
		`installation_id = $1 ORDER BY id DESC LIMIT 1`, inst)
}

// UpdateBulkSync saves status, phase, checkpoint, error, counters and
// FinishedAt of b (found by b.ID) and stamps UpdatedAt. A status other
// than running with a nil FinishedAt is stamped finished now.
func (q *queries) UpdateBulkSync(ctx context.Context, b BulkSync) error {
	switch b.Status {
	case BulkRunning, BulkDone, BulkFailed:
	default:
		return tandem.Errorf(tandem.EINVALID, "bulk sync: unknown status %q", b.Status)
	}
	now := q.now()
	if b.Status != BulkRunning && b.FinishedAt == nil {
		b.FinishedAt = &now
	}
	res, err := q.x.ExecContext(ctx, `UPDATE tandem_bulk_syncs SET
		status = $1, phase = $2, checkpoint = $3, error = $4, total = $5, done = $6, changed = $7,
		failed = $8, linked = $9, updated_at = $10, finished_at = $11
		WHERE id = $12`,
		b.Status, b.Phase, b.Checkpoint, b.Error, b.Total, b.Done, b.Changed, b.Failed, b.Linked,
		micros(now), nullMicros(b.FinishedAt), b.ID)
	if err != nil {
		return fmt.Errorf("update bulk sync %d: %w", b.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update bulk sync %d: %w", b.ID, err)
	} else if n == 0 {
		return notFound("no bulk sync %d", b.ID)
	}
	return nil
}

// ClaimBulkSync takes or renews the lease of a running bulk sync for owner
// until the given time. It reports false when another owner holds an
// unexpired lease (or the run is not running).
func (q *queries) ClaimBulkSync(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	return q.claimBulkSync(ctx, id, owner, until, "")
}

// TakeOverBulkSync is ClaimBulkSync that also takes the lease from
// previous, an owner known to be dead, before its lease expires.
func (q *queries) TakeOverBulkSync(ctx context.Context, id int64, owner string, until time.Time, previous string) (bool, error) {
	return q.claimBulkSync(ctx, id, owner, until, previous)
}

func (q *queries) claimBulkSync(ctx context.Context, id int64, owner string, until time.Time, previous string) (bool, error) {
	res, err := q.x.ExecContext(ctx, `UPDATE tandem_bulk_syncs SET lease_owner = $1, lease_until = $2
		WHERE id = $3 AND status = $4 AND (lease_owner = $1 OR lease_until < $5 OR (lease_owner = $6 AND $6 <> ''))`,
		owner, micros(until), id, BulkRunning, micros(q.now()), previous)
	if err != nil {
		return false, fmt.Errorf("claim bulk sync %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim bulk sync %d: %w", id, err)
	}
	return n == 1, nil
}

// ReleaseBulkSync gives up owner's lease of a bulk sync.
func (q *queries) ReleaseBulkSync(ctx context.Context, id int64, owner string) error {
	if _, err := q.x.ExecContext(ctx, `UPDATE tandem_bulk_syncs SET lease_until = 0 WHERE id = $1 AND lease_owner = $2`, id, owner); err != nil {
		return fmt.Errorf("release bulk sync %d: %w", id, err)
	}
	return nil
}

// BulkSyncLease returns who holds a bulk sync's lease and until when.
func (q *queries) BulkSyncLease(ctx context.Context, id int64) (string, time.Time, error) {
	var (
		owner string
		until int64
	)
	err := q.x.QueryRowContext(ctx, `SELECT lease_owner, lease_until FROM tandem_bulk_syncs WHERE id = $1`, id).Scan(&owner, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, notFound("no bulk sync %d", id)
	} else if err != nil {
		return "", time.Time{}, fmt.Errorf("load lease of bulk sync %d: %w", id, err)
	}
	return owner, fromMicros(until), nil
}
