package crashtest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// convCase is one conversation the conversation crash suite started.
type convCase struct {
	id, contactID, text string
	closed              bool
}

// TestConversationsSurviveSIGKILL starts and closes Intercom conversations
// while `tandem serve` makes a Case and a Task for each (both when a
// conversation starts; the Task is completed at its close), kills the
// bridge with SIGKILL at random points (more conversations start while it
// is down) and restarts it, then requires exactly one Case and one Task
// per conversation, and the Task of every closed one completed.
func TestConversationsSurviveSIGKILL(t *testing.T) {
	t.Parallel()
	listen := freeAddr(t)
	sfURL := startSim(t, "salesforce", "--listen", "127.0.0.1:0", "--token", sfToken, "--seed", "0")
	icURL := startSim(t, "intercom", "--listen", "127.0.0.1:0", "--token", icToken, "--client-secret", icSecret,
		"--webhook-url", "http://"+listen+"/intercom/webhooks")
	ps := seedPairs(t, sfURL, icURL, 12)
	// No External ID field: a Case or Task whose create may have been
	// applied before a kill is found by its contact and subject.
	cfg := writeConfig(t, `sync:
  poll_interval: 300ms
  reconcile_interval: 1s
cases:
  enabled: true
  on_conversation_started: true
  on_conversation_closed: true
  tag: "-"
  backstop_interval: 2s
tasks:
  enabled: true
  on_conversation_started: true
  tag: "-"
`)
	env := append(bridgeEnv(t, t.TempDir(), listen, sfURL, icURL), "TANDEM_ACTIONS_TOKEN=crash-actions")
	r := rng(t)
	// A conversation started while the bridge is down is found by the
	// backstop within seconds, or by Intercom's one retry after a minute;
	// an intent a killed process held is taken over when the next starts.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	srv := &server{t: t, env: env, cfg: cfg, listen: listen}
	p := srv.start(ctx)
	// A Case needs the person linked to a Contact: let the first poll link
	// every pair before the conversations start.
	for ctx.Err() == nil && !aligned(t, sfURL, icURL, ps) {
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, ctx.Err(), "the pairs were never linked")

	var me struct {
		ID string `json:"id"`
	}
	call(t, http.MethodGet, icURL+"/me", icToken, nil, &me)
	var convs []convCase
	open := func(round int) {
		for i := range 3 {
			pr := ps[(round*3+i)%len(ps)]
			c := convCase{contactID: pr.sfID, text: fmt.Sprintf("Crash round %d, question %d", round, i)}
			var out struct {
				ConversationID string `json:"conversation_id"` // the answer is the message; its conversation is this
			}
			call(t, http.MethodPost, icURL+"/conversations", icToken,
				map[string]any{"from": map[string]any{"type": "user", "id": pr.icID}, "body": c.text}, &out)
			c.id = out.ConversationID
			convs = append(convs, c)
		}
	}
	closeHalf := func() {
		for i := range convs {
			if !convs[i].closed && i%2 == 0 {
				call(t, http.MethodPost, icURL+"/conversations/"+convs[i].id+"/parts", icToken,
					map[string]any{"message_type": "close", "type": "admin", "admin_id": me.ID}, nil)
				convs[i].closed = true
			}
		}
	}
	kills, round := 0, 0
	for kills < *flagKills {
		round++
		open(round) // notifications flow while the bridge runs
		closeHalf()
		time.Sleep(time.Duration(r.Int64N(int64(400 * time.Millisecond))))
		p.kill()
		kills++
		round++
		open(round) // and while it is down
		closeHalf()
		p = srv.start(ctx)
	}

	began := time.Now()
	var problems []string
	for {
		problems = conversationProblems(t, sfURL, convs)
		if len(problems) == 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	p.kill()
	t.Logf("converged %s after the last restart", time.Since(began).Round(time.Millisecond))
	t.Logf("conversation crash suite: runs=%d kills=%d conversations=%d problems=%d", len(srv.runs), kills, len(convs), len(problems))
	if len(problems) > 0 {
		var ids []string
		for _, c := range convs {
			ids = append(ids, c.id)
		}
		logRecordLines(t, srv.runs, ids)
	}
	require.Empty(t, problems)
}

// conversationProblems compares the Cases and Tasks in Salesforce with the
// conversations: each must have exactly one Case and one Task on its
// Contact, and a closed one's Task must be completed.
func conversationProblems(t *testing.T, sfURL string, convs []convCase) []string {
	cases := sfQuery(t, sfURL, "SELECT Id, ContactId, Subject, Description FROM Case")
	tasks := sfQuery(t, sfURL, "SELECT Id, WhoId, Subject, Status FROM Task")
	var problems []string
	for _, c := range convs {
		var nCase, nTask int
		var status string
		for _, k := range cases {
			if str(k["ContactId"]) == c.contactID && strings.Contains(str(k["Subject"]), c.text) {
				nCase++
			}
		}
		for _, k := range tasks {
			if str(k["WhoId"]) == c.contactID && strings.Contains(str(k["Subject"]), c.text) {
				nTask++
				status = str(k["Status"])
			}
		}
		switch {
		case nCase != 1 || nTask != 1:
			problems = append(problems, fmt.Sprintf("%s (%q): %d Cases, %d Tasks", c.id, c.text, nCase, nTask))
		case c.closed && status != "Completed":
			problems = append(problems, fmt.Sprintf("%s (%q): closed, its Task is %q", c.id, c.text, status))
		}
	}
	if len(cases) != len(convs) || len(tasks) != len(convs) {
		problems = append(problems, fmt.Sprintf("%d Cases and %d Tasks for %d conversations", len(cases), len(tasks), len(convs)))
	}
	return problems
}
