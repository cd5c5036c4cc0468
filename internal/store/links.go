package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/tandemhq/tandem"
)

// ListLinksParams selects a page of links, ordered by id.
type ListLinksParams struct {
	Installation string
	Object       tandem.Object // empty means every object
	AfterID      int64         // only links with a larger id
	Limit        int           // DefaultLimit when not positive
}

const linkColumns = `id, installation_id, object, intercom_id, salesforce_id, matched_by, match_key, note, created_at, updated_at`

func scanLink(row scanner) (tandem.Link, error) {
	var (
		l                    tandem.Link
		obj                  string
		createdAt, updatedAt int64
	)
	if err := row.Scan(&l.ID, &l.InstallationID, &obj, &l.IntercomID, &l.SalesforceID,
		&l.MatchedBy, &l.MatchKey, &l.Note, &createdAt, &updatedAt); err != nil {
		return tandem.Link{}, err
	}
	l.Object = tandem.Object(obj)
	l.CreatedAt, l.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	return l, nil
}

// UpsertLink stores l, keyed by (installation, object, Intercom id) and by
// (installation, object, Salesforce id); l.ID and the timestamps are
// ignored. Upserting the pair of an existing link updates its match
// details in place, keeping its id and shadows. Otherwise any link that
// holds either id is deleted with its shadows (a re-link) and a new link
// is inserted. The stored link is returned.
func (q *queries) UpsertLink(ctx context.Context, l tandem.Link) (tandem.Link, error) {
	if err := validLink(l); err != nil {
		return tandem.Link{}, err
	}
	var out tandem.Link
	err := q.atomic(ctx, func(q *queries) error {
		var err error
		out, err = q.upsertLink(ctx, l)
		return err
	})
	return out, err
}

// LinkIfFree stores l unless its Intercom or its Salesforce record is
// linked already in l's object; ok says whether it did. Unlike UpsertLink
// it never re-links: two callers that each found a different record free
// to link (a webhook and the poll, matching by key at the same moment)
// cannot replace each other's link.
func (q *queries) LinkIfFree(ctx context.Context, l tandem.Link) (out tandem.Link, ok bool, err error) {
	if err := validLink(l); err != nil {
		return tandem.Link{}, false, err
	}
	err = q.atomic(ctx, func(q *queries) error {
		if err := q.lockLinkKeys(ctx, l); err != nil {
			return err
		}
		now := q.nowMicros()
		row := q.x.QueryRowContext(ctx, `INSERT INTO tandem_links
			(installation_id, object, intercom_id, salesforce_id, matched_by, match_key, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT DO NOTHING
			RETURNING `+linkColumns,
			l.InstallationID, string(l.Object), l.IntercomID, l.SalesforceID, l.MatchedBy, l.MatchKey, l.Note, now)
		var err error
		switch out, err = scanLink(row); {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return fmt.Errorf("insert link: %w", err)
		}
		ok = true
		return nil
	})
	return out, ok, err
}

// UpsertLinks upserts several links in one transaction, exactly as calling
// UpsertLink for each in order would (a later link of the slice may
// re-link an earlier one), and returns the stored links in that order.
// Nothing is stored unless every link is valid and stored.
func (q *queries) UpsertLinks(ctx context.Context, links []tandem.Link) ([]tandem.Link, error) {
	for _, l := range links {
		if err := validLink(l); err != nil {
			return nil, err
		}
	}
	out := make([]tandem.Link, len(links))
	if len(links) == 0 {
		return out, nil
	}
	groups, distinct := linkGroups(links)
	err := q.atomic(ctx, func(q *queries) error {
		if !distinct {
			// Links of the slice re-link each other: the order matters,
			// so store them one by one.
			for i, l := range links {
				var err error
				if out[i], err = q.upsertLink(ctx, l); err != nil {
					return err
				}
			}
			return nil
		}
		for _, idx := range groups {
			if err := inChunks(idx, linkChunk, func(chunk []int) error { return q.upsertLinkGroup(ctx, links, chunk, out) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// linkChunk is how many links UpsertLinks stores per statement.
const linkChunk = 200

// linkGroups returns the indexes of links grouped by installation and
// object, in order, and whether no Intercom or Salesforce id appears twice
// in a group: then no link of the slice affects another, and a group can
// be stored with two statements.
func linkGroups(links []tandem.Link) ([][]int, bool) {
	type group struct {
		inst string
		obj  tandem.Object
	}
	index := map[group]int{}
	var groups [][]int
	seen := map[group]map[string]bool{}
	distinct := true
	for i, l := range links {
		g := group{l.InstallationID, l.Object}
		n, ok := index[g]
		if !ok {
			n = len(groups)
			index[g] = n
			groups = append(groups, nil)
			seen[g] = map[string]bool{}
		}
		groups[n] = append(groups[n], i)
		ic, sf := "i:"+l.IntercomID, "s:"+l.SalesforceID
		if seen[g][ic] || seen[g][sf] {
			distinct = false
		}
		seen[g][ic], seen[g][sf] = true, true
	}
	return groups, distinct
}

// upsertLinkGroup stores the links at idx, of one installation and object
// and with distinct ids, as upsertLink would one by one. Links whose ids
// no link holds yet (all of them, in a first bulk sync) are inserted with
// one statement; the others are re-linked (see relinkGroup). q must be a
// transaction.
func (q *queries) upsertLinkGroup(ctx context.Context, links []tandem.Link, idx []int, out []tandem.Link) error {
	left, err := q.insertNewLinks(ctx, links, idx, out)
	if err != nil || len(left) == 0 {
		return err
	}
	return q.relinkGroup(ctx, links, left, out)
}

// insertNewLinks inserts the links at idx that conflict with no stored
// link on either id, sets them in out, and returns the indexes of the
// others.
func (q *queries) insertNewLinks(ctx context.Context, links []tandem.Link, idx []int, out []tandem.Link) ([]int, error) {
	const cols = 9
	now := q.nowMicros()
	args := make([]any, 0, len(idx)*cols)
	for _, i := range idx {
		l := links[i]
		args = append(args, l.InstallationID, string(l.Object), l.IntercomID, l.SalesforceID, l.MatchedBy, l.MatchKey, l.Note, now, now)
	}
	columns := `tandem_links
		(installation_id, object, intercom_id, salesforce_id, matched_by, match_key, note, created_at, updated_at)
		VALUES ` + q.chunkValues(len(idx), linkChunk, cols)
	if q.sqlite {
		// OR IGNORE skips the conflicting rows as ON CONFLICT DO NOTHING
		// does, and lets no constraint abort the statement halfway (every
		// column is given and validLink checked it): SQLite then keeps no
		// statement journal, which copied each page the statement changed
		// first: nearly a third of the insert's cost.
		return q.insertNewLinksSQLite(ctx, `INSERT OR IGNORE INTO `+columns, args, links, idx, out, now)
	}
	insert := `INSERT INTO ` + columns + ` ON CONFLICT DO NOTHING`
	rows, err := q.raw.QueryContext(ctx, insert+` RETURNING `+linkColumns, args...)
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	return collectInserted(rows, links, idx, out)
}

// insertNewLinksSQLite is insertNewLinks on SQLite, whose RETURNING clause
// cost as much as the insert itself. Ids come from AUTOINCREMENT instead:
// every id given out is larger than any before it, and the statement runs
// under the database's one write lock, so the rows it inserted are those
// with an id past the table's largest one before it. When it inserted
// every row, they hold the ids up to the last one, in order; when some
// conflicted, the rows inserted are read back.
func (q *queries) insertNewLinksSQLite(ctx context.Context, insert string, args []any, links []tandem.Link, idx []int, out []tandem.Link, now int64) ([]int, error) {
	var before int64
	err := q.raw.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'tandem_links'`).Scan(&before)
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	res, err := q.raw.ExecContext(ctx, insert, args...)
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	inserted, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	last, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	if int(inserted) == len(idx) && last-before == inserted {
		for k, i := range idx {
			l := links[i]
			l.ID = before + 1 + int64(k)
			l.CreatedAt, l.UpdatedAt = fromMicros(now), fromMicros(now)
			out[i] = l
		}
		return nil, nil
	}
	rows, err := q.raw.QueryContext(ctx, `SELECT `+linkColumns+` FROM tandem_links WHERE id > $1`, before)
	if err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	return collectInserted(rows, links, idx, out)
}

// collectInserted sets in out the links at idx that rows, the links just
// inserted, hold, and returns the indexes of the others.
func collectInserted(rows *sql.Rows, links []tandem.Link, idx []int, out []tandem.Link) ([]int, error) {
	defer rows.Close()
	stored := make(map[string]tandem.Link, len(idx))
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, fmt.Errorf("insert links: %w", err)
		}
		stored[l.IntercomID] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert links: %w", err)
	}
	var left []int
	for _, i := range idx {
		if l, ok := stored[links[i].IntercomID]; ok {
			out[i] = l
		} else {
			left = append(left, i)
		}
	}
	return left, nil
}

// relinkGroup stores the links at idx as upsertLinkGroup does, for links
// that conflict with stored ones: it deletes the links holding one of
// their ids but not their pair, then inserts them all, updating the pairs
// already linked.
func (q *queries) relinkGroup(ctx context.Context, links []tandem.Link, idx []int, out []tandem.Link) error {
	n := len(idx)
	first := links[idx[0]]
	args := make([]any, 0, 2+4*n)
	args = append(args, first.InstallationID, string(first.Object))
	for _, i := range idx {
		args = append(args, links[i].IntercomID)
	}
	for _, i := range idx {
		args = append(args, links[i].SalesforceID)
	}
	for _, i := range idx {
		args = append(args, links[i].IntercomID, links[i].SalesforceID)
	}
	// The candidates are found through each id's index (an OR of the two
	// IN lists would make SQLite scan every link of the object).
	if _, err := q.execRows(n, linkChunk).ExecContext(ctx, `DELETE FROM tandem_links
		WHERE id IN (
			SELECT id FROM tandem_links WHERE installation_id = $1 AND object = $2 AND intercom_id IN (`+q.placeholders(3, n)+`)
			UNION ALL
			SELECT id FROM tandem_links WHERE installation_id = $1 AND object = $2 AND salesforce_id IN (`+q.placeholders(3+n, n)+`))
		  AND (intercom_id, salesforce_id) NOT IN (VALUES `+q.values(3+2*n, n, 2)+`)`, args...); err != nil {
		return fmt.Errorf("re-link: %w", err)
	}

	const cols = 9
	now := q.nowMicros()
	args = make([]any, 0, n*cols)
	for _, i := range idx {
		l := links[i]
		args = append(args, l.InstallationID, string(l.Object), l.IntercomID, l.SalesforceID, l.MatchedBy, l.MatchKey, l.Note, now, now)
	}
	rows, err := q.raw.QueryContext(ctx, `INSERT INTO tandem_links
		(installation_id, object, intercom_id, salesforce_id, matched_by, match_key, note, created_at, updated_at)
		VALUES `+q.values(1, n, cols)+`
		ON CONFLICT (installation_id, object, intercom_id) DO UPDATE SET
			matched_by = excluded.matched_by,
			match_key = excluded.match_key,
			note = excluded.note,
			updated_at = excluded.updated_at
		RETURNING `+linkColumns, args...)
	if err != nil {
		return fmt.Errorf("upsert links: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]tandem.Link, n)
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return fmt.Errorf("upsert links: %w", err)
		}
		stored[l.IntercomID] = l
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("upsert links: %w", err)
	}
	for _, i := range idx {
		l, ok := stored[links[i].IntercomID]
		if !ok {
			return fmt.Errorf("upsert links: no row returned for Intercom id %s", links[i].IntercomID)
		}
		out[i] = l
	}
	return nil
}

func validLink(l tandem.Link) error {
	switch {
	case l.InstallationID == "":
		return tandem.Errorf(tandem.EINVALID, "link: installation is required")
	case !l.Object.Valid():
		return tandem.Errorf(tandem.EINVALID, "link: unknown object %q", l.Object)
	case l.IntercomID == "" || l.SalesforceID == "":
		return tandem.Errorf(tandem.EINVALID, "link: both the Intercom and the Salesforce id are required")
	}
	return nil
}

// upsertLink is UpsertLink's two statements; q must be a transaction.
func (q *queries) upsertLink(ctx context.Context, l tandem.Link) (tandem.Link, error) {
	if err := q.lockLinkKeys(ctx, l); err != nil {
		return tandem.Link{}, err
	}
	// Drop links that hold one of the two ids but not the pair.
	if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_links
		WHERE installation_id = $1 AND object = $2
		  AND (intercom_id = $3 OR salesforce_id = $4)
		  AND NOT (intercom_id = $3 AND salesforce_id = $4)`,
		l.InstallationID, string(l.Object), l.IntercomID, l.SalesforceID); err != nil {
		return tandem.Link{}, fmt.Errorf("re-link: %w", err)
	}
	now := q.nowMicros()
	row := q.x.QueryRowContext(ctx, `INSERT INTO tandem_links
		(installation_id, object, intercom_id, salesforce_id, matched_by, match_key, note, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		ON CONFLICT (installation_id, object, intercom_id) DO UPDATE SET
			matched_by = excluded.matched_by,
			match_key = excluded.match_key,
			note = excluded.note,
			updated_at = excluded.updated_at
		RETURNING `+linkColumns,
		l.InstallationID, string(l.Object), l.IntercomID, l.SalesforceID, l.MatchedBy, l.MatchKey, l.Note, now)
	out, err := scanLink(row)
	if err != nil {
		return tandem.Link{}, fmt.Errorf("upsert link: %w", err)
	}
	return out, nil
}

// lockLinkKeys serialises, on Postgres, the transactions that link either
// id of l until they end. Without it two transactions linking the same new
// pair at once (a webhook and a poll, on two replicas or one) both find no
// row to replace, and the later insert fails on the Salesforce id's unique
// index, which its ON CONFLICT clause does not cover. Under the locks the
// later one waits, then sees the committed link and updates it. SQLite
// has one writer at a time already.
func (q *queries) lockLinkKeys(ctx context.Context, l tandem.Link) error {
	if q.sqlite {
		return nil
	}
	key := func(side, id string) int64 {
		h := fnv.New64a()
		fmt.Fprintf(h, "tandem_links\x00%s\x00%s\x00%s\x00%s", l.InstallationID, l.Object, side, id)
		return int64(h.Sum64())
	}
	keys := []int64{key("intercom", l.IntercomID), key("salesforce", l.SalesforceID)}
	slices.Sort(keys) // one order everywhere, so two lockers never deadlock
	for _, k := range slices.Compact(keys) {
		if _, err := q.x.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, k); err != nil {
			return fmt.Errorf("lock link: %w", err)
		}
	}
	return nil
}

func (q *queries) linkWhere(ctx context.Context, what, where string, args ...any) (tandem.Link, error) {
	l, err := scanLink(q.x.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM tandem_links WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.Link{}, notFound("no link for %s", what)
	} else if err != nil {
		return tandem.Link{}, fmt.Errorf("load link for %s: %w", what, err)
	}
	return l, nil
}

// LinkByIntercomID returns the link of an Intercom record.
func (q *queries) LinkByIntercomID(ctx context.Context, inst string, obj tandem.Object, id string) (tandem.Link, error) {
	return q.linkWhere(ctx, fmt.Sprintf("Intercom %s %s", obj.IntercomKind(), id),
		`installation_id = $1 AND object = $2 AND intercom_id = $3`, inst, string(obj), id)
}

// LinkBySalesforceID returns the link of a Salesforce record.
func (q *queries) LinkBySalesforceID(ctx context.Context, inst string, obj tandem.Object, id string) (tandem.Link, error) {
	return q.linkWhere(ctx, fmt.Sprintf("Salesforce %s %s", obj.SObject(), id),
		`installation_id = $1 AND object = $2 AND salesforce_id = $3`, inst, string(obj), id)
}

// LinkByID returns a link by its id.
func (q *queries) LinkByID(ctx context.Context, id int64) (tandem.Link, error) {
	return q.linkWhere(ctx, fmt.Sprintf("id %d", id), `id = $1`, id)
}

// DeleteLink deletes a link and its shadow values.
func (q *queries) DeleteLink(ctx context.Context, id int64) error {
	res, err := q.x.ExecContext(ctx, `DELETE FROM tandem_links WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete link %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete link %d: %w", id, err)
	} else if n == 0 {
		return notFound("no link for id %d", id)
	}
	return nil
}

// ListLinks returns a page of links ordered by id.
func (q *queries) ListLinks(ctx context.Context, p ListLinksParams) ([]tandem.Link, error) {
	rows, err := q.x.QueryContext(ctx, `SELECT `+linkColumns+` FROM tandem_links
		WHERE installation_id = $1 AND (CAST($2 AS TEXT) = '' OR object = $2) AND id > $3
		ORDER BY id LIMIT $4`,
		p.Installation, string(p.Object), p.AfterID, limit(p.Limit))
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	defer rows.Close()
	links := []tandem.Link{}
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, fmt.Errorf("list links: %w", err)
		}
		links = append(links, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	return links, nil
}

// CountLinks counts the links of an installation; an empty obj counts
// every object.
func (q *queries) CountLinks(ctx context.Context, inst string, obj tandem.Object) (int, error) {
	var n int
	err := q.x.QueryRowContext(ctx, `SELECT count(*) FROM tandem_links
		WHERE installation_id = $1 AND (CAST($2 AS TEXT) = '' OR object = $2)`, inst, string(obj)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count links: %w", err)
	}
	return n, nil
}
