package syncer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tandemhq/tandem"
)

// The bulk-run lease: one runner at a time works on a bulk sync run (a
// replica's job, or `tandem sync`). It holds the run's lease while it
// works and renews it; a runner that died lets its lease expire, or has it
// taken over at once when Config.ProcessGone can tell that its process
// ended.

// ErrBulkBusy says another runner (a replica, or `tandem sync`) holds the
// bulk sync's lease.
var ErrBulkBusy = tandem.Errorf(tandem.ECONFLICT, "This bulk sync is being run by another process; follow its progress instead.")

const bulkLease = time.Minute

// newLeaseHolder names one runner: this process's id (Config.ProcessID)
// and a random part, so that two runs of one process differ too.
func (s *Syncer) newLeaseHolder() string {
	return fmt.Sprintf("%s/%d", s.cfg.ProcessID, rand.Int64())
}

// runLease is one runner's lease on bulk sync run id.
type runLease struct {
	s      *Syncer
	id     int64
	holder string
}

// claim takes the run's lease; a lease whose holder's process is known to
// have ended (a killed `tandem sync`) is taken over at once instead of
// after it expires.
func (l *runLease) claim(ctx context.Context) (bool, error) {
	s := l.s
	until := s.now().Add(bulkLease)
	if ok, err := s.store.ClaimBulkSync(ctx, l.id, l.holder, until); err != nil || ok {
		return ok, err
	}
	prev, _, err := s.store.BulkSyncLease(ctx, l.id)
	if err != nil || s.cfg.ProcessGone == nil || !s.cfg.ProcessGone(prev) {
		return false, err
	}
	return s.store.TakeOverBulkSync(ctx, l.id, l.holder, until, prev)
}

// release gives the lease up.
func (l *runLease) release(ctx context.Context) {
	_ = l.s.store.ReleaseBulkSync(ctx, l.id, l.holder)
}

// renew renews the lease every third of its length until ctx ends; if the
// lease is lost, the run is cancelled.
func (l *runLease) renew(ctx context.Context, cancel context.CancelCauseFunc) {
	t := time.NewTicker(bulkLease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ok, err := l.s.store.ClaimBulkSync(ctx, l.id, l.holder, l.s.now().Add(bulkLease))
			if err == nil && !ok {
				cancel(ErrBulkBusy)
				return
			}
		}
	}
}
