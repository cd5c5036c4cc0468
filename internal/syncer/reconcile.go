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
	wmStr, _, err := s.store.GetState(ctx, s.cfg.Installation, reconcileKey)
	if err != nil {
		return 0, err
	}
	wm, _ := strconv.ParseInt(wmStr, 10, 64)
	since := wm - 86400
	if wm == 0 {
		since = s.now().Add(-24 * time.Hour).Unix()
	}
	search := &intercom.SearchRequest{
		Query:      intercom.Where("updated_at", intercom.OpGreaterThan, since),
		Pagination: &intercom.Pagination{PerPage: 150},
		Sort:       &intercom.Sort{Field: "updated_at", Order: intercom.SortAscending},
	}
	found, maxSeen := 0, wm
	for {
		page, resp, err := s.ic.Contacts.SearchRaw(ctx, search)
		if err != nil {
			return found, err
		}
		var ids []string
		stamps := map[string]int64{}
		for _, c := range page {
			id := str(c["id"])
			upd, _ := c["updated_at"].(float64)
			if s.reconciled.at(id) >= int64(upd) {
				continue
			}
			ids = append(ids, id)
			stamps[id] = int64(upd)
		}
		if len(ids) > 0 {
			if err := enqueue(ctx, ids); err != nil {
				return found, err // nothing marked: the next reconciliation tries again
			}
			for id, upd := range stamps {
				s.reconciled.mark(id, upd)
				maxSeen = max(maxSeen, upd)
			}
			found += len(ids)
		}
		if resp.NextCursor == "" {
			break
		}
		search.Pagination.StartingAfter = resp.NextCursor
	}
	if maxSeen > wm {
		if err := s.store.SetState(ctx, s.cfg.Installation, reconcileKey, strconv.FormatInt(maxSeen, 10)); err != nil {
			return found, err
		}
	}
	s.reconciled.prune(since - 86400)
	// Webhook ids are kept a week for de-duplication (Intercom redelivers
	// within hours at most).
	if _, err := s.store.PruneDeliveries(ctx, s.now().Add(-7*24*time.Hour)); err != nil {
		return found, err
	}
	return found, nil
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
