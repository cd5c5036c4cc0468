package syncer

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/tandemhq/tandem/intercom"
)

const reconcileKey = "reconcile_watermark"

// Reconcile catches Intercom changes whose webhook never arrived: it
// searches contacts by updated_at since the last reconciliation and calls
// enqueue with the ids of those it has not seen at that updated_at yet (the
// caller enqueues the same job a webhook would). Intercom compares dates by
// calendar day, so the search reaches a day before the watermark; the
// de-duplication keeps that overlap from costing Salesforce calls.
func (s *Syncer) Reconcile(ctx context.Context, enqueue func(ctx context.Context, ids []string) error) (int, error) {
	return s.reconciler.reconcile(ctx, enqueue)
}

// reconciler is the reconciliation search. It needs the engine's shared
// dependencies and its memory of the contacts it handled.
type reconciler struct {
	*engine
	handled updateMemory
}

// reconcile is Reconcile: work out the window, page through the search
// enqueueing what was not handled yet, then move the watermark and prune.
func (r *reconciler) reconcile(ctx context.Context, enqueue func(ctx context.Context, ids []string) error) (int, error) {
	wm, since, err := r.window(ctx)
	if err != nil {
		return 0, err
	}
	search := &intercom.SearchRequest{
		Query:      intercom.Where("updated_at", intercom.OpGreaterThan, since),
		Pagination: &intercom.Pagination{PerPage: 150},
		Sort:       &intercom.Sort{Field: "updated_at", Order: intercom.SortAscending},
	}
	found, maxSeen := 0, wm
	for {
		page, resp, err := r.ic.Contacts.SearchRaw(ctx, search)
		if err != nil {
			return found, err
		}
		n, top, err := r.enqueuePage(ctx, page, enqueue)
		if err != nil {
			return found, err
		}
		found, maxSeen = found+n, max(maxSeen, top)
		if resp.NextCursor == "" {
			break
		}
		search.Pagination.StartingAfter = resp.NextCursor
	}
	return found, r.finish(ctx, wm, maxSeen, since)
}

// window returns the watermark (the latest updated_at reconciled, 0 the
// first time) and the updated_at to search after: a day before the
// watermark, or a day ago the first time.
func (r *reconciler) window(ctx context.Context) (wm, since int64, err error) {
	wmStr, _, err := r.store.GetState(ctx, r.cfg.Installation, reconcileKey)
	if err != nil {
		return 0, 0, err
	}
	wm, _ = strconv.ParseInt(wmStr, 10, 64)
	since = wm - 86400
	if wm == 0 {
		since = r.now().Add(-24 * time.Hour).Unix()
	}
	return wm, since, nil
}

// enqueuePage enqueues the contacts of one page not handled yet at their
// updated_at, and only once enqueue succeeded marks them handled. It
// returns how many it enqueued and the latest updated_at among them.
func (r *reconciler) enqueuePage(ctx context.Context, page []map[string]any, enqueue func(ctx context.Context, ids []string) error) (n int, top int64, err error) {
	var ids []string
	stamps := map[string]int64{}
	for _, c := range page {
		id := str(c["id"])
		upd, _ := c["updated_at"].(float64)
		if r.handled.at(id) >= int64(upd) {
			continue
		}
		ids = append(ids, id)
		stamps[id] = int64(upd)
	}
	if len(ids) == 0 {
		return 0, 0, nil
	}
	if err := enqueue(ctx, ids); err != nil {
		return 0, 0, err // nothing marked: the next reconciliation tries again
	}
	for id, upd := range stamps {
		r.handled.mark(id, upd)
		top = max(top, upd)
	}
	return len(ids), top, nil
}

// finish moves the watermark to the latest updated_at enqueued and forgets
// what the next search no longer reaches.
func (r *reconciler) finish(ctx context.Context, wm, maxSeen, since int64) error {
	if maxSeen > wm {
		if err := r.store.SetState(ctx, r.cfg.Installation, reconcileKey, strconv.FormatInt(maxSeen, 10)); err != nil {
			return err
		}
	}
	r.handled.prune(since - 86400)
	// Webhook ids are kept a week for de-duplication (Intercom redelivers
	// within hours at most).
	_, err := r.store.PruneDeliveries(ctx, r.now().Add(-7*24*time.Hour))
	return err
}

// updateMemory is the reconciliation's de-duplication: the updated_at at
// which each Intercom contact was handled.
type updateMemory struct {
	mu sync.Mutex
	m  map[string]int64 // Intercom id → updated_at handled
}

// at returns the updated_at at which contact id was handled, 0 if never.
func (h *updateMemory) at(id string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[id]
}

func (h *updateMemory) mark(id string, at int64) {
	h.mu.Lock()
	h.m[id] = at
	h.mu.Unlock()
}

// prune forgets contacts handled at an updated_at before before.
func (h *updateMemory) prune(before int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, at := range h.m {
		if at < before {
			delete(h.m, id)
		}
	}
}
