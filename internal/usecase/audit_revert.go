package usecase

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer"
)

// RevertReason is the reason recorded with the writes of a revert of audit
// entry id.
func RevertReason(id int64) string { return fmt.Sprintf("revert of audit entry %d", id) }

// RevertAuditEntry writes back the value that the write recorded in audit
// entry id replaced: on the side that owns the field first, then on the
// field itself, each recorded as a new audit entry with cause action and
// the reason "revert of audit entry id" (see [syncer.Syncer.RevertWrite]).
// It refuses when the field or its owner changed since that write, when
// the mapping no longer exists, or when the records are no longer linked
// or gone.
func (s *Service) RevertAuditEntry(ctx context.Context, id int64) (syncer.Reverted, error) {
	e, err := s.cfg.Store.GetAudit(ctx, id)
	if err != nil {
		return syncer.Reverted{}, err
	}
	if e.InstallationID != s.cfg.Installation {
		return syncer.Reverted{}, tandem.Errorf(tandem.ENOTFOUND, "There is no audit entry %d.", id)
	}
	if e.Cause == tandem.CauseSettings {
		return syncer.Reverted{}, tandem.Errorf(tandem.EINVALID,
			"Audit entry %d records a change of settings, not a field write: change the setting again on the Settings page.", id)
	}
	sy, err := s.engine("Reverting a write")
	if err != nil {
		return syncer.Reverted{}, err
	}
	return sy.RevertWrite(ctx, e, RevertReason(id))
}
