package bench

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets this test binary be the simulator process of the runs its
// tests start (`<binary> bench simulators`, as SimulatorProcess builds it).
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "bench" && os.Args[2] == "simulators" {
		if err := ServeSimulators(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testOptions are DefaultOptions with this test binary as the simulator
// process.
func testOptions(t testing.TB) Options {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Simulators = SimulatorProcess(exe)
	return o
}
