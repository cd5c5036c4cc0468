package crashtest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	flagPairs = flag.Int("crash.pairs", 300, "Salesforce ⇄ Intercom pairs seeded for the crash tests")
	flagKills = flag.Int("crash.kills", 4, "SIGKILLs per crash test before the run that must finish")
	flagSeed  = flag.Int64("crash.seed", 0, "random seed of the kill delays (0: time based, logged)")
)

// binary is the tandem binary built once for this test binary.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tandem-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "tandem")
	cmd := exec.Command("go", "build", "-o", binary, "./cmd/tandem")
	cmd.Dir = "../.."
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: build tandem: %v\n", err)
		return 1
	}
	return m.Run()
}
