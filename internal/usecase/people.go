package usecase

import (
	"context"
	"sort"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

// SearchLinksParams look for linked records.
type SearchLinksParams struct {
	// Query is an email (or the start of one), a match key, an Intercom or
	// Salesforce id, or the start of a synced value such as a name.
	Query   string
	Objects []tandem.Object // empty: every object
	Limit   int             // store.DefaultLimit when not positive; at most store.MaxLimit
}

// SearchLinks returns the links matching a query, newest first.
func (s *Service) SearchLinks(ctx context.Context, p SearchLinksParams) ([]tandem.Link, error) {
	for _, o := range p.Objects {
		if !o.Valid() {
			return nil, tandem.Errorf(tandem.EINVALID, "object must be lead, contact or account, not %q.", o)
		}
	}
	limit, err := page(p.Limit)
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.SearchLinks(ctx, store.SearchLinksParams{Installation: s.cfg.Installation, Objects: p.Objects,
		Query: p.Query, Limit: limit})
}

// SyncedField is the last value tandem synced for one mapped field of a
// link, and the write that put it there (when the audit log still has it).
type SyncedField struct {
	Direction tandem.Direction
	Field     string // Salesforce field (to_salesforce) or Intercom attribute (to_intercom)
	Value     string
	// LastWrite is the latest audit entry of this field; nil when the value
	// was only ever found equal on both sides.
	LastWrite *tandem.AuditEntry
}

// LinkDetail is one link with its synced fields and its latest writes.
type LinkDetail struct {
	Link   tandem.Link
	Fields []SyncedField
	// Writes are the link's latest audit entries, newest first.
	Writes []tandem.AuditEntry
	// OpenErrors are the open sync errors naming either record.
	OpenErrors []tandem.SyncError
}

// LinkDetail returns a link, the last synced value of each of its fields
// with who wrote it and when, and its latest writes. ENOTFOUND for an
// unknown link.
func (s *Service) LinkDetail(ctx context.Context, id int64) (LinkDetail, error) {
	l, err := s.cfg.Store.LinkByID(ctx, id)
	if err != nil {
		return LinkDetail{}, err
	}
	if l.InstallationID != s.cfg.Installation {
		return LinkDetail{}, tandem.Errorf(tandem.ENOTFOUND, "no link %d", id)
	}
	shadows, err := s.cfg.Store.Shadows(ctx, l.ID)
	if err != nil {
		return LinkDetail{}, err
	}
	writes, err := s.cfg.Store.FilterAudit(ctx, store.AuditFilter{Installation: s.cfg.Installation, Record: l.IntercomID,
		Limit: store.MaxLimit})
	if err != nil {
		return LinkDetail{}, err
	}
	latest := map[string]*tandem.AuditEntry{}
	for i := range writes {
		e := &writes[i]
		if e.SalesforceID != l.SalesforceID {
			continue // a write of an earlier link of this Intercom record
		}
		k := string(e.Direction) + "/" + e.Field
		if latest[k] == nil {
			latest[k] = e
		}
	}
	d := LinkDetail{Link: l}
	for k, v := range shadows {
		prefix, field, ok := strings.Cut(k, ":")
		var dir tandem.Direction
		switch {
		case ok && prefix == "sf":
			dir = tandem.ToSalesforce
		case ok && prefix == "ic":
			dir = tandem.ToIntercom
		default:
			continue // bookkeeping, not a field
		}
		d.Fields = append(d.Fields, SyncedField{Direction: dir, Field: field, Value: v, LastWrite: latest[string(dir)+"/"+field]})
	}
	sort.Slice(d.Fields, func(i, j int) bool {
		if d.Fields[i].Direction != d.Fields[j].Direction {
			return d.Fields[i].Direction > d.Fields[j].Direction // to_salesforce first
		}
		return d.Fields[i].Field < d.Fields[j].Field
	})
	for _, e := range writes {
		if e.SalesforceID == l.SalesforceID && len(d.Writes) < 20 {
			d.Writes = append(d.Writes, e)
		}
	}
	errs, err := s.cfg.Store.ListSyncErrors(ctx, store.ListSyncErrorsParams{Installation: s.cfg.Installation, Limit: store.MaxLimit})
	if err != nil {
		return LinkDetail{}, err
	}
	for _, e := range errs {
		if (e.IntercomID != "" && e.IntercomID == l.IntercomID) || (e.SalesforceID != "" && e.SalesforceID == l.SalesforceID) {
			d.OpenErrors = append(d.OpenErrors, e)
		}
	}
	return d, nil
}

// ResyncLink queues a sync of the link's Intercom record now, as a webhook
// would: every mapped field that differs is written in its direction. It
// returns the job's id.
func (s *Service) ResyncLink(ctx context.Context, id int64) (int64, error) {
	l, err := s.cfg.Store.LinkByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if l.InstallationID != s.cfg.Installation {
		return 0, tandem.Errorf(tandem.ENOTFOUND, "no link %d", id)
	}
	obj := tandem.ObjectContact
	if l.Object == tandem.ObjectAccount {
		obj = tandem.ObjectAccount
	}
	res, err := s.cfg.Jobs.Insert(ctx, jobs.IntercomChangeArgs{Object: obj, IntercomID: l.IntercomID, Cause: tandem.CauseAction}, nil)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}
