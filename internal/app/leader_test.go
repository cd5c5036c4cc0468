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
	host, err := os.Hostname()
	require.NoError(t, err)
	ended := exec.Command("true")
	require.NoError(t, ended.Run())
	for _, tc := range []struct {
		name     string
		leader   string
		takeover bool
	}{
		{"a process of this host that ended", fmt.Sprintf("%s/%d/x", host, ended.Process.Pid), true},
		{"a process that runs", fmt.Sprintf("%s/%d/x", host, os.Getpid()), false},
		{"a process of another host", fmt.Sprintf("%s-elsewhere/%d/x", host, ended.Process.Pid), false},
		{"a name that is not a process id", "river_client_1", false},
	} {
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
	require.LessOrEqual(t, len(riverClientID()), 100)
}
