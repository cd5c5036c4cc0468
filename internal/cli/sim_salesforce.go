package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

func newSalesforceSimCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "salesforce [--listen ADDR] [--token T] [--seed N|demo|none]",
		Short: "serve a simulated Salesforce org",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	listen := fs.String("listen", "127.0.0.1:8082", "address to listen on")
	token := fs.String("token", "test-token", "bearer access token the simulator accepts")
	seed := fs.String("seed", "1", "org data: a number seeds generated data, demo the Salesforce half of the demo's people and companies, none (or 0) an empty org")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		return c.runSalesforceSim(ctx, *listen, *token, *seed)
	})
	return cmd
}

// runSalesforceSim serves a simulated Salesforce org until ctx is done.
func (c *base) runSalesforceSim(ctx context.Context, listen, token, seed string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	instance := "http://" + ln.Addr().String()
	sim := sfsim.New(sfsim.Options{Token: token, InstanceURL: instance, CustomFields: sfsim.DefaultCustomFields()})
	if seed == "0" {
		seed = "none"
	}
	if err := app.SeedSimulator("salesforce", nil, sim, seed); err != nil {
		return usageError("--seed: %v", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.out, "salesforce simulator listening\n  instance_url: %s\n  access_token: %s\n  try: curl -H 'Authorization: Bearer %s' '%s/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+LIMIT+5'\n",
		instance, token, token, instance)
	return serveUntil(ctx, srv, ln)
}
