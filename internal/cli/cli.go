// Package cli implements tandem's subcommands on spf13/cobra. It is the
// only package, with internal/app and internal/config, that reads flags and
// the environment.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tandemhq/tandem"
)

// Env looks up an environment variable (os.Getenv in production).
type Env func(string) string

// base is what every command receives.
type base struct {
	getenv Env
	out    io.Writer
	errOut io.Writer
	// ran is set once a command's own code runs: an error before that is
	// cobra's (an unknown command or flag, wrong arguments), so a usage
	// error.
	ran bool
}

// errUsage marks an error whose message is a usage problem (exit code 2).
var errUsage = errors.New("usage")

// usageError returns an error that exits 2 with the given message.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// errUsagePrinted exits 2 without a message: the usage was printed already.
var errUsagePrinted = errors.New("usage printed")

// Run executes the command line args and returns the process exit code:
// 0 on success (and for --help), 2 for a usage error, 1 for any other
// failure.
func Run(ctx context.Context, args []string, getenv Env, out, errOut io.Writer) int {
	c := &base{getenv: getenv, out: out, errOut: errOut}
	root := newRoot(c)
	root.SetArgs(normalizeArgs(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if errors.Is(err, errUsagePrinted) {
		return 2
	}
	usage := errors.Is(err, errUsage) || !c.ran
	msg := err.Error()
	if errors.Is(err, errUsage) {
		msg = strings.TrimPrefix(msg, errUsage.Error()+": ")
	} else if te, ok := err.(*tandem.Error); ok {
		msg = te.Message
	}
	fmt.Fprintf(errOut, "%s: %s\n", cmd.CommandPath(), msg)
	if usage {
		fmt.Fprintf(errOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return 2
	}
	return 1
}

// newRoot builds the command tree. It is built for every Run: commands
// hold no state between runs.
func newRoot(c *base) *cobra.Command {
	root := &cobra.Command{
		Use:   "tandem",
		Short: "tandem keeps Intercom and Salesforce in sync.",
		Long: "tandem keeps Intercom and Salesforce in sync: people and companies along the direction chosen\n" +
			"for each attribute, Leads created from Intercom, and every failure explained.",
		Version:       Version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		// Bare `tandem` is a usage error: print the usage where errors go.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q", args[0])
			}
			cmd.SetOut(c.errOut)
			_ = cmd.Usage()
			return errUsagePrinted
		},
	}
	root.SetOut(c.out)
	root.SetErr(c.errOut)
	root.SetVersionTemplate("tandem {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return fmt.Errorf("%w: %v", errUsage, err) })
	root.AddCommand(
		newDemoCmd(c),
		newServeCmd(c),
		newSyncCmd(c),
		newMigrateCmd(c),
		newErrorsCmd(c),
		newLeadCmd(c),
		newSettingsCmd(c),
		newSimCmd(c),
		newBenchCmd(c),
		newVersionCmd(c),
	)
	return root
}

// run wraps a command's code: it marks that the command itself ran (see
// base.ran) and passes the context on.
func (c *base) run(fn func(ctx context.Context, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c.ran = true
		return fn(cmd.Context(), cmd, args)
	}
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageError("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usageError("unexpected argument %q", args[0])
	}
	return nil
}

// normalizeArgs rewrites the single-dash long flags Go's flag package
// accepted (-listen ADDR, -config=F) into the double-dash form cobra reads,
// so command lines written for earlier versions keep working. Only names
// that are long flags of the command being run are rewritten; "--" ends
// the flags.
func normalizeArgs(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	known := func(name string) bool {
		return cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil ||
			(name == "help" || name == "version")
	}
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && known(name) {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// configFlag adds --config (default $TANDEM_CONFIG) to fs.
func configFlag(c *base, fs *pflag.FlagSet) *string {
	return fs.String("config", c.getenv("TANDEM_CONFIG"), "YAML configuration file (environment variables TANDEM_* override it)")
}
