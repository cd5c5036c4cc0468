package crashtest

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// rng returns the kill-delay random source and logs its seed.
func rng(t *testing.T) *rand.Rand {
	seed := *flagSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("kill delays: -crash.seed=%d", seed)
	return rand.New(rand.NewPCG(uint64(seed), 0x7a9d))
}

// bulkState describes the latest bulk sync run in the data dir.
func bulkState(t *testing.T, dataDir string) string {
	db, err := store.Open(context.Background(), store.Config{DataDir: dataDir})
	if err != nil {
		return "no database: " + err.Error()
	}
	defer db.Close()
	b, err := db.LatestBulkSync(context.Background(), tandem.DefaultInstallation)
	if err != nil {
		return "no bulk sync yet"
	}
	return b.Status + " " + b.Phase + " " + itoa(b.Done) + "/" + itoa(b.Total)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestSyncSurvivesSIGKILL kills `tandem sync` at random points and restarts
// it until a run finishes, then requires convergence with nothing lost and
// nothing duplicated.
func TestSyncSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	sfURL := startSim(t, "salesforce", "--listen", "127.0.0.1:0", "--token", sfToken, "--seed", "0")
	icURL := startSim(t, "intercom", "--listen", "127.0.0.1:0", "--token", icToken, "--client-secret", icSecret)
	ps := seedPairs(t, sfURL, icURL, *flagPairs)
	icBefore := len(icContacts(t, icURL))
	dataDir := t.TempDir()
	env := bridgeEnv(t, dataDir, "127.0.0.1:0", sfURL, icURL)
	cfg := writeConfig(t, "")
	r := rng(t)

	// Kills land within a window that grows after every kill (a resumed run
	// must get further than the last one before it dies again) and halves
	// each time a run finishes before its kill, so they spread over
	// startup, reading and aligning whatever the data set's size.
	window := 300 * time.Millisecond
	runs, kills, finished := 0, 0, 0
	for kills < *flagKills && runs < 4**flagKills {
		p := startProc(t, env, "sync", "--config", cfg)
		runs++
		delay := time.Duration(r.Int64N(int64(window)))
		select {
		case <-p.done:
			finished++
			require.NoError(t, p.err, "tandem sync failed:\n%s", p.out.String())
			window = max(window/2, 50*time.Millisecond)
			t.Logf("run %d finished before its kill (%s)", runs, delay)
		case <-time.After(delay):
			p.kill()
			kills++
			window = min(window*3/2, 20*time.Second)
			t.Logf("run %d killed after %s: bulk sync %s", runs, delay.Round(time.Millisecond), bulkState(t, dataDir))
		}
	}
	p := startProc(t, env, "sync", "--config", cfg)
	runs++
	require.NoError(t, p.wait(t, 2*time.Minute), "last tandem sync:\n%s", p.out.String())
	t.Logf("last run: %s", lastLine(p.out.String()))

	o := verify(t, sfURL, icURL, dataDir, ps, icBefore)
	t.Logf("sync crash suite: runs=%d kills=%d finished_before_kill=%d pairs=%d records=%d lost=%d duplicated=%d",
		runs, kills, finished, len(ps), o.records, o.lost, o.duplicated)
	require.Empty(t, o.problems)
	require.Zero(t, o.lost)
	require.Zero(t, o.duplicated)
}

func lastLine(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' || s[i] == '\r' {
			return s[i+1:]
		}
	}
	return s
}
