package app

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
)

// riverUIPath is where the console mounts River's UI (console.Config.JobsUI).
const riverUIPath = "/admin/jobs/river"

// newJobsUI builds River's UI over the app's River client. River's UI
// reads and changes the queue through the client's driver, so it serves
// both engines: Postgres (through database/sql) and SQLite. Its
// background work (cached job counts) runs once started with Start.
func newJobsUI(client *river.Client[*sql.Tx], log *slog.Logger) (*riverui.Handler, error) {
	return riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		// Job arguments carry record ids and field names, no secrets,
		// but they are long: shown when a job is opened.
		JobListHideArgsByDefault: true,
		Logger:                   log.With(slog.String("component", "riverui")),
		Prefix:                   riverUIPath,
	})
}

// startJobsUI starts River's UI's background work until Close.
func (a *App) startJobsUI() error {
	if a.jobsUI == nil || a.stopJobsUI != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.jobsUI.Start(ctx); err != nil {
		cancel()
		return err
	}
	a.stopJobsUI = cancel
	return nil
}
