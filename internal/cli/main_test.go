package cli

import (
	"context"
	"os"
	"testing"
)

// TestMain lets this test binary stand in for tandem as the simulator
// process `tandem bench` starts (`<binary> bench simulators`): the same
// command runs it as in the real executable.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "bench" && os.Args[2] == "simulators" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
