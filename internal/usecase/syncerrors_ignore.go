package usecase

import (
	"context"

	"github.com/tandemhq/tandem"
)

// IgnoreSyncError resolves a sync error without retrying it: an operator
// decided the failure needs no further action (the record was fixed by
// hand, or the write is no longer wanted). If the same failure happens
// again it is recorded as a new error. ENOTFOUND for an unknown id,
// ECONFLICT for a resolved error.
func (s *Service) IgnoreSyncError(ctx context.Context, id int64) (tandem.SyncError, error) {
	e, err := s.cfg.Store.GetSyncError(ctx, id)
	if err != nil {
		return tandem.SyncError{}, err
	}
	if e.InstallationID != s.cfg.Installation {
		return tandem.SyncError{}, tandem.Errorf(tandem.ENOTFOUND, "no sync error %d", id)
	}
	if e.ResolvedAt != nil {
		return tandem.SyncError{}, tandem.Errorf(tandem.ECONFLICT, "Sync error %d is already resolved.", id)
	}
	if err := s.cfg.Store.ResolveSyncError(ctx, id); err != nil {
		return tandem.SyncError{}, err
	}
	return s.cfg.Store.GetSyncError(ctx, id)
}
