package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem"
)

// IntentState is where an intent stands.
type IntentState string

// Intent states. A new intent is pending; it ends done (the remote record
// exists, RemoteID says which) or failed; RetryIntent makes a failed, done
// or abandoned one pending again for another attempt.
const (
	IntentPending IntentState = "pending"
	IntentDone    IntentState = "done"
	IntentFailed  IntentState = "failed"
)

// Intent records an effect on a remote system that must happen once, such
// as creating a Salesforce Lead for an Intercom contact: it is claimed
// before the remote call and completed with the remote record's id, so a
// retry, a crash or another replica finds the effect instead of repeating
// it. (installation, kind, key) names the effect, e.g. kind "lead" with the
// Intercom contact id, kind "case" with the conversation id.
type Intent struct {
	ID             int64
	InstallationID string
	Kind           string
	Key            string
	State          IntentState
	// RemoteID is the id of the remote record once known.
	RemoteID string
	// Attempts counts the claims: 1 when created, plus one per RetryIntent.
	Attempts int
	// Note is free text: a small payload given at the claim, or why the
	// last attempt failed.
	Note string
	// Holder is the process that claimed or last retried the intent (see
	// DB.SetProcess); empty when it did not name itself.
	Holder    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ClaimIntentParams names the intent to claim.
type ClaimIntentParams struct {
	Installation string
	Kind         string
	Key          string
	Note         string // stored only when the intent is created
}

// ListIntentsParams selects a page of intents, ordered by id.
type ListIntentsParams struct {
	Installation string
	Kind         string      // empty means every kind
	State        IntentState // empty means every state
	AfterID      int64       // only intents with a larger id
	Limit        int         // DefaultLimit when not positive
}

const intentColumns = `id, installation_id, kind, key, state, remote_id, attempts, note, holder, created_at, updated_at`

func scanIntent(row scanner) (Intent, error) {
	var (
		in                   Intent
		state                string
		createdAt, updatedAt int64
	)
	if err := row.Scan(&in.ID, &in.InstallationID, &in.Kind, &in.Key, &state, &in.RemoteID,
		&in.Attempts, &in.Note, &in.Holder, &createdAt, &updatedAt); err != nil {
		return Intent{}, err
	}
	in.State = IntentState(state)
	in.CreatedAt, in.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	return in, nil
}

// ClaimIntent creates the pending intent (installation, kind, key) unless it
// exists. It returns the intent now stored and whether this call created
// it: of several concurrent callers exactly one gets created == true, and
// all get the same intent. An existing intent is returned as it is, in any
// state; see RetryIntent to take it over.
func (q *queries) ClaimIntent(ctx context.Context, p ClaimIntentParams) (Intent, bool, error) {
	if p.Installation == "" || p.Kind == "" || p.Key == "" {
		return Intent{}, false, tandem.Errorf(tandem.EINVALID, "intent: installation, kind and key are required")
	}
	now := q.nowMicros()
	in, err := scanIntent(q.x.QueryRowContext(ctx, `INSERT INTO tandem_intents
		(installation_id, kind, key, state, note, holder, created_at, updated_at)
		VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6)
		ON CONFLICT (installation_id, kind, key) DO NOTHING
		RETURNING `+intentColumns, p.Installation, p.Kind, p.Key, p.Note, q.process, now))
	if err == nil {
		return in, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Intent{}, false, fmt.Errorf("claim intent %s %s: %w", p.Kind, p.Key, err)
	}
	in, err = q.GetIntent(ctx, p.Installation, p.Kind, p.Key)
	if IsNotFound(err) {
		// Deleted between the two statements: report it rather than guess.
		return Intent{}, false, tandem.Errorf(tandem.ECONFLICT, "intent %s %s vanished while being claimed", p.Kind, p.Key)
	}
	return in, false, err
}

// RetryIntent takes an existing intent over for a new attempt: it becomes
// pending again with one more attempt, keeping its remote id and note, and
// this process holds it. It succeeds (true) when the intent is done or
// failed, or pending but abandoned: not updated for staleAfter (its holder
// is presumed dead), or held by a process known to have died
// (IntentAbandoned); otherwise it changes nothing and returns false with
// the intent as it is. Of several concurrent callers at most one succeeds.
func (q *queries) RetryIntent(ctx context.Context, id int64, staleAfter time.Duration) (Intent, bool, error) {
	now := q.now()
	dead := "" // the dead holder whose pending intent may be taken over
	if q.processGone != nil {
		in, err := q.intentByID(ctx, id)
		if err != nil && !IsNotFound(err) {
			return Intent{}, false, err
		}
		if err == nil && in.State == IntentPending && q.holderGone(in.Holder) {
			dead = in.Holder
		}
	}
	in, err := scanIntent(q.x.QueryRowContext(ctx, `UPDATE tandem_intents
		SET state = 'pending', attempts = attempts + 1, updated_at = $2, holder = $5
		WHERE id = $1 AND (state <> 'pending' OR updated_at < $3 OR holder = $4 AND holder <> '')
		RETURNING `+intentColumns, id, micros(now), micros(now.Add(-staleAfter)), dead, q.process))
	if err == nil {
		return in, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Intent{}, false, fmt.Errorf("retry intent %d: %w", id, err)
	}
	in, err = q.intentByID(ctx, id)
	return in, false, err
}

// IntentAbandoned reports whether a pending intent's holder is a process
// known to have died (a process of this host that no longer runs), so
// that another attempt need not wait for the intent to go stale.
func (q *queries) IntentAbandoned(in Intent) bool {
	return in.State == IntentPending && q.holderGone(in.Holder)
}

func (q *queries) holderGone(holder string) bool {
	return holder != "" && holder != q.process && q.processGone != nil && q.processGone(holder)
}

// CompleteIntent records that the effect happened: the intent is done and
// remoteID names the remote record. It may follow any state (a failed
// attempt may turn out to have worked after all).
func (q *queries) CompleteIntent(ctx context.Context, id int64, remoteID string) (Intent, error) {
	return q.updateIntent(ctx, id, "complete", `UPDATE tandem_intents
		SET state = 'done', remote_id = $2, updated_at = $3
		WHERE id = $1 RETURNING `+intentColumns, id, remoteID, q.nowMicros())
}

// FailIntent records that a pending attempt ended without the effect, with
// a note saying why; a retry may take the intent over at once. An intent
// that is not pending (done, or already failed) is returned unchanged, so
// a deferred FailIntent after CompleteIntent is harmless.
func (q *queries) FailIntent(ctx context.Context, id int64, note string) (Intent, error) {
	in, err := scanIntent(q.x.QueryRowContext(ctx, `UPDATE tandem_intents
		SET state = 'failed', note = $2, updated_at = $3
		WHERE id = $1 AND state = 'pending' RETURNING `+intentColumns, id, note, q.nowMicros()))
	if errors.Is(err, sql.ErrNoRows) {
		return q.intentByID(ctx, id)
	} else if err != nil {
		return Intent{}, fmt.Errorf("fail intent %d: %w", id, err)
	}
	return in, nil
}

func (q *queries) updateIntent(ctx context.Context, id int64, what, query string, args ...any) (Intent, error) {
	in, err := scanIntent(q.x.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Intent{}, notFound("no intent with id %d", id)
	} else if err != nil {
		return Intent{}, fmt.Errorf("%s intent %d: %w", what, id, err)
	}
	return in, nil
}

// GetIntent returns the intent (installation, kind, key); ENOTFOUND when
// none was claimed.
func (q *queries) GetIntent(ctx context.Context, inst, kind, key string) (Intent, error) {
	in, err := scanIntent(q.x.QueryRowContext(ctx, `SELECT `+intentColumns+` FROM tandem_intents
		WHERE installation_id = $1 AND kind = $2 AND key = $3`, inst, kind, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Intent{}, notFound("no %s intent for %s", kind, key)
	} else if err != nil {
		return Intent{}, fmt.Errorf("load intent %s %s: %w", kind, key, err)
	}
	return in, nil
}

// HasIntentWithPrefix reports whether an intent of kind has a key that
// starts with prefix (any state): a Task of a conversation, say, whose
// intents are keyed "conv:<conversation>:<person>".
func (q *queries) HasIntentWithPrefix(ctx context.Context, inst, kind, prefix string) (bool, error) {
	var n int
	err := q.x.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM tandem_intents
		WHERE installation_id = $1 AND kind = $2 AND key >= $3 AND key < $4 LIMIT 1) AS i`,
		inst, kind, prefix, prefix+"\U0010FFFF").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for %s intents %s…: %w", kind, prefix, err)
	}
	return n > 0, nil
}

// IntentsWithPrefix returns up to limit intents of a kind whose key
// starts with prefix, ordered by id.
func (q *queries) IntentsWithPrefix(ctx context.Context, inst, kind, prefix string, limit int) ([]Intent, error) {
	return collect(ctx, q.x, "list intents", scanIntent, `SELECT `+intentColumns+` FROM tandem_intents
		WHERE installation_id = $1 AND kind = $2 AND key >= $3 AND key < $4 ORDER BY id LIMIT $5`,
		inst, kind, prefix, prefix+"\U0010FFFF", limit)
}

func (q *queries) intentByID(ctx context.Context, id int64) (Intent, error) {
	in, err := scanIntent(q.x.QueryRowContext(ctx, `SELECT `+intentColumns+` FROM tandem_intents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Intent{}, notFound("no intent with id %d", id)
	} else if err != nil {
		return Intent{}, fmt.Errorf("load intent %d: %w", id, err)
	}
	return in, nil
}

// ListIntents returns a page of intents ordered by id.
func (q *queries) ListIntents(ctx context.Context, p ListIntentsParams) ([]Intent, error) {
	return collect(ctx, q.x, "list intents", scanIntent, `SELECT `+intentColumns+` FROM tandem_intents
		WHERE installation_id = $1 AND (CAST($2 AS TEXT) = '' OR kind = $2)
		  AND (CAST($3 AS TEXT) = '' OR state = $3) AND id > $4
		ORDER BY id LIMIT $5`,
		p.Installation, p.Kind, string(p.State), p.AfterID, limit(p.Limit))
}

// DeleteIntent forgets an intent; deleting a missing one is not an error.
func (q *queries) DeleteIntent(ctx context.Context, id int64) error {
	if _, err := q.x.ExecContext(ctx, `DELETE FROM tandem_intents WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete intent %d: %w", id, err)
	}
	return nil
}
