package console_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"riverqueue.com/riverui"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/console"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/usecase"
)

// BenchmarkConsolePages times every page over an installation of 100,000
// links, each with synced fields, 100,000 audit entries and two days of
// sync lag, on SQLite and (with TANDEM_TEST_DATABASE_URL) Postgres. Each
// page reports its mean (ms/op) and worst (worst-ms) answer time:
//
//	go test ./internal/console/ -run '^$' -bench ConsolePages -benchtime 20x
func BenchmarkConsolePages(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) { benchmarkConsolePages(b, engine.open(b)) })
	}
}

func benchmarkConsolePages(b *testing.B, db *store.DB) {
	ctx := context.Background()
	const n = 100_000
	now := time.Now()
	for start := 0; start < n; start += 1000 {
		links := make([]tandem.Link, 0, 1000)
		for i := start; i < start+1000; i++ {
			links = append(links, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
				IntercomID: fmt.Sprintf("ic%06d", i), SalesforceID: fmt.Sprintf("003%015d", i), MatchedBy: "email",
				MatchKey: fmt.Sprintf("person%06d@example.com", i)})
		}
		saved, err := db.UpsertLinks(ctx, links)
		require.NoError(b, err)
		shadows := map[int64]map[string]string{}
		entries := make([]tandem.AuditEntry, 0, 1000)
		for i, l := range saved {
			shadows[l.ID] = map[string]string{"sf:Phone": fmt.Sprintf("+1 555 %06d", start+i), "ic:name": fmt.Sprintf("Person %06d", start+i)}
			entries = append(entries, tandem.AuditEntry{InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
				Object: l.Object, IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: "Phone",
				NewValue: shadows[l.ID]["sf:Phone"], Cause: tandem.CauseBulk, At: now.Add(-time.Duration(n-start-i) * time.Second)})
		}
		require.NoError(b, db.SetShadowsMany(ctx, shadows))
		require.NoError(b, db.InsertAudit(ctx, entries...))
	}
	// Two days of sync lag (as long as the database keeps it), both
	// directions, three buckets a minute: the lag charts' worst case is
	// every bucket, a busy installation's is a few.
	var lag []store.LagCount
	for m := now.Unix()/60 - 2*24*60; m <= now.Unix()/60; m++ {
		for _, dir := range []tandem.Direction{tandem.ToSalesforce, tandem.ToIntercom} {
			for bucket := 2; bucket < 5; bucket++ {
				lag = append(lag, store.LagCount{Direction: dir, Minute: m, Bucket: bucket, Samples: 1 + int(m)%7})
			}
		}
	}
	for len(lag) > 0 {
		n := min(len(lag), 1000)
		require.NoError(b, db.AddLag(ctx, tandem.DefaultInstallation, lag[:n]))
		lag = lag[n:]
	}
	if db.Dialect() == store.DialectPostgres {
		// Fresh planner statistics, as autovacuum keeps them on a live
		// database: with the statistics of empty tables Postgres plans
		// every look-up as a scan.
		_, err := db.SQL().ExecContext(ctx, `ANALYZE`)
		require.NoError(b, err)
	}
	person, err := db.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, "ic050000")
	require.NoError(b, err)
	jobs, err := river.NewClient(db.RiverDriver(), &river.Config{})
	require.NoError(b, err)
	uc := usecase.New(usecase.Config{Store: db, Jobs: jobs})
	jobsUI, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(jobs, nil),
		Logger: slog.New(slog.DiscardHandler), Prefix: "/admin/jobs/river"})
	require.NoError(b, err)
	c, err := console.New(console.Config{UseCases: uc, AdminToken: "secret", Sessions: db, JobsUI: jobsUI})
	require.NoError(b, err)
	srv := httptest.NewServer(c)
	b.Cleanup(srv.Close)
	cl := newClient(b, srv.URL)
	status, _, _ := cl.do("POST", "/admin/signin", url.Values{"token": {"secret"}})
	require.Equal(b, http.StatusSeeOther, status)

	for _, p := range []string{"/admin/", "/admin/errors", "/admin/bulk", "/admin/people?q=person05", "/admin/people?q=Person%2009",
		"/admin/people?q=003000000000050000", fmt.Sprintf("/admin/people/%d", person.ID), "/admin/audit", "/admin/audit?record=ic050000",
		"/admin/audit?field=Phone&cause=bulk", "/admin/jobs", "/admin/jobs/river/", "/admin/jobs/river/api/jobs?state=completed",
		"/admin/settings"} {
		b.Run(p, func(b *testing.B) {
			var worst, total time.Duration
			for b.Loop() {
				start := time.Now()
				status, _, _ := cl.do("GET", p, nil)
				took := time.Since(start)
				worst, total = max(worst, took), total+took
				require.Equal(b, http.StatusOK, status)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
