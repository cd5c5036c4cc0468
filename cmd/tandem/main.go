// Command tandem is the Intercom ⇄ Salesforce bridge. See `tandem help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/tandemhq/tandem/internal/cli"
)

// gcPercent is the collector's pace unless GOGC says otherwise. tandem's
// live heap stays at tens of megabytes however many records a sync
// handles, while a bulk sync allocates gigabytes over its run: at Go's
// default of 100 the collector ran every few megabytes. At 400 it runs a
// quarter as often, for about 50 MB more at the peak (see
// docs/configuration.md, "Memory").
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
