package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
)

// startQuiet starts an environment whose poller effectively never runs, so
// only the bulk sync moves data.
func startQuiet(t *testing.T, dbURL string, configure ...func(*config.Config)) *env {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: time.Hour, NoWebhooks: true,
		Options: app.Options{NoPeriodic: true},
		Configure: func(c *config.Config) {
			for _, f := range configure {
				f(c)
			}
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return &env{Demo: d, t: t}
}

// overwriteAtFirstLink makes every mapping replace differing values when a
// pair is first linked, for tests about writes rather than about the
// first-link policy.
func overwriteAtFirstLink(c *config.Config) {
	for i := range c.Mappings {
		c.Mappings[i].OnFirstLink = tandem.Overwrite
	}
}

// requireBulkAligned checks the n pairs seedPairs made after a bulk sync:
// all but every tenth linked, Intercom's phones and Salesforce's titles
// on both sides.
func requireBulkAligned(t *testing.T, e *env, n int) {
	t.Helper()
	ctx := context.Background()
	pairs := n - n/10
	count, err := e.App.Store.CountLinks(ctx, tandem.DefaultInstallation, tandem.ObjectContact)
	require.NoError(t, err)
	require.Equal(t, pairs, count)
	for _, c := range e.Salesforce.All("Contact") {
		i := 0
		_, err := fmt.Sscanf(c["Email"].(string), "person%05d@bulk.example", &i)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("+1 555 %05d", i), c["Phone"], "Intercom owns phone")
	}
	for _, c := range e.Intercom.Contacts() {
		var i int
		if _, err := fmt.Sscanf(c["email"].(string), "person%05d@bulk.example", &i); err != nil || i%10 == 9 {
			continue
		}
		want := "Engineer"
		if i%3 == 0 {
			want = "Director"
		}
		require.Equal(t, want, customAttr(c, "job_title"), "Salesforce owns the title")
	}
}

// seedPairs creates n users in Intercom, and Contacts with the same email
// for all but every tenth; every third Contact has a stale phone and a
// title Intercom does not have yet.
func seedPairs(t *testing.T, e *env, n int) (stale int) {
	for i := range n {
		email := fmt.Sprintf("person%05d@bulk.example", i)
		_, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Phone: fmt.Sprintf("+1 555 %05d", i),
			CustomAttributes: map[string]any{"plan": "growth", "job_title": "Engineer"}})
		require.NoError(t, err)
		if i%10 == 9 {
			continue
		}
		phone, title := fmt.Sprintf("+1 555 %05d", i), "Engineer"
		if i%3 == 0 {
			phone, title = "+1 000 00000", "Director"
			stale++
		}
		_, err = e.Salesforce.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("P%d", i), "Email": email,
			"Phone": phone, "Title": title, "Plan__c": "growth"})
		require.NoError(t, err)
	}
	return stale
}

func TestBulkSync(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startQuiet(t, dbURL, overwriteAtFirstLink)
		ctx := context.Background()
		const n = 450
		stale := seedPairs(t, e, n)
		e.Salesforce.ResetCalls()

		run, created, err := e.App.Syncer.StartBulk(ctx)
		require.NoError(t, err)
		require.True(t, created)
		final, err := e.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{})
		require.NoError(t, err)
		require.Equal(t, store.BulkDone, final.Status, final.Error)
		pairs := n - n/10
		require.EqualValues(t, pairs, final.Linked)
		require.EqualValues(t, stale, final.Changed)
		require.Zero(t, final.Failed)

		requireBulkAligned(t, e, n)
		// Salesforce calls: counts, one query page per 2000 records, one
		// collection call per 200 changed records.
		calls := e.Salesforce.Calls()
		writes := 0
		for k, v := range calls {
			if strings.HasPrefix(k, "PATCH") || strings.HasPrefix(k, "POST") {
				writes += v
			}
		}
		require.Equal(t, (stale+199)/200, writes, "collection calls: %v", calls)

		// A second run finds everything in sync and writes nothing.
		e.Salesforce.ResetCalls()
		icWrites := e.writeCalls()
		run2, _, err := e.App.Syncer.StartBulk(ctx)
		require.NoError(t, err)
		final2, err := e.App.Syncer.RunBulk(ctx, run2.ID, syncer.BulkOptions{})
		require.NoError(t, err)
		require.Zero(t, final2.Changed)
		require.Zero(t, final2.Linked)
		require.Equal(t, icWrites, e.writeCalls(), "no writes for pairs in sync")
	})
}

func TestBulkSyncOverHTTP(t *testing.T) {
	t.Parallel()
	e := startQuiet(t, "")
	seedPairs(t, e, 30)
	do := func(method, path string) (int, map[string]any) {
		req, err := http.NewRequest(method, e.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+app.DemoToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, run := do(http.MethodPost, "/api/v1/bulk-syncs")
	require.Equal(t, http.StatusAccepted, status)
	id := int64(run["id"].(float64))
	if status, again := do(http.MethodPost, "/api/v1/bulk-syncs"); status == http.StatusOK {
		require.Equal(t, run["id"], again["id"], "a second request while one runs returns the running one")
	} else {
		require.Equal(t, http.StatusAccepted, status, "the first one finished already: a new run starts")
	}
	eventually(t, "bulk sync done", func() bool {
		status, run = do(http.MethodGet, fmt.Sprintf("/api/v1/bulk-syncs/%d", id))
		return status == http.StatusOK && run["status"] == "done"
	})
	require.EqualValues(t, 100, run["percent"])
	status, _ = do(http.MethodGet, "/api/v1/bulk-syncs/999")
	require.Equal(t, http.StatusNotFound, status)
}

// seededBulkSync starts an environment with n pairs (see seedPairs) and a
// bulk sync run not yet run.
func seededBulkSync(t *testing.T, dbURL string, n int) (*env, store.BulkSync, int) {
	t.Helper()
	e := startQuiet(t, dbURL, overwriteAtFirstLink)
	stale := seedPairs(t, e, n)
	run, _, err := e.App.Syncer.StartBulk(context.Background())
	require.NoError(t, err)
	return e, run, stale
}

// A run whose listed records were held in memory and that stopped while
// aligning lists Intercom again when resumed, and ends as a run never
// stopped does.
func TestBulkSyncResumedWithoutItsRecords(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		const n = 450
		e, run, stale := seededBulkSync(t, dbURL, n)
		ctx := context.Background()

		stopCtx, stop := context.WithCancel(ctx)
		defer stop()
		var stoppedAt store.BulkSync
		_, err := e.App.Syncer.RunBulk(stopCtx, run.ID, syncer.BulkOptions{Progress: func(b store.BulkSync) {
			if b.Phase == "aligning Contacts" && stoppedAt.ID == 0 {
				stoppedAt = b
				stop()
			}
		}})
		require.ErrorIs(t, err, context.Canceled)
		require.Contains(t, stoppedAt.Checkpoint, `"memory":true`, "the records were in memory")
		saved, err := e.App.Store.LatestBulkSync(ctx, tandem.DefaultInstallation)
		require.NoError(t, err)
		require.Equal(t, store.BulkRunning, saved.Status)
		require.Zero(t, saved.Changed, "stopped before any Contact was compared")

		listed := e.Intercom.Calls()["GET /contacts"]
		final, err := e.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{})
		require.NoError(t, err)
		require.Equal(t, store.BulkDone, final.Status, final.Error)
		require.Greater(t, e.Intercom.Calls()["GET /contacts"], listed, "Intercom's contacts listed again")
		require.EqualValues(t, stale, final.Changed)
		require.Zero(t, final.Failed)
		requireBulkAligned(t, e, n)
	})
}

// A run whose records outgrow the memory allowed moves them to the store
// and keeps them there, and ends as one that held them all does. (That
// the records held until then move too is tested in package syncer.)
func TestBulkSyncMovesItsRecordsToTheStore(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		const n = 450
		e, run, stale := seededBulkSync(t, dbURL, n)
		ctx := context.Background()
		var memory []bool
		final, err := e.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{MemoryBytes: 20_000,
			Progress: func(b store.BulkSync) { memory = append(memory, strings.Contains(b.Checkpoint, `"memory":true`)) }})
		require.NoError(t, err)
		require.Equal(t, store.BulkDone, final.Status, final.Error)
		require.Contains(t, memory, true, "held in memory at first")
		require.False(t, memory[len(memory)-1], "in the store at the end")
		require.EqualValues(t, stale, final.Changed)
		requireBulkAligned(t, e, n)
	})
}
