package usecase

import (
	"context"
	"strings"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

// Cause identifies a group of sync errors: the system that refused the
// write, its error code and the field involved (empty when the error is
// about the whole record). Reasons are not part of it: they name the record.
type Cause struct {
	System string
	Code   string
	Field  string
}

// String returns the cause's key, "system/code/field", as listings show it
// and ParseCause reads it back.
func (c Cause) String() string { return c.System + "/" + c.Code + "/" + c.Field }

// ParseCause reads a key written by Cause.String. The field may be empty
// ("salesforce/UNABLE_TO_LOCK_ROW/" or "salesforce/UNABLE_TO_LOCK_ROW").
func ParseCause(key string) (Cause, error) {
	parts := strings.SplitN(strings.TrimSpace(key), "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return Cause{}, tandem.Errorf(tandem.EINVALID, "A sync error group is named system/code/field, e.g. salesforce/STRING_TOO_LONG/Phone, not %q.", key)
	}
	c := Cause{System: parts[0], Code: parts[1]}
	if len(parts) == 3 {
		c.Field = parts[2]
	}
	return c, nil
}

func causeOf(e tandem.SyncError) Cause {
	return Cause{System: string(e.System), Code: e.Code, Field: e.Field}
}

// ErrorGroup summarises the open sync errors of one cause.
type ErrorGroup struct {
	Cause
	// Reason is the plain-language reason of the group's most recently seen
	// error, as an example.
	Reason      string
	Errors      int // open errors in the group
	Occurrences int // how often they happened, together
}

// ListSyncErrorsParams selects a page of sync errors, most recently seen
// first.
type ListSyncErrorsParams struct {
	Object          tandem.Object // empty: every object
	Category        string        // people, companies, cases or tasks; empty: every category
	IncludeResolved bool
	AfterID         int64 // continue after this error (the previous page's NextAfter)
	Limit           int   // store.DefaultLimit when not positive; at most store.MaxLimit
}

// SyncErrorList is a page of sync errors and the groups of every open one.
type SyncErrorList struct {
	Errors []tandem.SyncError
	// Groups cover every open error, not only this page's.
	Groups []ErrorGroup
	// NextAfter is the AfterID of the next page; zero when this page is the
	// last.
	NextAfter int64
}

// ListSyncErrors returns a page of sync errors and the groups by cause.
func (s *Service) ListSyncErrors(ctx context.Context, p ListSyncErrorsParams) (SyncErrorList, error) {
	if p.Object != "" && p.Object.Category() == "" {
		return SyncErrorList{}, tandem.Errorf(tandem.EINVALID, "object must be lead, contact, account, case or task, not %q.", p.Object)
	}
	switch p.Category {
	case "", tandem.CategoryPeople, tandem.CategoryCompanies, tandem.CategoryCases, tandem.CategoryTasks:
	default:
		return SyncErrorList{}, tandem.Errorf(tandem.EINVALID, "category must be people, companies, cases or tasks, not %q.", p.Category)
	}
	limit, err := page(p.Limit)
	if err != nil {
		return SyncErrorList{}, err
	}
	list, err := s.cfg.Store.ListSyncErrors(ctx, store.ListSyncErrorsParams{
		Installation: s.cfg.Installation, IncludeResolved: p.IncludeResolved, Object: p.Object, Category: p.Category,
		AfterID: p.AfterID, Limit: limit,
	})
	if err != nil {
		return SyncErrorList{}, err
	}
	groups, err := s.SyncErrorGroups(ctx)
	if err != nil {
		return SyncErrorList{}, err
	}
	out := SyncErrorList{Errors: list, Groups: groups}
	if len(list) == limit {
		out.NextAfter = list[len(list)-1].ID
	}
	return out, nil
}

// SyncErrorGroups returns the open sync errors grouped by cause, the group
// with the most occurrences first.
func (s *Service) SyncErrorGroups(ctx context.Context) ([]ErrorGroup, error) {
	groups, err := s.cfg.Store.SyncErrorGroups(ctx, s.cfg.Installation)
	if err != nil {
		return nil, err
	}
	out := make([]ErrorGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, ErrorGroup{Cause: Cause{System: g.System, Code: g.Code, Field: g.Field},
			Reason: g.Reason, Errors: g.Errors, Occurrences: g.Occurrences})
	}
	return out, nil
}

// Retry is a queued retry of one sync error.
type Retry struct {
	Error tandem.SyncError
	JobID int64
}

// RetrySyncError queues the sync of the error's record again, for the
// bridge's workers. It only writes to the database, so it works while
// Salesforce or Intercom is unreachable. The error resolves itself when the
// retried write succeeds. ENOTFOUND for an unknown id, ECONFLICT for a
// resolved error, EUNPROCESSABLE for one that names no record.
func (s *Service) RetrySyncError(ctx context.Context, id int64) (Retry, error) {
	e, err := s.cfg.Store.GetSyncError(ctx, id)
	if err != nil {
		return Retry{}, err
	}
	if e.InstallationID != s.cfg.Installation {
		return Retry{}, tandem.Errorf(tandem.ENOTFOUND, "no sync error %d", id)
	}
	if e.ResolvedAt != nil {
		return Retry{}, tandem.Errorf(tandem.ECONFLICT, "Sync error %d is already resolved.", id)
	}
	args, err := jobs.RetryArgs(e)
	if err != nil {
		return Retry{}, err
	}
	res, err := s.cfg.Jobs.Insert(ctx, args, nil)
	if err != nil {
		return Retry{}, err
	}
	return Retry{Error: e, JobID: res.Job.ID}, nil
}

// GroupRetry reports a retry of every open error of one cause.
type GroupRetry struct {
	Cause  Cause
	Queued int // errors whose record was queued for a retry
	// Skipped are errors that name no record to retry; they stay open.
	Skipped []int64
}

// RetrySyncErrorGroup queues a retry of every open sync error of the cause,
// as RetrySyncError does for one. ENOTFOUND when the cause has no open
// errors.
func (s *Service) RetrySyncErrorGroup(ctx context.Context, c Cause) (GroupRetry, error) {
	out := GroupRetry{Cause: c}
	var params []river.InsertManyParams
	after := int64(0)
	for {
		list, err := s.cfg.Store.ListSyncErrors(ctx, store.ListSyncErrorsParams{
			Installation: s.cfg.Installation, AfterID: after, Limit: store.MaxLimit})
		if err != nil {
			return out, err
		}
		for _, e := range list {
			if causeOf(e) != c {
				continue
			}
			args, err := jobs.RetryArgs(e)
			if err != nil {
				out.Skipped = append(out.Skipped, e.ID)
				continue
			}
			params = append(params, river.InsertManyParams{Args: args})
		}
		if len(list) < store.MaxLimit {
			break
		}
		after = list[len(list)-1].ID
	}
	if len(params) == 0 && len(out.Skipped) == 0 {
		return out, tandem.Errorf(tandem.ENOTFOUND, "No open sync errors of %s.", c)
	}
	for len(params) > 0 {
		n := min(len(params), store.MaxLimit)
		res, err := s.cfg.Jobs.InsertMany(ctx, params[:n])
		if err != nil {
			return out, err
		}
		out.Queued += len(res)
		params = params[n:]
	}
	return out, nil
}
