package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
)

// This file holds the read queries of the admin console: activity per
// minute, API calls per hour, sync lag, open sync errors by category, link
// search and filtered audit listings. Every figure comes from the database,
// so it is the same whichever replica answers.

// MinuteCount is how many events of one series happened in one minute.
type MinuteCount struct {
	Minute int64  // unix minute
	Series string // e.g. a direction; empty when there is one series
	Count  int
}

// WritesPerMinute counts the audit entries (field writes) per minute and
// direction from since on. It reads the per-minute counts that a trigger
// keeps as entries are inserted (table tandem_activity), so its cost does
// not grow with the number of writes.
func (q *queries) WritesPerMinute(ctx context.Context, inst string, since time.Time) ([]MinuteCount, error) {
	return q.minuteCounts(ctx, "writes per minute", `SELECT minute, substr(series, 7), n FROM tandem_activity
		WHERE installation_id = $1 AND series IN ('write:to_salesforce', 'write:to_intercom') AND minute >= $2
		ORDER BY 1, 2`, inst, minuteOf(since))
}

// DeliveriesPerMinute counts the webhook notifications received per minute
// from since on, from the per-minute counts kept as deliveries are marked
// (pruning old deliveries leaves their counts).
func (q *queries) DeliveriesPerMinute(ctx context.Context, inst string, since time.Time) ([]MinuteCount, error) {
	return q.minuteCounts(ctx, "deliveries per minute", `SELECT minute, '', n FROM tandem_activity
		WHERE installation_id = $1 AND series = 'webhook' AND minute >= $2 ORDER BY 1`, inst, minuteOf(since))
}

// minuteOf is the unix minute holding t, rounded up to a whole minute, so
// that "minute >= minuteOf(since)" counts what happened from since on
// when since falls on a minute (the overview's windows do).
func minuteOf(t time.Time) int64 {
	us := micros(t)
	m := us / 60_000_000
	if us%60_000_000 > 0 {
		m++
	}
	return m
}

func (q *queries) minuteCounts(ctx context.Context, what, query string, args ...any) ([]MinuteCount, error) {
	rows, err := q.x.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []MinuteCount{}
	for rows.Next() {
		var c MinuteCount
		if err := rows.Scan(&c.Minute, &c.Series, &c.Count); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// HourCount is a count for one unix hour.
type HourCount struct {
	Hour  int64
	Count int
}

// APICallsPerHour returns the Salesforce calls counted per unix hour from
// fromHour on, oldest first (hours without calls are left out).
func (q *queries) APICallsPerHour(ctx context.Context, inst string, fromHour int64) ([]HourCount, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT hour, calls FROM tandem_api_usage
		WHERE installation_id = $1 AND hour >= $2 ORDER BY hour`, inst, fromHour)
	if err != nil {
		return nil, fmt.Errorf("API calls per hour: %w", err)
	}
	defer rows.Close()
	out := []HourCount{}
	for rows.Next() {
		var h HourCount
		if err := rows.Scan(&h.Hour, &h.Count); err != nil {
			return nil, fmt.Errorf("API calls per hour: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("API calls per hour: %w", err)
	}
	return out, nil
}

// OpenSyncErrorsByCategory counts the unresolved sync errors per category
// (people, companies, cases, tasks; "other" for errors about no object).
func (q *queries) OpenSyncErrorsByCategory(ctx context.Context, inst string) (map[string]int, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT object, count(*) FROM tandem_sync_errors
		WHERE installation_id = $1 AND resolved_at IS NULL GROUP BY object`, inst)
	if err != nil {
		return nil, fmt.Errorf("open sync errors by category: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			obj string
			n   int
		)
		if err := rows.Scan(&obj, &n); err != nil {
			return nil, fmt.Errorf("open sync errors by category: %w", err)
		}
		cat := tandem.Object(obj).Category()
		if cat == "" {
			cat = "other"
		}
		out[cat] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("open sync errors by category: %w", err)
	}
	return out, nil
}

// LagBuckets are the upper bounds of the sync lag histogram; a lag above
// the last bound falls in a final, open bucket.
var LagBuckets = []time.Duration{
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
	5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
	15 * time.Minute, time.Hour,
}

// LagBucket returns the index in LagBuckets of the bucket a lag falls in
// (len(LagBuckets) for the open bucket).
func LagBucket(lag time.Duration) int {
	return sort.Search(len(LagBuckets), func(i int) bool { return lag <= LagBuckets[i] })
}

// LagCount is how many lags of one direction fell in one bucket in one
// minute.
type LagCount struct {
	Direction tandem.Direction
	Minute    int64 // unix minute
	Bucket    int   // index in LagBuckets
	Samples   int
}

// AddLag adds lag counts to an installation's histogram and forgets
// minutes more than two days old.
func (q *queries) AddLag(ctx context.Context, inst string, counts []LagCount) error {
	if len(counts) == 0 {
		return nil
	}
	return q.atomic(ctx, func(q *queries) error {
		oldest := counts[0].Minute
		for _, c := range counts {
			if _, err := q.x.ExecContext(ctx, `INSERT INTO tandem_lag (installation_id, direction, minute, bucket, samples)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (installation_id, direction, minute, bucket) DO UPDATE SET samples = tandem_lag.samples + excluded.samples`,
				inst, string(c.Direction), c.Minute, c.Bucket, c.Samples); err != nil {
				return fmt.Errorf("add lag: %w", err)
			}
			oldest = min(oldest, c.Minute)
		}
		if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_lag WHERE installation_id = $1 AND minute < $2`,
			inst, oldest-2*24*60); err != nil {
			return fmt.Errorf("prune lag: %w", err)
		}
		return nil
	})
}

// LagPerStep returns the lag histogram per direction, step and bucket
// from since on: steps are step wide (whole minutes, at least one) and
// aligned to multiples of it since the Unix epoch; a count's Minute is the
// first minute of its step.
func (q *queries) LagPerStep(ctx context.Context, inst string, since time.Time, step time.Duration) ([]LagCount, error) {
	n := max(int64(step/time.Minute), 1)
	// Naming both directions makes each one's minutes a range of the
	// primary key, rather than a scan of every minute kept.
	return collect(ctx, q.x, "lag per step", func(r scanner) (LagCount, error) {
		var c LagCount
		err := r.Scan((*string)(&c.Direction), &c.Minute, &c.Bucket, &c.Samples)
		return c, err
	}, `SELECT direction, (minute / $5) * $5, bucket, CAST(SUM(samples) AS BIGINT) FROM tandem_lag
		WHERE installation_id = $1 AND direction IN ($2, $3) AND minute >= $4 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
		inst, string(tandem.ToIntercom), string(tandem.ToSalesforce), since.Unix()/60, n)
}

// LagSince returns the lag histogram per direction and bucket summed over
// the minutes from since on.
func (q *queries) LagSince(ctx context.Context, inst string, since time.Time) ([]LagCount, error) {
	return collect(ctx, q.x, "lag", func(r scanner) (LagCount, error) {
		var c LagCount
		err := r.Scan((*string)(&c.Direction), &c.Bucket, &c.Samples)
		return c, err
	}, `SELECT direction, bucket, CAST(SUM(samples) AS BIGINT) FROM tandem_lag
		WHERE installation_id = $1 AND minute >= $2 GROUP BY direction, bucket ORDER BY 1, 2`,
		inst, since.Unix()/60)
}

// SearchLinksParams look for links by a record id, a match key (an email,
// a company id) or the start of a synced value (a name).
type SearchLinksParams struct {
	Installation string
	Objects      []tandem.Object // empty: every object
	Query        string
	Limit        int // DefaultLimit when not positive
}

// searchCandidates caps how many matches of a prefix (a match key or a
// synced value) a search considers: a short prefix that matches more keys
// shows the newest links among the first searchCandidates in key order.
const searchCandidates = 1000

// SearchLinks returns links whose Intercom or Salesforce id equals the
// query, whose match key starts with it (case-insensitively for keys stored
// in lower case, as emails are), or one of whose synced values starts with
// it; newest link first.
//
// Each way of matching is its own indexed lookup, and their ids are united
// before the links are read: one condition joining them with OR would make
// the database scan every link of the installation.
func (q *queries) SearchLinks(ctx context.Context, p SearchLinksParams) ([]tandem.Link, error) {
	term := strings.TrimSpace(p.Query)
	if term == "" {
		return []tandem.Link{}, nil
	}
	if len(term) > 100 {
		term = term[:100]
	}
	objs := p.Objects
	if len(objs) == 0 {
		objs = []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount}
	}
	args := []any{p.Installation, term, strings.ToLower(term), strings.ToLower(term) + "\U0010FFFF", term + "\U0010FFFF"}
	// Limits are written into the text, as in FilterAudit.
	lim, candidates := strconv.Itoa(limit(p.Limit)), strconv.Itoa(searchCandidates)
	ph := make([]string, len(objs))
	for i, o := range objs {
		args = append(args, string(o))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	in := "object IN (" + strings.Join(ph, ", ") + ")"
	// Each way of matching looks up ids through its index: the unique
	// (installation, object, id) indexes, the key prefix (installation,
	// match_key), the value prefix the index on the shadows' first 100
	// characters (joined to the links for the installation and objects,
	// in that order: CROSS JOIN fixes it for SQLite). The newest ids are
	// picked first and only their links read: a join of the matches with
	// the links, ordered by id, makes both engines walk every link
	// backwards instead.
	ids, err := q.int64s(ctx, "search links", `SELECT id FROM (
			SELECT id FROM tandem_links WHERE installation_id = $1 AND `+in+` AND intercom_id = $2
			UNION SELECT id FROM tandem_links WHERE installation_id = $1 AND `+in+` AND salesforce_id = $2
			UNION SELECT id FROM (SELECT id FROM tandem_links WHERE installation_id = $1 AND `+in+`
				AND match_key >= $3 AND match_key < $4 ORDER BY match_key LIMIT `+candidates+`) AS k
			UNION SELECT id FROM (SELECT l.id FROM tandem_shadows AS s CROSS JOIN tandem_links AS l
				WHERE substr(s.value, 1, 100) >= $2 AND substr(s.value, 1, 100) < $5
				AND l.id = s.link_id AND l.installation_id = $1 AND l.`+in+`
				ORDER BY substr(s.value, 1, 100) LIMIT `+candidates+`) AS v) AS m
		ORDER BY id DESC LIMIT `+lim, args...)
	if err != nil || len(ids) == 0 {
		return []tandem.Link{}, err
	}
	ph = make([]string, len(ids))
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		ph[i], idArgs[i] = fmt.Sprintf("$%d", i+1), id
	}
	out, err := collect(ctx, q.raw, "search links", scanLink, `SELECT `+linkColumns+` FROM tandem_links WHERE id IN (`+strings.Join(ph, ", ")+`)`, idArgs...)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// int64s runs a query of one integer column.
func (q *queries) int64s(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := q.raw.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// AuditFilter selects audit entries; empty fields match anything.
type AuditFilter struct {
	Installation string
	Object       tandem.Object
	Direction    tandem.Direction
	Cause        tandem.Cause
	Field        string
	// Record matches entries whose Intercom or Salesforce id equals it.
	Record string
	// IntercomID and SalesforceID match entries of exactly these records
	// (one pair of a link, say).
	IntercomID   string
	SalesforceID string
	AfterID      int64 // older than this entry (the previous page's last)
	Limit        int   // DefaultLimit when not positive
}

// FilterAudit returns a page of audit entries matching f, newest first.
//
// The query holds a condition only for each filter given, so that the
// database walks the index that fits: (installation, id) backwards for the
// whole log, (installation, intercom_id, id) or (installation,
// salesforce_id, id) for a record. A record may be on either side, so its
// two lookups each stop at a page and are united.
func (q *queries) FilterAudit(ctx context.Context, f AuditFilter) ([]tandem.AuditEntry, error) {
	// The page size is written into the text rather than passed: a plan
	// Postgres prepares once for any LIMIT may sort every match first.
	args := []any{f.Installation}
	lim := strconv.Itoa(limit(f.Limit))
	var cond strings.Builder
	add := func(column string, v any) {
		args = append(args, v)
		fmt.Fprintf(&cond, " AND %s = $%d", column, len(args))
	}
	if f.AfterID > 0 {
		args = append(args, f.AfterID)
		fmt.Fprintf(&cond, " AND id < $%d", len(args))
	}
	for _, c := range []struct{ column, value string }{
		{"object", string(f.Object)}, {"direction", string(f.Direction)}, {"cause", string(f.Cause)}, {"field", f.Field},
		{"intercom_id", f.IntercomID}, {"salesforce_id", f.SalesforceID},
	} {
		if c.value != "" {
			add(c.column, c.value)
		}
	}
	query := `SELECT ` + auditColumns + ` FROM tandem_audit WHERE installation_id = $1` + cond.String() + ` ORDER BY id DESC LIMIT ` + lim
	if f.Record != "" {
		args = append(args, f.Record)
		r := fmt.Sprintf("$%d", len(args))
		side := func(column string) string {
			return `SELECT id FROM (SELECT id FROM tandem_audit WHERE installation_id = $1 AND ` + column + ` = ` + r + cond.String() +
				` ORDER BY id DESC LIMIT ` + lim + `) AS by_` + column
		}
		query = `SELECT ` + auditColumns + ` FROM tandem_audit WHERE id IN (` + side("intercom_id") + ` UNION ` + side("salesforce_id") +
			`) ORDER BY id DESC LIMIT ` + lim
	}
	return collect(ctx, q.x, "filter audit", scanAudit, query, args...)
}

// GetAudit returns one audit entry (ENOTFOUND when there is none).
func (q *queries) GetAudit(ctx context.Context, id int64) (tandem.AuditEntry, error) {
	row := q.x.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM tandem_audit WHERE id = $1`, id)
	e, err := scanAudit(row)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return tandem.AuditEntry{}, notFound("no audit entry %d", id)
		}
		return tandem.AuditEntry{}, fmt.Errorf("get audit entry %d: %w", id, err)
	}
	return e, nil
}

func scanAudit(row scanner) (tandem.AuditEntry, error) {
	var (
		e                     tandem.AuditEntry
		direction, obj, cause string
		at                    int64
	)
	if err := row.Scan(&e.ID, &e.InstallationID, &direction, &obj, &e.IntercomID, &e.SalesforceID,
		&e.Field, &e.OldValue, &e.NewValue, &cause, &at, &e.Reason); err != nil {
		return tandem.AuditEntry{}, err
	}
	e.Direction, e.Object, e.Cause, e.At = tandem.Direction(direction), tandem.Object(obj), tandem.Cause(cause), fromMicros(at)
	return e, nil
}

// ListBulkSyncs returns an installation's bulk sync runs, newest first.
func (q *queries) ListBulkSyncs(ctx context.Context, inst string, n int) ([]BulkSync, error) {
	return collect(ctx, q.x, "list bulk syncs", scanBulkSync, `SELECT `+bulkSyncColumns+` FROM tandem_bulk_syncs
		WHERE installation_id = $1 ORDER BY id DESC LIMIT $2`, inst, limit(n))
}

// OpenSyncErrorsOfRecords returns the unresolved sync errors that name the
// Intercom record or the Salesforce record (an empty id names none), most
// recently seen first, at most limit of them.
func (q *queries) OpenSyncErrorsOfRecords(ctx context.Context, inst, intercomID, salesforceID string, n int) ([]tandem.SyncError, error) {
	return collect(ctx, q.x, "open sync errors of records", scanSyncError, `SELECT `+syncErrorColumns+` FROM tandem_sync_errors e WHERE id IN (
			SELECT id FROM tandem_sync_errors WHERE installation_id = $1 AND intercom_id = $2 AND $2 <> '' AND resolved_at IS NULL
			UNION SELECT id FROM tandem_sync_errors WHERE installation_id = $1 AND salesforce_id = $3 AND $3 <> '' AND resolved_at IS NULL)
		ORDER BY last_seen DESC, id DESC LIMIT $4`, inst, intercomID, salesforceID, limit(n))
}
