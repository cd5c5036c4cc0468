package cli

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

func newSimCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim intercom|salesforce --listen ADDR",
		Short: "run a standalone simulator of Intercom or Salesforce",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError("tandem sim intercom|salesforce --listen ADDR")
		},
	}
	cmd.AddCommand(newIntercomSimCmd(c), newSalesforceSimCmd(c))
	return cmd
}

// serveUntil runs srv on ln until ctx ends, then shuts it down gracefully.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
