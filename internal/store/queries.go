package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tandemhq/tandem"
)

// Queries is the set of query methods shared by [DB] and [Tx]; code that
// should work inside or outside a transaction takes a Queries.
type Queries interface {
	UpsertLink(ctx context.Context, l tandem.Link) (tandem.Link, error)
	LinkIfFree(ctx context.Context, l tandem.Link) (tandem.Link, bool, error)
	UpsertLinks(ctx context.Context, links []tandem.Link) ([]tandem.Link, error)
	LinkByIntercomID(ctx context.Context, inst string, obj tandem.Object, id string) (tandem.Link, error)
	LinkBySalesforceID(ctx context.Context, inst string, obj tandem.Object, id string) (tandem.Link, error)
	LinkByID(ctx context.Context, id int64) (tandem.Link, error)
	DeleteLink(ctx context.Context, id int64) error
	ListLinks(ctx context.Context, p ListLinksParams) ([]tandem.Link, error)
	CountLinks(ctx context.Context, inst string, obj tandem.Object) (int, error)

	Shadows(ctx context.Context, linkID int64) (map[string]string, error)
	SetShadows(ctx context.Context, linkID int64, values map[string]string) error
	SetShadowsMany(ctx context.Context, values map[int64]map[string]string) error
	SetShadowsOfLinked(ctx context.Context, values, guard map[int64]map[string]string) ([]int64, error)
	Shadow(ctx context.Context, linkID int64, field string) (string, bool, error)
	ShadowOfLinks(ctx context.Context, linkIDs []int64, field string) (map[int64]string, error)

	GetState(ctx context.Context, inst, key string) (string, bool, error)
	SetState(ctx context.Context, inst, key, value string) error
	DeleteState(ctx context.Context, inst, key string) error
	PutStateIfAbsent(ctx context.Context, inst, key, value string) (string, bool, error)

	ClaimIntent(ctx context.Context, p ClaimIntentParams) (Intent, bool, error)
	RetryIntent(ctx context.Context, id int64, staleAfter time.Duration) (Intent, bool, error)
	IntentAbandoned(in Intent) bool
	CompleteIntent(ctx context.Context, id int64, remoteID string) (Intent, error)
	FailIntent(ctx context.Context, id int64, note string) (Intent, error)
	GetIntent(ctx context.Context, inst, kind, key string) (Intent, error)
	HasIntentWithPrefix(ctx context.Context, inst, kind, prefix string) (bool, error)
	IntentsWithPrefix(ctx context.Context, inst, kind, prefix string, limit int) ([]Intent, error)
	ListIntents(ctx context.Context, p ListIntentsParams) ([]Intent, error)
	DeleteIntent(ctx context.Context, id int64) error

	MarkDelivery(ctx context.Context, inst, notificationID string, at time.Time) (bool, error)
	PruneDeliveries(ctx context.Context, before time.Time) (int, error)

	RecordSyncError(ctx context.Context, e tandem.SyncError) (tandem.SyncError, error)
	ResolveSyncErrors(ctx context.Context, p ResolveParams) (int, error)
	RecordsWithOpenSyncErrors(ctx context.Context, inst string, obj tandem.Object, ops []tandem.Operation, intercomIDs []string) (map[RecordIDs]bool, error)
	ResolveSyncError(ctx context.Context, id int64) error
	GetSyncError(ctx context.Context, id int64) (tandem.SyncError, error)
	ListSyncErrors(ctx context.Context, p ListSyncErrorsParams) ([]tandem.SyncError, error)
	SyncErrorGroups(ctx context.Context, inst string) ([]SyncErrorGroup, error)

	InsertAudit(ctx context.Context, entries ...tandem.AuditEntry) error
	ListAudit(ctx context.Context, p ListAuditParams) ([]tandem.AuditEntry, error)

	CreateBulkSync(ctx context.Context, inst string) (BulkSync, error)
	GetBulkSync(ctx context.Context, id int64) (BulkSync, error)
	UpdateBulkSync(ctx context.Context, b BulkSync) error
	LatestBulkSync(ctx context.Context, inst string) (BulkSync, error)
	ClaimBulkSync(ctx context.Context, id int64, owner string, until time.Time) (bool, error)
	ReleaseBulkSync(ctx context.Context, id int64, owner string) error
	TakeOverBulkSync(ctx context.Context, id int64, owner string, until time.Time, previous string) (bool, error)
	BulkSyncLease(ctx context.Context, id int64) (string, time.Time, error)

	AddAPICalls(ctx context.Context, inst string, hour int64, n int) error
	APICallsSince(ctx context.Context, inst string, fromHour int64) (int, error)

	PutBulkRecords(ctx context.Context, recs []BulkRecord) error
	BulkRecordByIntercomID(ctx context.Context, runID int64, obj tandem.Object, id string) (BulkRecord, error)
	BulkRecordsByKey(ctx context.Context, runID int64, obj tandem.Object, key string) ([]BulkRecord, error)
	DeleteBulkRecords(ctx context.Context, runID int64) error

	LinksBySalesforceIDs(ctx context.Context, inst string, obj tandem.Object, ids []string) (map[string]tandem.Link, error)
	ShadowsOfLinks(ctx context.Context, linkIDs []int64) (map[int64]map[string]string, error)
	BulkRecordsByIntercomIDs(ctx context.Context, runID int64, obj tandem.Object, ids []string) (map[string]BulkRecord, error)
	BulkRecordsByKeys(ctx context.Context, runID int64, obj tandem.Object, keys []string) (map[string][]BulkRecord, error)
	LinkedIntercomIDs(ctx context.Context, inst string, objs []tandem.Object, ids []string) (map[string]bool, error)
}

var (
	_ Queries = (*DB)(nil)
	_ Queries = (*Tx)(nil)
)

// dbtx is what *sql.DB and *sql.Tx have in common.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// collect runs query on x and returns every row scanned by scan; what names
// the query in errors.
func collect[T any](ctx context.Context, x dbtx, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := x.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// queries implements Queries once over a dbtx; DB and Tx embed it.
type queries struct {
	// x prepares each statement once (see stmtCache); raw does not, for
	// statements whose text varies with the number of arguments.
	x      dbtx
	raw    dbtx
	sqlite bool // generated placeholders are "?" (see placeholders)
	now    func() time.Time
	// process names this process on the intents it holds; processGone
	// tells whether another holder has died (nil: never known). See
	// DB.SetProcess.
	process     string
	processGone func(holder string) bool
	// atomic runs fn so that its statements commit or fail together: a new
	// transaction on a DB, the current one on a Tx.
	atomic func(ctx context.Context, fn func(q *queries) error) error
}

// DefaultLimit is the page size of the List methods when Limit is not
// positive; MaxLimit caps it.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

func limit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromNullMicros(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := fromMicros(us.Int64)
	return &t
}

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

// nowMicros is the current time truncated to the microsecond.
func (q *queries) nowMicros() int64 { return micros(q.now()) }

func notFound(format string, args ...any) error {
	return tandem.Errorf(tandem.ENOTFOUND, format, args...)
}
