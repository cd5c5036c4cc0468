package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
)

// loadConfig loads the whole configuration: the file at path, then
// TANDEM_* overrides.
func (c *base) loadConfig(path string) (config.Config, error) {
	return config.Load(c.getenv, path)
}

// loadDatabaseConfig loads the configuration for a command that only uses
// the database: API credentials may be missing.
func (c *base) loadDatabaseConfig(path string) (config.Config, error) {
	return config.LoadDatabase(c.getenv, path)
}

// withApp runs fn over a bridge built from the configuration at path that
// runs no jobs (one-shot commands: it may queue them for a running bridge),
// and closes it afterwards.
func (c *base) withApp(ctx context.Context, path string, fn func(a *app.App) error) error {
	cfg, err := c.loadConfig(path)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, c.quietLogger(), app.Options{NoWorkers: true})
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// quietLogger logs warnings and errors only (one-shot commands).
func (c *base) quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func (c *base) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func newServeCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve [--config FILE]",
		Short: "run the bridge: webhooks, JSON API, jobs and pollers",
		Args:  noArgs,
	}
	path := configFlag(c, cmd.Flags())
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		cfg, err := c.loadConfig(*path)
		if err != nil {
			return err
		}
		log := c.logger()
		a, err := app.New(ctx, cfg, log, app.Options{})
		if err != nil {
			return err
		}
		defer a.Close()
		url, err := a.Start(ctx, cfg.Listen)
		if err != nil {
			return err
		}
		log.Info("tandem is running", slog.String("url", url), slog.String("webhook_url", url+"/intercom/webhooks"),
			slog.String("database", a.Store.Dialect()), slog.Duration("poll_interval", cfg.Sync.PollInterval))
		go a.LogFirstAlignmentPlan(ctx)
		return a.Wait(ctx)
	})
	return cmd
}

func newMigrateCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate [--config FILE]",
		Short: "create or upgrade the database schema (needs only the database settings)",
		Long: "Create the database (SQLite) or its tables (Postgres) and apply pending schema migrations,\n" +
			"printing each one applied. Only data_dir and database_url are read from the configuration.",
		Args: noArgs,
	}
	path := configFlag(c, cmd.Flags())
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		cfg, err := c.loadDatabaseConfig(*path)
		if err != nil {
			return err
		}
		rep, err := app.Migrate(ctx, cfg)
		if rep.Created {
			fmt.Fprintf(c.out, "created SQLite database %s\n", rep.File)
		}
		for _, m := range rep.Applied {
			fmt.Fprintf(c.out, "applied migration %s\n", m)
		}
		for _, m := range rep.RiverApplied {
			fmt.Fprintf(c.out, "applied job queue (River) migration %s\n", m)
		}
		if err != nil {
			return err
		}
		where := "Postgres"
		if rep.File != "" {
			where = "SQLite " + rep.File
		}
		if len(rep.Applied)+len(rep.RiverApplied) == 0 {
			fmt.Fprintf(c.out, "database (%s) was up to date: nothing to apply\n", where)
		} else {
			fmt.Fprintf(c.out, "database (%s) is up to date\n", where)
		}
		return nil
	})
	return cmd
}
