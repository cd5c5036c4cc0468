package crashtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestServeSurvivesSIGKILL changes Intercom contacts while `tandem serve`
// receives their webhooks, kills the bridge with SIGKILL at random points
// (more changes land while it is down) and restarts it, then requires every
// change to reach Salesforce with no duplicate.
func TestServeSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	sfURL := startSim(t, "salesforce", "--listen", "127.0.0.1:0", "--token", sfToken, "--seed", "0")
	icURL := startSim(t, "intercom", "--listen", "127.0.0.1:0", "--token", icToken, "--client-secret", icSecret,
		"--webhook-url", "http://"+listen+"/intercom/webhooks")
	n := max(*flagPairs/5, 20)
	ps := seedPairs(t, sfURL, icURL, n)
	icBefore := len(icContacts(t, icURL))
	dataDir := t.TempDir()
	// Reconciliation catches the changes whose webhooks arrived while the
	// bridge was down (the simulator redelivers only after a minute).
	cfg := writeConfig(t, "sync:\n  poll_interval: 300ms\n  reconcile_interval: 1s\n")
	env := bridgeEnv(t, dataDir, listen, sfURL, icURL)
	r := rng(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	srv := &server{t: t, env: env, cfg: cfg, listen: listen}
	change := func(round int) {
		for i := range ps {
			if (i+round)%3 == 0 {
				ps[i].phone = fmt.Sprintf("+1 7%02d %06d", round, i)
				icUpdate(t, icURL, ps[i].icID, map[string]any{"phone": ps[i].phone})
			}
		}
	}
	p := srv.start(ctx)
	kills, round := 0, 0
	for kills < *flagKills {
		round++
		change(round) // webhooks flow while the bridge runs
		time.Sleep(time.Duration(r.Int64N(int64(400 * time.Millisecond))))
		p.kill()
		kills++
		round++
		change(round) // and while it is down
		p = srv.start(ctx)
	}

	// Wait (polling both systems over HTTP) until every change arrived,
	// then stop the bridge and verify links in its database too.
	began := time.Now()
	for ctx.Err() == nil && !aligned(t, sfURL, icURL, ps) {
		time.Sleep(200 * time.Millisecond)
	}
	converge := time.Since(began)
	p.kill()
	o := verify(t, sfURL, icURL, dataDir, ps, icBefore)
	if len(o.problems) > 0 {
		logRecordLines(t, srv.runs, o.lostIDs)
	}
	t.Logf("converged %s after the last restart", converge.Round(time.Millisecond))
	t.Logf("serve crash suite: runs=%d kills=%d rounds=%d pairs=%d records=%d lost=%d duplicated=%d",
		len(srv.runs), kills, round, len(ps), o.records, o.lost, o.duplicated)
	require.Empty(t, o.problems)
	require.Zero(t, o.lost)
	require.Zero(t, o.duplicated)
}

// aligned reports whether every pair holds its expected values on both
// sides, reading only the two simulators.
func aligned(t *testing.T, sfURL, icURL string, ps []pair) bool {
	sf := map[string]map[string]any{}
	for _, c := range sfQuery(t, sfURL, "SELECT Id, Phone, Plan__c FROM Contact") {
		sf[str(c["Id"])] = c
	}
	ic := map[string]map[string]any{}
	for _, c := range icContacts(t, icURL) {
		ic[str(c["id"])] = c
	}
	for _, p := range ps {
		s, i := sf[p.sfID], ic[p.icID]
		if s == nil || i == nil || str(s["Phone"]) != p.phone || str(s["Plan__c"]) != p.plan || str(customAttr(i, "job_title")) != p.title {
			return false
		}
	}
	return true
}
