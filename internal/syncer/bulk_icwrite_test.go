package syncer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestGatePassesEachRecordOnce: the gate hands on the first write of each
// record of a batch under its lock, keeps a second write of the same
// record for when the first has let go, and drops a write older than the
// version event sync synced.
func TestGatePassesEachRecordOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	var links []tandem.Link
	for _, id := range []string{"a", "b", "c"} {
		l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
			IntercomID: "ic-" + id, SalesforceID: "sf-" + id})
		require.NoError(t, err)
		links = append(links, l)
	}
	require.NoError(t, db.SetShadows(ctx, links[2].ID, map[string]string{seenSalesforceKey: "000000000000900"}))

	s := New(Config{Installation: tandem.DefaultInstallation}, db, nil, nil, nil, nil, Hooks{})
	w := &icWriters{b: &bulkRun{s: s}, jobs: make(chan gatedIC, 8)}
	page := &pageWrites{}
	write := func(l tandem.Link, stamp string) pendingIC {
		w.inFly.Add(1)
		page.wg.Add(1)
		return pendingIC{page: page, link: l, stamp: stamp}
	}
	batch := []pendingIC{
		write(links[1], "000000000000100"),
		write(links[0], "000000000000100"),
		write(links[1], "000000000000200"), // the same record again
		write(links[2], "000000000000100"), // older than the version synced
	}

	later := w.pass(ctx, batch)
	require.Len(t, later, 1)
	require.Equal(t, "000000000000200", later[0].stamp)
	var (
		passed  []string
		unlockB func()
	)
	for len(w.jobs) > 0 {
		g := <-w.jobs
		passed = append(passed, g.p.link.SalesforceID+"@"+g.p.stamp)
		if g.p.link.SalesforceID == "sf-b" {
			unlockB = g.unlock // b's first write is still running
		} else {
			g.unlock()
		}
		w.finish(g.p)
	}
	require.Equal(t, []string{"sf-a@000000000000100", "sf-b@000000000000100"}, passed, "in key order, c dropped")

	// The second write of b waits for the first one's lock.
	done := make(chan []pendingIC)
	go func() { done <- w.pass(ctx, later) }()
	select {
	case <-done:
		t.Fatal("the second write of a record passed while the first held its lock")
	case <-time.After(50 * time.Millisecond):
	}
	unlockB()
	require.Empty(t, <-done)
	g := <-w.jobs
	require.Equal(t, "sf-b@000000000000200", g.p.link.SalesforceID+"@"+g.p.stamp)
	g.unlock()
	w.finish(g.p)
	w.inFly.Wait()
}

// TestWriteFailureUnrecordedStopsTheRun: an Intercom write refused for
// good is recorded as a sync error; when that record cannot be stored,
// the writers keep the error, so the run stops instead of its checkpoint
// passing a write that left no trace.
func TestWriteFailureUnrecordedStopsTheRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: "ic-a", SalesforceID: "sf-a"})
	require.NoError(t, err)
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Phone is invalid"}]}`))
	}))
	t.Cleanup(refuse.Close)
	ic := intercom.NewClient("token", intercom.WithBaseURL(refuse.URL))
	s := New(Config{Installation: tandem.DefaultInstallation}, db, ic, nil, nil, nil, Hooks{})

	write := func() error {
		w := &icWriters{b: &bulkRun{s: s}}
		page := &pageWrites{}
		w.inFly.Add(1)
		page.wg.Add(1)
		w.write(ctx, pendingIC{page: page, link: l, body: map[string]any{"phone": "x"}}, func() {})
		return w.failed()
	}
	require.NoError(t, write(), "recorded as a sync error, the run goes on")
	errs, err := db.ListSyncErrors(ctx, store.ListSyncErrorsParams{Installation: tandem.DefaultInstallation})
	require.NoError(t, err)
	require.Len(t, errs, 1)

	_, err = db.SQL().ExecContext(ctx, `DROP TABLE tandem_sync_errors`)
	require.NoError(t, err)
	require.Error(t, write(), "not recorded: the run stops")
}
