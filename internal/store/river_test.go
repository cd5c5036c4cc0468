package store_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// pushArgs is a job caused by a link write.
type pushArgs struct {
	LinkID int64 `json:"link_id"`
}

func (pushArgs) Kind() string { return "store_test_push" }

// newRiverClient returns a River client over db's driver with the tuned
// fetch settings; worked receives the link of each job worked.
func newRiverClient(t *testing.T, db *store.DB, worked chan<- tandem.Link) *river.Client[*sql.Tx] {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[pushArgs]) error {
		l, err := db.LinkByID(ctx, job.Args.LinkID)
		if err != nil {
			return err
		}
		worked <- l
		return nil
	}))
	cfg := &river.Config{
		Logger:   slog.New(slog.DiscardHandler),
		Queues:   map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:  workers,
		TestOnly: true,
	}
	store.RiverTuning(db.Dialect()).Apply(cfg)
	client, err := river.NewClient(db.RiverDriver(), cfg)
	require.NoError(t, err)
	return client
}

func TestRiverInsertTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, open := range storetest.Engines() {
		t.Run(name+"/Commit", func(t *testing.T) {
			t.Parallel()
			db := open(t)
			worked := make(chan tandem.Link, 1)
			client := newRiverClient(t, db, worked)
			require.NoError(t, client.Start(ctx))
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				require.NoError(t, client.Stop(ctx))
			})

			var stored tandem.Link
			require.NoError(t, db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				stored, err = tx.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation,
					Object: tandem.ObjectContact, IntercomID: "ic1", SalesforceID: "003A", MatchedBy: "email"})
				if err != nil {
					return err
				}
				_, err = client.InsertTx(ctx, tx.SQLTx(), pushArgs{LinkID: stored.ID}, nil)
				return err
			}))
			select {
			case got := <-worked:
				require.Equal(t, stored, got, "the job saw the link committed with it")
			case <-time.After(20 * time.Second):
				t.Fatal("job was not worked")
			}
		})

		t.Run(name+"/Rollback", func(t *testing.T) {
			t.Parallel()
			db := open(t)
			client := newRiverClient(t, db, make(chan tandem.Link, 1))
			boom := errors.New("boom")
			err := db.InTx(ctx, func(tx *store.Tx) error {
				l, err := tx.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation,
					Object: tandem.ObjectContact, IntercomID: "ic1", SalesforceID: "003A"})
				require.NoError(t, err)
				_, err = client.InsertTx(ctx, tx.SQLTx(), pushArgs{LinkID: l.ID}, nil)
				require.NoError(t, err)
				var jobs int
				require.NoError(t, tx.SQLTx().QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs))
				require.Equal(t, 1, jobs, "the job is visible inside the transaction")
				return boom
			})
			require.ErrorIs(t, err, boom)
			_, err = db.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, "ic1")
			require.True(t, store.IsNotFound(err))
			var jobs int
			require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs))
			require.Zero(t, jobs)
		})
	}
}
