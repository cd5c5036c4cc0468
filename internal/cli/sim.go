package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// sims holds the standalone simulator servers, one file each (sim_*.go).
var sims = map[string]func(ctx context.Context, c *base, args []string) error{}

func init() {
	register("sim", "run a standalone simulator: tandem sim intercom|salesforce --listen ADDR", runSim)
}

func runSim(ctx context.Context, c *base, args []string) error {
	names := make([]string, 0, len(sims))
	for n := range sims {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return fmt.Errorf("%w: tandem sim %s --listen ADDR", errUsage, strings.Join(names, "|"))
	}
	if isHelp(args[0]) {
		fmt.Fprintf(c.out, "Usage: tandem sim %s [flags]   (tandem sim NAME -h for its flags)\n", strings.Join(names, "|"))
		return nil
	}
	run, ok := sims[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown simulator %q (have %s)", errUsage, args[0], strings.Join(names, ", "))
	}
	return run(ctx, c, args[1:])
}
