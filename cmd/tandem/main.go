// Command tandem is the Intercom ⇄ Salesforce bridge. See `tandem help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tandemhq/tandem/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
