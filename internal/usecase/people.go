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
	// Writes are the link's latest audit entries (at most 20), newest first.
	Writes []tandem.AuditEntry
	// OpenErrors are the open sync errors naming either record (the 50
	// most recently seen).
	OpenErrors []tandem.SyncError
}

// The person page shows at most this many writes and open sync errors.
const (
	linkDetailWrites = 20
	linkDetailErrors = 50
)

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
	// Every read is bounded: the pair's latest writes, then one indexed
	// look-up per field whose last write is older than those.
	pair := store.AuditFilter{Installation: s.cfg.Installation, IntercomID: l.IntercomID, SalesforceID: l.SalesforceID}
	recent := pair
	recent.Limit = linkDetailWrites
	writes, err := s.cfg.Store.FilterAudit(ctx, recent)
	if err != nil {
		return LinkDetail{}, err
	}
	latest := map[string]*tandem.AuditEntry{}
	for i := range writes {
		e := &writes[i]
		if k := string(e.Direction) + "/" + e.Field; latest[k] == nil {
			latest[k] = e
		}
	}
	d := LinkDetail{Link: l, Writes: writes}
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
		last := latest[string(dir)+"/"+field]
		if last == nil && len(writes) == linkDetailWrites {
			older := pair
			older.Direction, older.Field, older.Limit = dir, field, 1
			es, err := s.cfg.Store.FilterAudit(ctx, older)
			if err != nil {
				return LinkDetail{}, err
			}
			if len(es) > 0 {
				last = &es[0]
			}
		}
		d.Fields = append(d.Fields, SyncedField{Direction: dir, Field: field, Value: v, LastWrite: last})
	}
	sort.Slice(d.Fields, func(i, j int) bool {
		if d.Fields[i].Direction != d.Fields[j].Direction {
			return d.Fields[i].Direction > d.Fields[j].Direction // to_salesforce first
		}
		return d.Fields[i].Field < d.Fields[j].Field
	})
	if d.OpenErrors, err = s.cfg.Store.OpenSyncErrorsOfRecords(ctx, s.cfg.Installation, l.IntercomID, l.SalesforceID, linkDetailErrors); err != nil {
		return LinkDetail{}, err
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
