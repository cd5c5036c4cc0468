// Package cli implements tandem's subcommands. It is the only package, with
// internal/app, that reads flags and the environment.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
)

// Env looks up an environment variable (os.Getenv in production).
type Env func(string) string

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, c *base, args []string) error
}

// base is what every command receives.
type base struct {
	getenv Env
	out    io.Writer
	errOut io.Writer
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, c *base, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

func init() {
	register("version", "print the version", func(_ context.Context, c *base, _ []string) error {
		fmt.Fprintln(c.out, "tandem", Version())
		return nil
	})
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// errUsage marks an error whose message is a usage problem (exit code 2).
var errUsage = errors.New("usage")

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, getenv Env, out, errOut io.Writer) int {
	c := &base{getenv: getenv, out: out, errOut: errOut}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "tandem: unknown command %q\n\n", args[0])
		usage(errOut)
		return 2
	}
	if err := cmd.run(ctx, c, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(errOut, "tandem %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "tandem keeps Intercom and Salesforce in sync.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: tandem <command> [flags]   (tandem <command> -h for its flags)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// Version returns the module version baked in by the Go toolchain.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
