package console

import (
	"net/http"

	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem/internal/usecase"
)

// jobsList answers GET /admin/jobs: the queue's running, retrying, waiting
// and failed jobs, and a link to River's own UI when it is mounted.
func (c *Console) jobsList(w http.ResponseWriter, r *http.Request) {
	state := rivertype.JobState(r.URL.Query().Get("state"))
	p := usecase.ListJobsParams{Limit: 100}
	if state != "" {
		p.States = []rivertype.JobState{state}
	}
	jobs, err := c.cfg.UseCases.ListJobs(r.Context(), p)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "jobs", "Jobs", "jobs", map[string]any{
		"Jobs": jobs, "State": string(state), "RiverUI": c.cfg.JobsUI != nil,
		"States": []rivertype.JobState{rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateAvailable,
			rivertype.JobStateScheduled, rivertype.JobStateDiscarded, rivertype.JobStateCancelled, rivertype.JobStateCompleted},
	})
}
