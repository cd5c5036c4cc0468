//go:build unix

package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

func TestTakeOverDeadLeader(t *testing.T) {
	t.Parallel()
	host := hostKey()
	ended := exec.Command("true")
	require.NoError(t, ended.Run())
	type leaderCase struct {
		name     string
		leader   string
		takeover bool
	}
	cases := []leaderCase{
		{"a process of this host that ended", fmt.Sprintf("%s/%d/x", host, ended.Process.Pid), true},
		{"a process that runs", fmt.Sprintf("%s/%d/x", host, os.Getpid()), false},
		{"a process of another host", fmt.Sprintf("%s-elsewhere/%d/x", host, ended.Process.Pid), false},
		{"a name that is not a process id", "river_client_1", false},
	}
	if name, _ := os.Hostname(); name != host {
		// Another container with the same host name: its pids are not
		// this one's to check.
		cases = append(cases, leaderCase{"a process of another pid namespace", fmt.Sprintf("%s~1/%d/x", name, ended.Process.Pid), false})
	}
	for _, tc := range cases {
		for engine, open := range storetest.Engines() {
			t.Run(engine+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				a := &App{Store: open(t), Log: slog.New(slog.DiscardHandler)}
				exec := a.Store.RiverDriver().GetExecutor()
				_, err := exec.LeaderInsert(ctx, &riverdriver.LeaderInsertParams{LeaderID: tc.leader, TTL: time.Minute})
				require.NoError(t, err)
				a.takeOverDeadLeader(ctx)
				leader, err := exec.LeaderGetElectedLeader(ctx, &riverdriver.LeaderGetElectedLeaderParams{})
				if tc.takeover {
					require.ErrorIs(t, err, rivertype.ErrNotFound, "the dead leader's lease is gone")
					return
				}
				require.NoError(t, err)
				require.Equal(t, tc.leader, leader.LeaderID, "the lease is left to expire")
			})
		}
	}
	require.LessOrEqual(t, len(riverClientID(processName())), 100)
}

func TestRescueDeadProcessJobs(t *testing.T) {
	t.Parallel()
	host := hostKey()
	ended := exec.Command("true")
	require.NoError(t, ended.Run())
	dead := fmt.Sprintf("%s/%d/x", host, ended.Process.Pid)
	for engine, open := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a := &App{Store: open(t), Log: slog.New(slog.DiscardHandler)}
			exec := a.Store.RiverDriver().GetExecutor()
			started := time.Now().Add(-time.Second).UTC()
			running := func(attempt int, by ...string) int64 {
				j, err := exec.JobInsertFull(ctx, &riverdriver.JobInsertFullParams{
					Attempt: attempt, AttemptedAt: &started, AttemptedBy: by, CreatedAt: &started, ScheduledAt: &started,
					EncodedArgs: []byte(`{}`), Kind: "poll", MaxAttempts: 5, Metadata: []byte(`{}`), Priority: 1,
					Queue: "default", State: rivertype.JobStateRunning})
				require.NoError(t, err)
				return j.ID
			}
			cases := []struct {
				name string
				id   int64
				want rivertype.JobState
			}{
				{"run by a process of this host that ended", running(1, dead), rivertype.JobStateRetryable},
				{"its last attempt", running(5, "elsewhere/1/x", dead), rivertype.JobStateDiscarded},
				{"run by this process", running(1, dead, fmt.Sprintf("%s/%d/x", host, os.Getpid())), rivertype.JobStateRunning},
				{"run by another host", running(1, fmt.Sprintf("%s-elsewhere/%d/x", host, ended.Process.Pid)), rivertype.JobStateRunning},
				{"run by a client that is not a process id", running(1, "river_client_1"), rivertype.JobStateRunning},
			}
			a.rescueDeadProcessJobs(ctx)
			for _, c := range cases {
				j, err := exec.JobGetByID(ctx, &riverdriver.JobGetByIDParams{ID: c.id})
				require.NoError(t, err)
				require.Equal(t, c.want, j.State, c.name)
				if c.want != rivertype.JobStateRunning {
					require.Len(t, j.Errors, 1, c.name)
					require.Contains(t, j.Errors[0].Error, "died", c.name)
					require.WithinDuration(t, time.Now(), j.ScheduledAt, time.Minute, c.name)
				}
			}
		})
	}
}
