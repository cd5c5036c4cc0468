package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem/intercom/intercomsim"
)

func init() { sims["intercom"] = runIntercomSim }

// runIntercomSim serves a seeded simulated Intercom workspace until ctx ends.
func runIntercomSim(ctx context.Context, c *base, args []string) error {
	fs := flag.NewFlagSet("sim intercom", flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on")
	token := fs.String("token", "test-token", "bearer token the simulator accepts")
	secret := fs.String("client-secret", "test-secret", "client secret signing webhooks and canvas requests")
	webhookURL := fs.String("webhook-url", "", "URL subscribed to every webhook topic")
	seed := fs.Int64("seed", 1, "seed of the generated workspace data")
	retry := fs.String("webhook-retry", "1m", "comma-separated waits before each redelivery of a failed webhook (e.g. 1s,5s); \"none\" disables retries")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	delays, err := parseRetryDelays(*retry)
	if err != nil {
		return fmt.Errorf("%w: --webhook-retry: %v", errUsage, err)
	}
	sim := intercomsim.New(intercomsim.Options{Token: *token, ClientSecret: *secret, WebhookRetryDelays: delays})
	defer sim.Close()
	if *webhookURL != "" {
		sim.Subscribe(*webhookURL, nil)
	}
	sim.Seed(intercomsim.SeedOptions{Seed: *seed})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.out, "intercom simulator listening on http://%s\ntoken: %s\n", ln.Addr(), *token)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		<-errc
		return nil
	case err := <-errc:
		return err
	}
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
