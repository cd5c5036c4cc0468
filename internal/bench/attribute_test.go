package bench

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom/intercomsim"
)

// Not parallel: the heap profile is the whole test binary's.
func TestBridgeLiveLeavesOutSimulators(t *testing.T) {
	h := newHeapAttribution()
	settle := func() int64 {
		// The profile reports what the last completed cycles freed.
		for range 3 {
			runtime.GC()
		}
		return int64(h.bridgeLive())
	}
	const mib = 1 << 20
	before := settle()

	sim := intercomsim.New(intercomsim.Options{Token: "t", ClientSecret: "s"})
	for i := range 20000 {
		_, err := sim.CreateContact(intercomsim.ContactSeed{Role: "user", Email: fmt.Sprintf("p%d@attr.example", i), Name: "Person"})
		require.NoError(t, err)
	}
	withSim := settle()

	// Objects of 8 MiB are always sampled (the mean sampling interval is
	// 512 KiB), so the figure is exact.
	kept := make([][]byte, 4)
	for i := range kept {
		kept[i] = make([]byte, 8*mib)
	}
	withBridge := settle()
	runtime.KeepAlive(sim)
	runtime.KeepAlive(kept)

	require.Less(t, withSim-before, int64(2*mib), "20,000 simulator contacts are not the bridge's")
	require.InDelta(t, 32*mib, withBridge-withSim, mib, "32 MiB kept outside the simulators are")
}
