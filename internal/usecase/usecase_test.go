package usecase_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/usecase"
)

type testBundle struct {
	db    *store.DB
	river *river.Client[*sql.Tx]
	uc    *usecase.Service
}

// setup returns a Service over a fresh database with an insert-only River
// client and no sync engine, as the command line builds it.
func setup(t *testing.T, open func(testing.TB) *store.DB) testBundle {
	t.Helper()
	db := open(t)
	rc, err := river.NewClient(db.RiverDriver(), &river.Config{})
	require.NoError(t, err)
	return testBundle{db: db, river: rc, uc: usecase.New(usecase.Config{Store: db, Jobs: rc})}
}

func engines(t *testing.T, fn func(t *testing.T, b testBundle)) {
	for name, open := range storetest.Engines() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, open))
		})
	}
}

func record(t *testing.T, db *store.DB, e tandem.SyncError) tandem.SyncError {
	t.Helper()
	if e.InstallationID == "" {
		e.InstallationID = tandem.DefaultInstallation
	}
	if e.Object == "" {
		e.Object = tandem.ObjectContact
	}
	if e.Operation == "" {
		e.Operation = "update_salesforce"
	}
	out, err := db.RecordSyncError(context.Background(), e)
	require.NoError(t, err)
	return out
}

func jobs(t *testing.T, rc *river.Client[*sql.Tx]) []*rivertype.JobRow {
	t.Helper()
	res, err := rc.JobList(context.Background(), river.NewJobListParams().First(1000))
	require.NoError(t, err)
	return res.Jobs
}

func TestRetrySyncError(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, b testBundle) {
		ctx := context.Background()
		e := record(t, b.db, tandem.SyncError{IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", System: "salesforce",
			Code: "STRING_TOO_LONG", Reason: "too long for ann@example.com"})

		res, err := b.uc.RetrySyncError(ctx, e.ID)
		require.NoError(t, err)
		require.Equal(t, e.ID, res.Error.ID)
		require.Positive(t, res.JobID)
		js := jobs(t, b.river)
		require.Len(t, js, 1)
		require.Equal(t, "tandem.intercom_change", js[0].Kind)
		require.Equal(t, res.JobID, js[0].ID)

		_, err = b.uc.RetrySyncError(ctx, 999999)
		require.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))

		require.NoError(t, b.db.ResolveSyncError(ctx, e.ID))
		_, err = b.uc.RetrySyncError(ctx, e.ID)
		require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err))

		nothing := record(t, b.db, tandem.SyncError{System: "salesforce", Code: "X", Field: "Phone"})
		_, err = b.uc.RetrySyncError(ctx, nothing.ID)
		require.Equal(t, tandem.EUNPROCESSABLE, tandem.ErrorCode(err))
		require.Len(t, jobs(t, b.river), 1, "no job for errors that cannot be retried")
	})
}

func TestSyncErrorGroupsByCause(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, b testBundle) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		// Three people fail on the same field for the same reason; each
		// reason names the person.
		for i := range 3 {
			record(t, b.db, tandem.SyncError{IntercomID: fmt.Sprint("ic", i), SalesforceID: fmt.Sprint("003", i), Field: "Email",
				System: "salesforce", Code: "INVALID_EMAIL_ADDRESS", LastSeen: t0.Add(time.Duration(i) * time.Minute),
				Reason: fmt.Sprintf("Salesforce does not accept person%d@example", i)})
		}
		record(t, b.db, tandem.SyncError{IntercomID: "ic9", SalesforceID: "0039", Field: "Phone", System: "salesforce",
			Code: "INVALID_EMAIL_ADDRESS", Reason: "other field"})
		record(t, b.db, tandem.SyncError{IntercomID: "ic8", Field: "Email", System: "intercom", Code: "INVALID_EMAIL_ADDRESS",
			Reason: "other system"})

		list, err := b.uc.ListSyncErrors(ctx, usecase.ListSyncErrorsParams{})
		require.NoError(t, err)
		require.Len(t, list.Errors, 5)
		require.Zero(t, list.NextAfter)
		require.Len(t, list.Groups, 3)
		g := list.Groups[0]
		require.Equal(t, usecase.Cause{System: "salesforce", Code: "INVALID_EMAIL_ADDRESS", Field: "Email"}, g.Cause)
		require.Equal(t, 3, g.Errors)
		require.Equal(t, "Salesforce does not accept person2@example", g.Reason, "the latest reason stands for the group")

		res, err := b.uc.RetrySyncErrorGroup(ctx, g.Cause)
		require.NoError(t, err)
		require.Equal(t, 3, res.Queued)
		require.Empty(t, res.Skipped)
		require.Len(t, jobs(t, b.river), 3)

		_, err = b.uc.RetrySyncErrorGroup(ctx, usecase.Cause{System: "salesforce", Code: "NOPE"})
		require.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))

		page, err := b.uc.ListSyncErrors(ctx, usecase.ListSyncErrorsParams{Limit: 2})
		require.NoError(t, err)
		require.Len(t, page.Errors, 2)
		require.Equal(t, page.Errors[1].ID, page.NextAfter)

		_, err = b.uc.ListSyncErrors(ctx, usecase.ListSyncErrorsParams{Object: "opportunity"})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})
}

func TestParseCause(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]usecase.Cause{
		"salesforce/STRING_TOO_LONG/Phone":                  {System: "salesforce", Code: "STRING_TOO_LONG", Field: "Phone"},
		"salesforce/UNABLE_TO_LOCK_ROW/":                    {System: "salesforce", Code: "UNABLE_TO_LOCK_ROW"},
		"salesforce/UNABLE_TO_LOCK_ROW":                     {System: "salesforce", Code: "UNABLE_TO_LOCK_ROW"},
		"intercom/parameter_invalid/custom_attributes.plan": {System: "intercom", Code: "parameter_invalid", Field: "custom_attributes.plan"},
	} {
		c, err := usecase.ParseCause(key)
		require.NoError(t, err, key)
		require.Equal(t, want, c, key)
		again, err := usecase.ParseCause(c.String())
		require.NoError(t, err)
		require.Equal(t, c, again)
	}
	for _, bad := range []string{"", "salesforce", "/CODE/F", "salesforce//F"} {
		_, err := usecase.ParseCause(bad)
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err), bad)
	}
}

func TestListLinksPaging(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, b testBundle) {
		ctx := context.Background()
		for i := range 5 {
			_, err := b.db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
				IntercomID: fmt.Sprint("ic", i), SalesforceID: fmt.Sprint("003", i), MatchedBy: "email"})
			require.NoError(t, err)
		}
		var seen []string
		after := int64(0)
		pages := 0
		for {
			p, err := b.uc.ListLinks(ctx, usecase.ListLinksParams{AfterID: after, Limit: 2})
			require.NoError(t, err)
			pages++
			for _, l := range p.Links {
				seen = append(seen, l.IntercomID)
			}
			if p.NextAfter == 0 {
				break
			}
			after = p.NextAfter
		}
		require.Equal(t, []string{"ic0", "ic1", "ic2", "ic3", "ic4"}, seen)
		require.Equal(t, 3, pages)

		_, err := b.uc.ListLinks(ctx, usecase.ListLinksParams{Limit: store.MaxLimit + 1})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
		_, err = b.uc.ListLinks(ctx, usecase.ListLinksParams{Object: "case"})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	})
}

func TestBulkSync(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	ctx := context.Background()

	_, err := b.uc.StartBulkSync(ctx, usecase.BulkSyncOptions{DryRun: true})
	require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err), "a dry run is planned, never started")
	_, err = b.uc.RunBulkSync(ctx, usecase.RunBulkSyncParams{BulkSyncOptions: usecase.BulkSyncOptions{DryRun: true}})
	require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
	_, err = b.uc.StartBulkSync(ctx, usecase.BulkSyncOptions{})
	require.Equal(t, tandem.EINTERNAL, tandem.ErrorCode(err), "no engine in this Service")
	_, err = b.uc.LatestBulkSync(ctx)
	require.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))

	run, err := b.db.CreateBulkSync(ctx, tandem.DefaultInstallation)
	require.NoError(t, err)
	v, err := b.uc.BulkSync(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, run.ID, v.ID)
	require.True(t, v.Running())
	latest, err := b.uc.LatestBulkSync(ctx)
	require.NoError(t, err)
	require.Equal(t, run.ID, latest.ID)
	_, err = b.uc.BulkSync(ctx, run.ID+1)
	require.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
}

func TestNewBulkSyncView(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	v := usecase.NewBulkSyncView(store.BulkSync{ID: 1, Status: store.BulkRunning, Total: 400, Done: 100, StartedAt: t0}, t0.Add(10*time.Second))
	require.InDelta(t, 25, v.Percent, 1e-9)
	require.InDelta(t, 10, v.Rate, 1e-9)
	require.NotNil(t, v.ETASeconds)
	require.InDelta(t, 30, *v.ETASeconds, 1e-9)

	end := t0.Add(20 * time.Second)
	v = usecase.NewBulkSyncView(store.BulkSync{ID: 1, Status: store.BulkDone, Total: 400, Done: 400, StartedAt: t0, FinishedAt: &end}, end.Add(time.Hour))
	require.InDelta(t, 20, v.Rate, 1e-9, "a finished run's rate ends when it finished")
	require.Nil(t, v.ETASeconds)
}

func TestCreateLeadValidates(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite)
	_, err := b.uc.CreateLead(context.Background(), usecase.CreateLeadParams{IntercomContactID: "  "})
	require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
}
