package usecase

import (
	"context"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// ListAuditParams select a page of audit entries, newest first; empty
// filters match anything.
type ListAuditParams struct {
	Object    tandem.Object
	Direction tandem.Direction
	Cause     tandem.Cause
	Field     string
	Record    string // an Intercom or Salesforce id
	AfterID   int64  // continue after this entry (the previous page's NextAfter)
	Limit     int    // store.DefaultLimit when not positive; at most store.MaxLimit
}

// AuditPage is a page of audit entries.
type AuditPage struct {
	Entries []tandem.AuditEntry
	// NextAfter is the AfterID of the next page; zero when there is none.
	NextAfter int64
}

// ListAudit returns a page of the audit log: every field write tandem
// made, with its values before and after and its cause.
func (s *Service) ListAudit(ctx context.Context, p ListAuditParams) (AuditPage, error) {
	if p.Direction != "" && !p.Direction.Valid() {
		return AuditPage{}, tandem.Errorf(tandem.EINVALID, "direction must be to_salesforce or to_intercom, not %q.", p.Direction)
	}
	limit, err := page(p.Limit)
	if err != nil {
		return AuditPage{}, err
	}
	es, err := s.cfg.Store.FilterAudit(ctx, store.AuditFilter{Installation: s.cfg.Installation, Object: p.Object,
		Direction: p.Direction, Cause: p.Cause, Field: p.Field, Record: p.Record, AfterID: p.AfterID, Limit: limit})
	if err != nil {
		return AuditPage{}, err
	}
	out := AuditPage{Entries: es}
	if len(es) == limit {
		out.NextAfter = es[len(es)-1].ID
	}
	return out, nil
}
