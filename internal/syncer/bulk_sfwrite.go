package syncer

import (
	"context"
	"maps"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// The Salesforce collection writer of a bulk sync: pairs whose
// Salesforce side changes wait in a batch that is written in sObject
// Collections of 200.

// pendingSF is a pair waiting for its Salesforce write in a collection.
type pendingSF struct {
	stamp   string // the Intercom version the write comes from
	link    tandem.Link
	fields  map[string]any
	changes []change
	shadows map[string]string
}

// flushSF writes the pending Salesforce changes in one collection call.
func (b *bulkRun) flushSF(ctx context.Context, obj tandem.Object) error {
	if len(b.batch) == 0 {
		return nil
	}
	if err := b.waitBudget(ctx); err != nil {
		return err
	}
	pending := b.batch
	b.batch = nil
	if b.dry {
		b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
		return nil
	}
	// Event sync may be writing the same records right now: hold their
	// locks, and drop the pairs it has already synced from a newer version.
	keys := make([]string, 0, len(pending))
	for _, p := range pending {
		keys = append(keys, "ic:"+p.link.IntercomID)
	}
	defer b.s.locks.LockAll(keys)()
	pending, err := b.dropSuperseded(ctx, pending)
	if err != nil {
		return err
	}
	for attempt := 0; len(pending) > 0; attempt++ {
		if pending, err = b.writeCollection(ctx, obj, pending, attempt); err != nil {
			return err
		}
		if len(pending) > 0 {
			if err := sleepCtx(ctx, time.Duration(1<<attempt)*250*time.Millisecond); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCollection writes pending in one collection call (try number
// attempt, from 0) and records each pair's outcome; it returns the pairs
// to try again.
func (b *bulkRun) writeCollection(ctx context.Context, obj tandem.Object, pending []pendingSF, attempt int) ([]pendingSF, error) {
	results, err := b.s.sf.Collections.Update(ctx, sfRecords(obj, pending), false)
	b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
	if err != nil {
		return nil, err // the whole call failed: the job retries from the checkpoint
	}
	var (
		again []pendingSF
		done  []written
	)
	for i, p := range pending {
		if i >= len(results) {
			again = append(again, p)
			continue
		}
		r := results[i]
		switch rerr := r.Err(); {
		case r.Success:
			done = append(done, written{link: p.link, changes: p.changes, shadows: p.shadows})
		case Transient(rerr):
			if attempt >= 4 {
				// Still failing: stop here (once the successes are
				// recorded); the resumed run redoes this page.
				if err := b.s.commitMany(ctx, tandem.ToSalesforce, tandem.OpUpdateSalesforce, done, tandem.CauseBulk); err != nil {
					return nil, err
				}
				return nil, rerr
			}
			again = append(again, p)
		case isSalesforceGone(rerr):
			if err := b.s.dropLink(ctx, p.link, "Salesforce record deleted"); err != nil {
				return nil, err
			}
		default:
			b.count(func(r *store.BulkSync) { r.Failed++ })
			if _, err := b.s.RecordFailure(ctx, p.link, tandem.OpUpdateSalesforce, tandem.SystemSalesforce, changedFields(p.changes), p.fields, rerr); err != nil {
				return nil, err
			}
		}
	}
	// The successful writes of the call are recorded together.
	if err := b.s.commitMany(ctx, tandem.ToSalesforce, tandem.OpUpdateSalesforce, done, tandem.CauseBulk); err != nil {
		return nil, err
	}
	return again, nil
}

// sfRecords are the records of a collection update of pending.
func sfRecords(obj tandem.Object, pending []pendingSF) []salesforce.Record {
	recs := make([]salesforce.Record, len(pending))
	for i, p := range pending {
		f := maps.Clone(p.fields)
		f["Id"] = p.link.SalesforceID
		recs[i] = salesforce.NewRecord(obj.SObject(), f)
	}
	return recs
}

// dropSuperseded removes the pairs whose link has been synced by event sync
// from an Intercom version newer than the bulk snapshot.
func (b *bulkRun) dropSuperseded(ctx context.Context, pending []pendingSF) ([]pendingSF, error) {
	ids := make([]int64, len(pending))
	for i, p := range pending {
		ids[i] = p.link.ID
	}
	seen, err := b.s.store.ShadowOfLinks(ctx, ids, seenIntercomKey)
	if err != nil {
		return nil, err
	}
	out := pending[:0]
	for _, p := range pending {
		if p.stamp != "" && seen[p.link.ID] > p.stamp {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
