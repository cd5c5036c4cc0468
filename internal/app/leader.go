package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// riverLeadershipTopic is the notification topic River's elector resigns
// on (Postgres notifies the other clients on it).
const riverLeadershipTopic = "river_leadership"

// processName names this process among the replicas, for its job queue
// client and the intents it holds: processID (host and pid) plus the start
// time, since a pid is reused. processGone reads the host and pid back, so
// that a later process can tell that a holder has died.
func processName() string {
	return processID() + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// riverClientID returns name as the job queue's client id, or empty (River
// picks an id) when name is too long for River.
func riverClientID(name string) string {
	if len(name) > 100 {
		return ""
	}
	return name
}

// takeOverDeadLeader removes the job queue's leadership when the process
// holding it is known to have died (a replica on this host killed with
// SIGKILL, say), so that this process can be elected at once: otherwise the
// periodic polls and reconciliation pause until the dead leader's lease
// runs out, up to 20 seconds. Anything it cannot tell is left to the lease.
func (a *App) takeOverDeadLeader(ctx context.Context) {
	exec := a.Store.RiverDriver().GetExecutor()
	leader, err := exec.LeaderGetElectedLeader(ctx, &riverdriver.LeaderGetElectedLeaderParams{})
	if err != nil || !processGone(leader.LeaderID) {
		return
	}
	_, err = exec.LeaderResign(ctx, &riverdriver.LeaderResignParams{ElectedAt: leader.ElectedAt, LeaderID: leader.LeaderID,
		LeadershipTopic: riverLeadershipTopic})
	if err != nil {
		a.Log.Warn("remove the leadership of a dead process", slog.String("leader", leader.LeaderID), slog.String("error", err.Error()))
		return
	}
	a.Log.Info("took over the leadership of a dead process", slog.String("leader", leader.LeaderID))
}

// rescueDeadProcessJobs makes the jobs that a process of this host was
// running when it died (SIGKILL, a crash, the machine's OOM killer) ready
// to run again at once. River would rescue them only after
// RescueStuckJobsAfter, and meanwhile a running periodic job blocks its
// next runs: a Salesforce poll killed mid-run would pause Salesforce →
// Intercom sync for that long. Every job is idempotent, so running one
// again is what River's own rescue would do later. Jobs of live processes
// and of other hosts are left to River.
func (a *App) rescueDeadProcessJobs(ctx context.Context) {
	exec := a.Store.RiverDriver().GetExecutor()
	now := time.Now().UTC()
	var after int64
	for {
		stuck, err := exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: after, Max: 500, StuckHorizon: now.Add(time.Minute)})
		if err != nil {
			a.Log.Warn("look for jobs of dead processes", slog.String("error", err.Error()))
			return
		}
		p := deadProcessRescue(stuck, now)
		if len(p.ID) > 0 {
			if _, err := exec.JobRescueMany(ctx, p); err != nil {
				a.Log.Warn("rescue jobs of dead processes", slog.String("error", err.Error()))
				return
			}
			a.Log.Info("rescued the jobs of dead processes", slog.Int("jobs", len(p.ID)))
		}
		if len(stuck) < 500 {
			return
		}
		after = stuck[len(stuck)-1].ID
	}
}

// deadProcessRescue returns the rescue of those running jobs whose last
// attempt belongs to a process of this host that no longer runs: to be
// retried now, or discarded when it was their last attempt.
func deadProcessRescue(running []*rivertype.JobRow, now time.Time) *riverdriver.JobRescueManyParams {
	p := &riverdriver.JobRescueManyParams{StuckHorizon: now.Add(time.Minute)}
	for _, j := range running {
		if len(j.AttemptedBy) == 0 || !processGone(j.AttemptedBy[len(j.AttemptedBy)-1]) {
			continue
		}
		holder := j.AttemptedBy[len(j.AttemptedBy)-1]
		e, _ := json.Marshal(rivertype.AttemptError{At: now, Attempt: max(j.Attempt, 0),
			Error: "the process running the job (" + holder + ") died; rescued when the next one started"})
		state, finalized := rivertype.JobStateRetryable, (*time.Time)(nil)
		if j.Attempt >= j.MaxAttempts {
			state, finalized = rivertype.JobStateDiscarded, &now
		}
		p.ID = append(p.ID, j.ID)
		p.Error = append(p.Error, e)
		p.FinalizedAt = append(p.FinalizedAt, finalized)
		p.ScheduledAt = append(p.ScheduledAt, now)
		p.State = append(p.State, string(state))
	}
	return p
}
