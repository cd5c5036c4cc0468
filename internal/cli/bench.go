package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/bench"
)

func newBenchCmd(c *base) *cobra.Command {
	d := bench.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "bench [--pairs N] [--out-of-sync F] [--json] …",
		Short: "measure one bulk sync against the simulators (tandem bench latency: propagation latency)",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	pairs := fs.Int("pairs", d.Pairs, "linked record pairs (85% users ↔ Contacts, 10% companies ↔ Accounts, 5% leads ↔ Leads)")
	outOfSync := fs.Float64("out-of-sync", d.OutOfSync, "fraction of pairs whose mapped values differ")
	unlinked := fs.Float64("unlinked", d.Unlinked, "people on each side without a match, as a fraction of --pairs")
	sfLatency := fs.Duration("sf-latency", d.SalesforceLatency, "latency of every Salesforce call")
	icLatency := fs.Duration("ic-latency", d.IntercomLatency, "latency of every Intercom call")
	icLimit := fs.Int("ic-rate-limit", d.IntercomRateLimit, "Intercom requests allowed per rate window")
	icWindow := fs.Duration("ic-rate-window", d.IntercomRateWindow, "Intercom rate-limit window")
	maxAccounts := fs.Int("max-accounts", d.MaxAccounts, "cap on companies ↔ Accounts pairs (0: none, 10 % of --pairs)")
	workers := fs.Int("ic-workers", 0, "concurrent Intercom writes (0: the bulk sync's default)")
	dbURL := fs.String("database-url", "", "an empty Postgres database to use instead of a temporary SQLite one")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the bulk sync alone (not seeding) to this file")
	simProfile := fs.String("sim-cpuprofile", "", "write a CPU profile of the simulator process over the same span to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile taken at the sync's highest live heap to this file")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		o := d
		for _, p := range []struct {
			path string
			w    *io.Writer
		}{{*cpuProfile, &o.CPUProfile}, {*memProfile, &o.HeapProfile}} {
			if p.path == "" {
				continue
			}
			f, err := os.Create(p.path)
			if err != nil {
				return err
			}
			defer f.Close()
			*p.w = f
		}
		o.Pairs, o.OutOfSync, o.Unlinked = *pairs, *outOfSync, *unlinked
		o.SalesforceLatency, o.IntercomLatency = *sfLatency, *icLatency
		o.IntercomRateLimit, o.IntercomRateWindow, o.IntercomWorkers = *icLimit, *icWindow, *workers
		o.DatabaseURL, o.MaxAccounts = *dbURL, *maxAccounts
		if *simProfile != "" {
			// The simulator process has its own working directory.
			abs, err := filepath.Abs(*simProfile)
			if err != nil {
				return err
			}
			o.SimulatorCPUProfile = abs
		}
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find this executable to run the simulators: %w", err)
		}
		o.Simulators = bench.SimulatorProcess(exe)
		if err := o.Validate(); err != nil {
			return usageError("%v", err)
		}
		if !*asJSON {
			fmt.Fprintf(c.errOut, "seeding %d pairs and running one bulk sync…\n", o.Pairs)
		}
		r, err := bench.Run(ctx, o)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(c.out)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		return r.WriteTable(c.out)
	})
	cmd.AddCommand(newBenchLatencyCmd(c), newBenchSimulatorsCmd(c))
	return cmd
}

// newBenchSimulatorsCmd is the simulator process `tandem bench` starts:
// it answers requests on its standard input and output, and is not meant
// to be run by hand.
func newBenchSimulatorsCmd(c *base) *cobra.Command {
	return &cobra.Command{
		Use:    "simulators",
		Short:  "serve the simulators of a `tandem bench` run (started by it)",
		Args:   noArgs,
		Hidden: true,
		RunE: c.run(func(_ context.Context, cmd *cobra.Command, _ []string) error {
			return bench.ServeSimulators(cmd.InOrStdin(), c.out)
		}),
	}
}

// newBenchLatencyCmd is `tandem bench latency`: how long one change takes
// to cross the bridge in each direction.
func newBenchLatencyCmd(c *base) *cobra.Command {
	d := bench.DefaultLatencyOptions()
	cmd := &cobra.Command{
		Use:   "latency [--changes 50] [--poll-interval 5s] [--json] …",
		Short: "measure how long one change takes to cross the bridge in each direction",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	changes := fs.Int("changes", d.Changes, "changes timed in each direction")
	pairs := fs.Int("pairs", d.Pairs, "linked user ↔ Contact pairs the changes rotate over")
	poll := fs.Duration("poll-interval", d.PollInterval, "how often the bridge polls Salesforce")
	spacing := fs.Duration("spacing", d.Spacing, "least pause between one change arriving and the next")
	timeout := fs.Duration("timeout", 0, "how long one change may take before it counts as missed (0: 3 poll intervals + 10s)")
	dbURL := fs.String("database-url", "", "a Postgres database to use instead of a temporary SQLite one")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		o := d
		o.Changes, o.Pairs, o.PollInterval, o.Spacing, o.Timeout, o.DatabaseURL = *changes, *pairs, *poll, *spacing, *timeout, *dbURL
		if err := o.Validate(); err != nil {
			return usageError("%v", err)
		}
		if !*asJSON {
			fmt.Fprintf(c.errOut, "timing %d changes each way over %d pairs, polling Salesforce every %s…\n", o.Changes, o.Pairs, o.PollInterval)
		}
		r, err := bench.Latency(ctx, o)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(c.out)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		return r.WriteTable(c.out)
	})
	return cmd
}
