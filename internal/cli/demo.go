package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/tasks"
)

func newDemoCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo [--listen ADDR] [--intercom-listen ADDR] [--salesforce-listen ADDR] [--data DIR] [--poll-interval 5s] [-v]",
		Short: "run both simulators and the bridge in one process",
		Long: "Start a simulated Intercom workspace and a simulated Salesforce org, seeded with overlapping\n" +
			"people and companies, and the bridge on SQLite; print the URLs and one line per synced change.\n" +
			"Every token and secret is \"demo\".",
		Args: noArgs,
	}
	fs := cmd.Flags()
	listen := fs.String("listen", "127.0.0.1:8080", "bridge address")
	icListen := fs.String("intercom-listen", "127.0.0.1:8081", "Intercom simulator address")
	sfListen := fs.String("salesforce-listen", "127.0.0.1:8082", "Salesforce simulator address")
	dataDir := fs.String("data", "", "directory for the bridge's SQLite database (default: a new temporary directory)")
	poll := fs.Duration("poll-interval", 5*time.Second, "how often Salesforce is polled for changes")
	verbose := fs.BoolP("verbose", "v", false, "log every request and job, not only synced changes")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		if *poll <= 0 {
			return usageError("--poll-interval must be positive")
		}
		dir := *dataDir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "tandem-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		level := slog.LevelWarn
		if *verbose {
			level = slog.LevelInfo
		}
		log := slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: level}))
		p := &printer{w: c.out}
		d, err := app.StartDemo(ctx, app.DemoOptions{
			Listen: *listen, IntercomListen: *icListen, SalesforceListen: *sfListen,
			DataDir: dir, PollInterval: *poll, Seed: true, Inbox: true, Ownership: true, Cases: true, Log: log,
			Options: app.Options{Hooks: syncer.Hooks{OnWrite: p.write, OnLink: p.link, OnSyncError: p.syncError, OnVerdict: p.unwritten},
				OnCase: p.caseLine, OnTask: p.task},
		})
		if err != nil {
			return err
		}
		defer d.Close()
		d.PrintURLs(c.out)
		fmt.Fprintf(c.out, "Database: SQLite in %s; Salesforce is polled every %s. Ctrl-C stops the demo.\n\n", dir, *poll)
		<-ctx.Done()
		fmt.Fprintln(c.out, "\nstopping")
		return nil
	})
	return cmd
}

// printer writes one readable line per synced change.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, time.Now().Format("15:04:05")+"  "+format+"\n", args...)
}

func (p *printer) write(e tandem.AuditEntry) {
	if e.Direction == tandem.ToSalesforce {
		p.line("Intercom %s %s → Salesforce %s %s  %s: %q → %q  (%s)", e.Object.IntercomKind(), e.IntercomID,
			e.Object.SObject(), e.SalesforceID, e.Field, e.OldValue, e.NewValue, e.Cause)
		return
	}
	p.line("Salesforce %s %s → Intercom %s %s  %s: %q → %q  (%s)", e.Object.SObject(), e.SalesforceID,
		e.Object.IntercomKind(), e.IntercomID, e.Field, e.OldValue, e.NewValue, e.Cause)
}

func (p *printer) link(action string, l tandem.Link) {
	how := l.MatchedBy
	if l.MatchKey != "" {
		how += " " + l.MatchKey
	}
	p.line("link %-7s Intercom %s %s ↔ Salesforce %s %s  (%s)", action, l.Object.IntercomKind(), l.IntercomID,
		l.Object.SObject(), l.SalesforceID, how)
}

func (p *printer) unwritten(u syncer.Unwritten) {
	l := u.Link
	target := fmt.Sprintf("Salesforce %s %s", l.Object.SObject(), l.SalesforceID)
	owner := "Intercom"
	if u.Direction == tandem.ToIntercom {
		target, owner = fmt.Sprintf("Intercom %s %s", l.Object.IntercomKind(), l.IntercomID), "Salesforce"
	}
	p.line("%-11s %s  %s: %q stays (%s has %q)", u.Verdict, target, u.Field, u.Kept, owner, u.Owner)
}

func (p *printer) caseLine(r cases.Result) {
	what := "updated"
	if r.Created {
		what = "created"
	}
	p.line("case %-7s Intercom conversation %s → Salesforce Case %s (%s)  (%s)  %s", what, r.ConversationID, r.CaseNumber, r.CaseID, r.Trigger, r.URL)
}

func (p *printer) syncError(e tandem.SyncError) {
	p.line("sync error  %s %s/%s: %s", e.Object, e.IntercomID, e.SalesforceID, e.Reason)
}

func (p *printer) task(e tasks.Event) {
	about := ""
	if e.WhatID != "" {
		about = " re Opportunity " + e.WhatID
	}
	status := e.Status
	if status == "" {
		status = "open"
	}
	owner := ""
	if e.OwnerNote != "" {
		owner = "; integration user: " + e.OwnerNote
	}
	p.line("Task %-7s Salesforce Task %s on %s %s%s  %q [%s]  (Intercom conversation %s, %s%s)", e.Action, e.TaskID,
		e.WhoObject, e.WhoID, about, e.Subject, status, e.IntercomID(), e.Trigger, owner)
}
