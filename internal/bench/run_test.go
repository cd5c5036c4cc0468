package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRunSmall(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	o.Pairs, o.SalesforceLatency, o.IntercomLatency = 300, 0, 0
	o.DataDir = t.TempDir()
	r, err := Run(context.Background(), o)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, r.WriteTable(&buf))
	t.Log("\n" + buf.String())

	s := r.Seeded
	require.Equal(t, map[string]int{"Contact": 255, "Account": 30, "Lead": 15}, s.Pairs)
	require.Equal(t, 15, s.IntercomOnly)
	require.Equal(t, 25+3+1, s.Changed(), "10 %% of each object's pairs, rounded down")
	require.Equal(t, "done", r.Status)
	var phases []string
	for _, p := range r.Phases {
		phases = append(phases, p.Name)
		require.Positive(t, p.Seconds, p.Name)
	}
	// Contacts are listed alone if the companies are done first: timing
	// decides, so that step is left out of the comparison.
	phases = slices.DeleteFunc(phases, func(p string) bool { return p == "reading Intercom contacts" })
	require.Equal(t, []string{"reading Intercom companies and contacts", "aligning Accounts",
		"aligning Contacts", "aligning Leads"}, phases, "each step once, in order")
	require.Zero(t, r.Failed)
	require.EqualValues(t, s.SalesforceRecords, r.Compared, "every Salesforce record compared")
	require.EqualValues(t, o.Pairs, r.Linked, "every pair linked, no unlinked record")
	require.EqualValues(t, s.Changed(), r.Changed)

	// One COUNT() and one page per object; one collection per object with
	// changes (each fits in one page and one collection here).
	require.Equal(t, 6, r.SalesforceQueries, "%v", r.SalesforceCalls)
	require.Equal(t, 3, r.SalesforceIdealWrites)
	require.Equal(t, r.SalesforceIdealWrites, r.SalesforceWrites, "%v", r.SalesforceCalls)
	require.Equal(t, r.SalesforceQueries+r.SalesforceWrites, r.SalesforceTotal)
	require.Equal(t, r.SalesforceCalls["PATCH composite/sobjects"], r.SalesforceWrites)
	require.True(t, r.SalesforceTargetMet)
	require.InDelta(t, 1.05*(float64(s.ChangedSalesforce())/200+315.0/2000+10), r.SalesforceTarget, 1e-9)
	require.InDelta(t, float64(r.SalesforceTotal)/float64(s.Changed()), r.SalesforcePerChanged, 1e-9)

	// Intercom: one write per pair it owns the newer value of; reads are the
	// list pages (150 contacts, 50 companies each).
	require.Equal(t, s.ChangedIntercom(), r.IntercomWrites)
	require.Equal(t, r.IntercomWrites, r.IntercomCalls["PUT /contacts/{id}"]+r.IntercomCalls["PUT /companies/{id}"])
	require.Zero(t, r.IntercomFailedWrites)
	require.Zero(t, r.IntercomRateLimited)
	require.GreaterOrEqual(t, r.IntercomReads, 2+1)
	require.Equal(t, r.IntercomReads+r.IntercomWrites, sumCalls(r.IntercomCalls))
	require.False(t, r.IntercomLimitBinding)
	// The writes take a fraction of a second, so they fall in one of the
	// limit's windows, or in two when they straddle a window's end.
	require.LessOrEqual(t, r.IntercomBusiestWindow, r.IntercomWrites)
	require.GreaterOrEqual(t, 2*r.IntercomBusiestWindow, r.IntercomWrites, "a small run spans at most two windows")
	require.Greater(t, r.IntercomWriteRate, 0.0)

	require.Positive(t, r.CPUSeconds)
	require.Positive(t, r.SimulatorCPUSeconds, "the simulator process reports its own CPU time")
	require.Greater(t, r.Memory.BaselineHeapInuse, uint64(0))
	require.GreaterOrEqual(t, r.Memory.PeakHeapInuse, r.Memory.SyncHeap())
	require.Positive(t, r.Memory.Samples)

	raw, err := json.Marshal(r)
	require.NoError(t, err)
	var back Result
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, r.SalesforceTotal, back.SalesforceTotal)
}

func TestRunRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, mutate := range []func(*Options){
		func(o *Options) { o.Pairs = 0 },
		func(o *Options) { o.OutOfSync = 1.5 },
		func(o *Options) { o.SalesforceLatency = -1 },
		func(o *Options) { o.IntercomRateLimit = 0 },
		func(o *Options) { o.Simulators = nil },
	} {
		o := testOptions(t)
		mutate(&o)
		_, err := Run(context.Background(), o)
		require.Error(t, err)
	}
}

// TestRunSimulatorProcessThatDoesNotAnswer gives a clear error, at once,
// when the simulator process ends without answering.
func TestRunSimulatorProcessThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	o := testOptions(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	// The test binary running no test: it prints PASS and exits.
	o.Simulators = func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, exe, "-test.run=^$") }
	o.DataDir = t.TempDir()
	_, err = Run(context.Background(), o)
	require.ErrorContains(t, err, "simulator process: serve")
}

func sumCalls(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestBusiestWindow(t *testing.T) {
	t.Parallel()
	at := func(s float64) time.Time { return time.Unix(0, 0).Add(time.Duration(s * float64(time.Second))) }
	for _, tc := range []struct {
		name string
		ts   []time.Time
		want int
	}{
		{"none", nil, 0},
		{"one window", []time.Time{at(1), at(2), at(9.9)}, 3},
		{"straddling a window's end", []time.Time{at(9.8), at(9.9), at(10), at(10.1), at(10.2)}, 3},
		{"the later window busier", []time.Time{at(3), at(11), at(12), at(19)}, 3},
	} {
		if got := busiestWindow(tc.ts, 10*time.Second); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
