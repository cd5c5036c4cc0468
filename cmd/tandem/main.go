// Command tandem is the Intercom ⇄ Salesforce bridge. See `tandem help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/tandemhq/tandem/internal/cli"
)

// gcPercent is the collector's pace unless GOGC says otherwise. tandem's
// live heap stays at tens of megabytes however many records a sync
// handles, while a bulk sync allocates gigabytes over its run: at Go's
// default of 100 the collector ran every few megabytes. At 400 it runs a
// quarter as often. The soft memory limit (see memoryLimit), unless
// GOMEMLIMIT says otherwise, has it run more often again as the heap nears
// the limit, which only a bulk sync holding its records in memory comes
// close to (see docs/configuration.md, "Memory").
const (
	gcPercent          = 400
	defaultMemoryLimit = 192 << 20
)

// cgroupLimits are the files that hold the memory a process's control
// group may use: cgroup v2's, then v1's.
var cgroupLimits = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		var limits []string
		for _, f := range cgroupLimits {
			if b, err := os.ReadFile(f); err == nil {
				limits = append(limits, string(b))
			}
		}
		debug.SetMemoryLimit(memoryLimit(limits...))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// memoryLimit is the collector's soft limit: 192 MiB, or half the memory
// the process's control group may use when that is less (cgroupMax are
// the contents of its limit files), so that a container given little
// memory is not killed for garbage the collector had not yet freed. The
// other half leaves room for SQLite's page cache and the rest of the
// process.
func memoryLimit(cgroupMax ...string) int64 {
	limit := int64(defaultMemoryLimit)
	for _, v := range cgroupMax {
		// "max" (no limit) and v1's huge "unlimited" leave the default.
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 && n/2 < limit {
			limit = n / 2
		}
	}
	return limit
}
