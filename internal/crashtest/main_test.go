package crashtest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/tandemhq/tandem/internal/cli"
)

var (
	flagPairs = flag.Int("crash.pairs", 300, "Salesforce ⇄ Intercom pairs seeded for the crash tests")
	flagKills = flag.Int("crash.kills", 4, "SIGKILLs per crash test before the run that must finish")
	flagSeed  = flag.Int64("crash.seed", 0, "random seed of the kill delays (0: time based, logged)")
)

// envTandem=1 makes this test binary run as tandem: the processes the
// tests start and kill are this binary, running the command line tandem's
// own main runs (cmd/tandem), with the same signals ending it gracefully.
// Building the tandem executable instead took seconds of every run.
const envTandem = "TANDEM_CRASHTEST_AS_TANDEM"

// binary is the executable the tests start as tandem: this one.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv(envTandem) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	flag.Parse()
	var err error
	if binary, err = os.Executable(); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// asTandem is env with what makes the binary run as tandem.
func asTandem(env []string) []string {
	return append(env[:len(env):len(env)], envTandem+"=1")
}
