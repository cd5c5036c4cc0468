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
// quarter as often. memoryLimit, unless GOMEMLIMIT says otherwise, has it
// run more often again as the heap nears 192 MiB, which only a bulk sync
// holding its records in memory comes close to (see
// docs/configuration.md, "Memory").
const (
	gcPercent   = 400
	memoryLimit = 192 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
