package usecase

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
)

// ListJobsParams select jobs of the bridge's queue by state.
type ListJobsParams struct {
	States []rivertype.JobState // empty: running, retryable, available, scheduled and discarded
	Limit  int                  // 100 when not positive; at most 1000
}

// ListJobs returns the queue's jobs in the given states, newest first.
func (s *Service) ListJobs(ctx context.Context, p ListJobsParams) ([]*rivertype.JobRow, error) {
	states := p.States
	if len(states) == 0 {
		states = []rivertype.JobState{rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateAvailable,
			rivertype.JobStateScheduled, rivertype.JobStateDiscarded}
	}
	limit := p.Limit
	switch {
	case limit <= 0:
		limit = 100
	case limit > 1000:
		return nil, tandem.Errorf(tandem.EINVALID, "limit must be between 1 and 1000, not %d.", limit)
	}
	res, err := s.cfg.Jobs.JobList(ctx, river.NewJobListParams().States(states...).First(limit).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc))
	if err != nil {
		return nil, err
	}
	return res.Jobs, nil
}
