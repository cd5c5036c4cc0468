package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river/riverdriver"
)

// riverLeadershipTopic is the notification topic River's elector resigns
// on (Postgres notifies the other clients on it).
const riverLeadershipTopic = "river_leadership"

// riverClientID names this process's job queue client after processID
// (plus the start time, since a pid is reused), so that a later process
// can tell that the leader the database names has died. Empty (River
// picks an id) when the name would be too long for River.
func riverClientID() string {
	id := processID() + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if len(id) > 100 {
		return ""
	}
	return id
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
