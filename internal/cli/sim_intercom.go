package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
)

func newIntercomSimCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "intercom [--listen ADDR] [--token T] [--client-secret S] [--webhook-url URL] [--seed N|demo|none] [--webhook-retry WAITS]",
		Short: "serve a seeded simulated Intercom workspace",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on")
	token := fs.String("token", "test-token", "bearer token the simulator accepts")
	secret := fs.String("client-secret", "test-secret", "client secret signing webhooks and canvas requests")
	webhookURL := fs.String("webhook-url", "", "URL subscribed to every webhook topic")
	seed := fs.String("seed", "1", "workspace data: a number seeds generated data, demo the Intercom half of the demo's people and companies, none an empty workspace")
	retry := fs.String("webhook-retry", "1m", "comma-separated waits before each redelivery of a failed webhook (e.g. 1s,5s); \"none\" disables retries")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		return c.runIntercomSim(ctx, *listen, *token, *secret, *webhookURL, *seed, *retry)
	})
	return cmd
}

// runIntercomSim serves a seeded simulated Intercom workspace until ctx ends.
func (c *base) runIntercomSim(ctx context.Context, listen, token, secret, webhookURL, seed, retry string) error {
	delays, err := parseRetryDelays(retry)
	if err != nil {
		return usageError("--webhook-retry: %v", err)
	}
	sim := intercomsim.New(intercomsim.Options{Token: token, ClientSecret: secret, WebhookRetryDelays: delays})
	defer sim.Close()
	if webhookURL != "" {
		sim.Subscribe(webhookURL, nil)
	}
	if err := app.SeedSimulator("intercom", sim, nil, seed); err != nil {
		return usageError("--seed: %v", err)
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.out, "intercom simulator listening on http://%s\ntoken: %s\n", ln.Addr(), token)
	return serveUntil(ctx, srv, ln)
}

// parseRetryDelays parses a comma-separated list of webhook retry waits.
// "none" or "" gives an empty, non-nil list: failed webhooks are not
// redelivered.
func parseRetryDelays(v string) ([]time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "none" {
		return []time.Duration{}, nil
	}
	var out []time.Duration
	for part := range strings.SplitSeq(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if d < 0 {
			return nil, fmt.Errorf("negative wait %s", d)
		}
		out = append(out, d)
	}
	return out, nil
}
