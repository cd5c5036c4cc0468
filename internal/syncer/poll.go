package syncer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// PollResult reports one poll of one object.
type PollResult struct {
	Object    tandem.Object
	Seen      int       // records returned by the query
	Handled   int       // records compared (not skipped as already handled)
	Watermark time.Time // SystemModstamp reached
}

func watermarkKey(obj tandem.Object) string { return "poll_watermark:" + obj.SObject() }

// Poll reads the Salesforce records of obj modified since the watermark
// (minus the overlap window), in SystemModstamp order, and brings their
// Intercom side up to date. Records already handled at the same
// SystemModstamp are skipped. The watermark only advances past records that
// were handled, so a failure part-way resumes where it stopped.
func (s *Syncer) Poll(ctx context.Context, obj tandem.Object) (PollResult, error) {
	res := PollResult{Object: obj}
	wm, err := s.watermark(ctx, obj)
	if err != nil {
		return res, err
	}
	res.Watermark = wm
	where := ""
	if !wm.IsZero() {
		where = " WHERE SystemModstamp >= " + salesforce.FormatDateTime(wm.Add(-s.cfg.PollOverlap))
	}
	soql := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY SystemModstamp ASC, Id ASC",
		strings.Join(s.sfFields(ctx, obj), ", "), obj.SObject(), where)
	handledSince := 0
	err = s.sfQuery(ctx, soql, func(rec salesforce.Record) error {
		res.Seen++
		stamp, _ := rec.Time("SystemModstamp")
		if s.seen.handled(rec.ID(), rec.String("SystemModstamp")) {
			return nil
		}
		res.Handled++
		if err := s.SyncSalesforceRecord(ctx, obj, rec, tandem.CausePoll); err != nil && !IsPermanent(err) {
			if Transient(err) {
				return err // the next poll resumes here
			}
			// A permanent answer (say, a 4xx to a read) must not hold up
			// every record after this one: record it and go on.
			l := tandem.Link{Object: obj, SalesforceID: rec.ID()}
			if _, rerr := s.RecordFailure(ctx, l, tandem.OpSyncFromSalesforce, SystemOf(err), "", nil, err); rerr != nil {
				return rerr
			}
		} else if err := s.ResolveRecord(ctx, obj, "", rec.ID(), tandem.OpSyncFromSalesforce); err != nil {
			return err
		}
		s.seen.mark(rec.ID(), rec.String("SystemModstamp"))
		if stamp.After(res.Watermark) {
			res.Watermark = stamp
		}
		if handledSince++; handledSince >= 200 {
			handledSince = 0
			return s.setWatermark(ctx, obj, res.Watermark)
		}
		return nil
	})
	if !res.Watermark.Equal(wm) {
		if werr := s.setWatermark(ctx, obj, res.Watermark); werr != nil && err == nil {
			err = werr
		}
	}
	s.seen.prune(res.Watermark.Add(-2 * s.cfg.PollOverlap))
	return res, err
}

// SyncSalesforceRecord brings the Intercom side of one Salesforce record up
// to date, linking it first when it is not linked yet.
func (s *Syncer) SyncSalesforceRecord(ctx context.Context, obj tandem.Object, rec salesforce.Record, cause tandem.Cause) error {
	defer s.locks.Lock("sf:" + rec.ID())()
	if obj == tandem.ObjectLead && rec.Bool("IsConverted") {
		// The move and the alignment that follows hold the Intercom
		// person's lock too, as every other path to the pair does: an
		// Intercom edit synced meanwhile would otherwise race them, and
		// the older value could land last.
		if l, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, tandem.ObjectLead, rec.ID()); err == nil {
			defer s.locks.Lock("ic:" + l.IntercomID)()
		} else if !store.IsNotFound(err) {
			return err
		}
		return s.leadConverted(ctx, rec, cause)
	}
	l, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, obj, rec.ID())
	if store.IsNotFound(err) {
		l, icObj, found, err := s.linkFromSalesforce(ctx, obj, rec)
		if err != nil || !found {
			return err
		}
		// An Intercom webhook for the same pair may be aligning it right now
		// (it holds the Intercom record's lock): wait for it, so that one of
		// the two writes and the other finds the shadows.
		defer s.locks.Lock("ic:" + l.IntercomID)()
		if err := s.pushToIntercom(ctx, l, rec, icObj, cause); err != nil {
			return err
		}
		return s.pushToSalesforce(ctx, l, icObj, rec, cause)
	} else if err != nil {
		return err
	}
	defer s.locks.Lock("ic:" + l.IntercomID)()
	if err := s.pushToIntercom(ctx, l, rec, nil, cause); err != nil {
		return err
	}
	// A link whose first alignment was cut short is aligned towards
	// Salesforce too.
	if first, err := s.neverAligned(ctx, l, tandem.ToSalesforce); err != nil || !first {
		return err
	}
	icObj, err := s.icGet(ctx, l.Object, l.IntercomID)
	if err != nil {
		return s.intercomGone(ctx, l, err)
	}
	return s.pushToSalesforce(ctx, l, icObj, rec, cause)
}

func (s *Syncer) watermark(ctx context.Context, obj tandem.Object) (time.Time, error) {
	v, ok, err := s.store.GetState(ctx, s.cfg.Installation, watermarkKey(obj))
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("watermark of %s: %w", obj.SObject(), err)
	}
	return t, nil
}

func (s *Syncer) setWatermark(ctx context.Context, obj tandem.Object, t time.Time) error {
	return s.store.SetState(ctx, s.cfg.Installation, watermarkKey(obj), t.UTC().Format(time.RFC3339Nano))
}

// stampMemory is the poll's de-duplication: the SystemModstamp at which
// each record was handled, so that the overlap window does not sync a row
// twice.
type stampMemory struct {
	mu sync.Mutex
	m  map[string]string // sobject id → SystemModstamp handled
}

// handled reports whether record id was handled at stamp.
func (h *stampMemory) handled(id, stamp string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[id] == stamp
}

func (h *stampMemory) mark(id, stamp string) {
	h.mu.Lock()
	h.m[id] = stamp
	h.mu.Unlock()
}

// prune forgets entries older than before: the overlap window no longer
// reaches them.
func (h *stampMemory) prune(before time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, stamp := range h.m {
		if t, err := salesforce.ParseDateTime(stamp); err == nil && t.Before(before) {
			delete(h.m, id)
		}
	}
}

// SyncSalesforceID reads one Salesforce record and syncs it like a poll
// would.
func (s *Syncer) SyncSalesforceID(ctx context.Context, obj tandem.Object, id string, cause tandem.Cause) error {
	rec, err := s.sfGet(ctx, obj, id)
	if isSalesforceGone(err) {
		l, lerr := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, obj, id)
		if lerr != nil {
			return nil
		}
		return s.dropLink(ctx, l, "Salesforce record deleted")
	} else if err != nil {
		return err
	}
	return s.SyncSalesforceRecord(ctx, obj, rec, cause)
}
