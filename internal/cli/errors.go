package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

func init() {
	register("errors", "list sync errors grouped by cause, or retry one: tandem errors [retry ID] [--all]", runErrors)
}

func runErrors(ctx context.Context, c *base, args []string) error {
	retryID := int64(0)
	if len(args) > 0 && args[0] == "retry" {
		if len(args) > 1 && isHelp(args[1]) {
			fmt.Fprintln(c.out, "Usage: tandem errors retry ID [--config FILE]   (queues a retry of sync error ID for the running bridge)")
			return nil
		}
		if len(args) < 2 {
			return fmt.Errorf("%w: tandem errors retry ID", errUsage)
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: sync error id must be a number, not %q", errUsage, args[1])
		}
		retryID, args = id, args[2:]
	}
	fs := flagSet(c, "errors")
	path := fs.String("config", c.getenv("TANDEM_CONFIG"), "YAML configuration file")
	all := fs.Bool("all", false, "include resolved errors")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfigFile(c, *path)
	if err != nil {
		return err
	}
	if retryID != 0 {
		return retryError(ctx, c, cfg, retryID)
	}
	db, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL.Reveal(), DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	groups, err := db.SyncErrorGroups(ctx, tandem.DefaultInstallation)
	if err != nil {
		return err
	}
	list, err := db.ListSyncErrors(ctx, store.ListSyncErrorsParams{Installation: tandem.DefaultInstallation, IncludeResolved: *all, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(c.out, "no sync errors")
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORDS\tTIMES\tSYSTEM\tCODE\tREASON")
	for _, g := range groups {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", g.Errors, g.Occurrences, g.System, g.Code, g.Reason)
	}
	tw.Flush()
	fmt.Fprintln(c.out)
	tw = tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOBJECT\tINTERCOM\tSALESFORCE\tFIELD\tCODE\tTIMES\tLAST SEEN\tREASON")
	for _, e := range list {
		state := ""
		if e.ResolvedAt != nil {
			state = " (resolved)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s%s\n", e.ID, e.Object, e.IntercomID, e.SalesforceID, e.Field, e.Code,
			e.Count, e.LastSeen.Format("2006-01-02 15:04"), e.Reason, state)
	}
	return tw.Flush()
}

// retryError enqueues the retry of one sync error for the running bridge.
func retryError(ctx context.Context, c *base, cfg config.Config, id int64) error {
	a, err := app.New(ctx, cfg, newQuietLogger(c), app.Options{NoWorkers: true})
	if err != nil {
		return err
	}
	defer a.Close()
	e, err := a.Store.GetSyncError(ctx, id)
	if err != nil {
		return err
	}
	if e.ResolvedAt != nil {
		return fmt.Errorf("sync error %d is already resolved", id)
	}
	args, err := jobs.RetryArgs(e)
	if err != nil {
		return err
	}
	if _, err := a.River.Insert(ctx, args, nil); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "retry of sync error %d queued; it resolves itself when the write succeeds\n", id)
	return nil
}

func flagSet(c *base, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	return fs
}
