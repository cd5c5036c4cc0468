package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/usecase"
)

func newErrorsCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "errors [--all] [--category people|companies|cases|tasks] [--config FILE]",
		Short: "list sync errors grouped by cause, or queue retries (tandem errors retry ID | --group KEY)",
		Long: "List the sync errors: first the open ones grouped by cause (system, code, field) with the key\n" +
			"`tandem errors retry --group KEY` takes, then every error with its id.\n\n" +
			"Only the database settings of the configuration are needed: no API credentials.",
		Args: noArgs,
	}
	path := cmd.PersistentFlags().String("config", c.getenv("TANDEM_CONFIG"), "YAML configuration file (environment variables TANDEM_* override it)")
	all := cmd.Flags().Bool("all", false, "include resolved errors")
	category := cmd.Flags().String("category", "", "only errors of people, companies, cases or tasks")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		db, err := c.openDatabase(ctx, *path)
		if err != nil {
			return err
		}
		defer db.Close()
		return c.listErrors(ctx, db.UseCases, *all, *category)
	})
	cmd.AddCommand(newErrorsRetryCmd(c, path))
	return cmd
}

func newErrorsRetryCmd(c *base, path *string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retry (ID | --group KEY) [--config FILE]",
		Short: "queue a retry of one sync error, or of every open error of a group, for the running bridge",
		Long: "Queue a retry of sync error ID (or of every open error of the group KEY, as `tandem errors`\n" +
			"lists it) for the running bridge's workers. Only the database is touched, so this works while\n" +
			"Salesforce or Intercom is unreachable; an error resolves itself when its retried write succeeds.",
		Args: func(cmd *cobra.Command, args []string) error {
			group, _ := cmd.Flags().GetString("group")
			switch {
			case len(args) > 1:
				return usageError("unexpected argument %q", args[1])
			case len(args) == 1 && group != "":
				return usageError("give a sync error ID or --group KEY, not both")
			case len(args) == 0 && group == "":
				return usageError("tandem errors retry ID, or tandem errors retry --group KEY")
			}
			return nil
		},
	}
	group := cmd.Flags().String("group", "", "retry every open error of this group (system/code/field, as listed)")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, args []string) error {
		var (
			id    int64
			cause usecase.Cause
			err   error
		)
		if len(args) == 1 {
			if id, err = strconv.ParseInt(args[0], 10, 64); err != nil || id <= 0 {
				return usageError("sync error id must be a positive number, not %q", args[0])
			}
		} else if cause, err = usecase.ParseCause(*group); err != nil {
			return usageError("--group: %s", tandem.ErrorMessage(err))
		}
		db, err := c.openDatabase(ctx, *path)
		if err != nil {
			return err
		}
		defer db.Close()
		if id != 0 {
			if _, err := db.UseCases.RetrySyncError(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "retry of sync error %d queued; it resolves itself when the write succeeds\n", id)
			return nil
		}
		res, err := db.UseCases.RetrySyncErrorGroup(ctx, cause)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "retry of %d sync errors of %s queued; each resolves itself when its write succeeds\n", res.Queued, res.Cause)
		if len(res.Skipped) > 0 {
			fmt.Fprintf(c.out, "%d errors name no record to retry and stay open: %v\n", len(res.Skipped), res.Skipped)
		}
		return nil
	})
	return cmd
}

// openDatabase opens the configured database for a command that needs
// nothing else (no API credentials, no vendor calls).
func (c *base) openDatabase(ctx context.Context, path string) (*app.Database, error) {
	cfg, err := c.loadDatabaseConfig(path)
	if err != nil {
		return nil, err
	}
	return app.OpenDatabase(ctx, cfg, c.quietLogger())
}

func (c *base) listErrors(ctx context.Context, uc *usecase.Service, all bool, category string) error {
	var errs []usecase.SyncErrorList
	after := int64(0)
	for {
		page, err := uc.ListSyncErrors(ctx, usecase.ListSyncErrorsParams{IncludeResolved: all, Category: category, AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		errs = append(errs, page)
		if page.NextAfter == 0 {
			break
		}
		after = page.NextAfter
	}
	if len(errs[0].Errors) == 0 {
		fmt.Fprintln(c.out, "no sync errors")
		return nil
	}
	if groups := errs[0].Groups; len(groups) > 0 {
		tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "GROUP\tRECORDS\tTIMES\tLATEST REASON")
		for _, g := range groups {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", g.Cause, g.Errors, g.Occurrences, g.Reason)
		}
		tw.Flush()
		fmt.Fprintln(c.out)
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOBJECT\tINTERCOM\tSALESFORCE\tFIELD\tCODE\tTIMES\tLAST SEEN\tREASON")
	for _, page := range errs {
		for _, e := range page.Errors {
			state := ""
			if e.ResolvedAt != nil {
				state = " (resolved)"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s%s\n", e.ID, e.Object, e.IntercomID, e.SalesforceID, e.Field, e.Code,
				e.Count, e.LastSeen.Format("2006-01-02 15:04"), e.Reason, state)
		}
	}
	return tw.Flush()
}
