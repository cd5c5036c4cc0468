package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
)

func init() {
	register("serve", "run the bridge: tandem serve [--config FILE]", runServe)
	register("migrate", "create or upgrade the database schema: tandem migrate [--config FILE]", runMigrate)
}

// loadConfig parses --config and loads the configuration with environment
// overrides.
func loadConfig(c *base, name string, args []string) (config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	path := fs.String("config", c.getenv("TANDEM_CONFIG"), "YAML configuration file (environment variables TANDEM_* override it)")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, fs, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, fs, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := loadConfigFile(c, *path)
	return cfg, fs, err
}

func loadConfigFile(c *base, path string) (config.Config, error) {
	return config.Load(c.getenv, path)
}

// newQuietLogger logs warnings and errors only (one-shot commands).
func newQuietLogger(c *base) *slog.Logger {
	return slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func newLogger(c *base) *slog.Logger {
	return slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func runServe(ctx context.Context, c *base, args []string) error {
	cfg, _, err := loadConfig(c, "serve", args)
	if err != nil {
		return err
	}
	log := newLogger(c)
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
	return a.Wait(ctx)
}

func runMigrate(ctx context.Context, c *base, args []string) error {
	cfg, _, err := loadConfig(c, "migrate", args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL.Reveal(), DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "database (%s) is up to date\n", db.Dialect())
	return nil
}
