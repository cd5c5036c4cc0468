package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLatencySmall(t *testing.T) {
	t.Parallel()
	o := DefaultLatencyOptions()
	o.Pairs, o.Changes = 3, 6
	o.PollInterval, o.Spacing = 200*time.Millisecond, 20*time.Millisecond
	o.Timeout = 20 * time.Second
	o.DataDir = t.TempDir()
	r, err := Latency(context.Background(), o)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, r.WriteTable(&buf))
	t.Log("\n" + buf.String())

	require.Equal(t, 0.2, r.PollInterval)
	require.Equal(t, 3, r.Pairs)
	require.Equal(t, "sqlite", r.Database)
	for name, s := range map[string]LatencyStats{"Intercom → Salesforce": r.IntercomToSalesforce,
		"Salesforce → Intercom": r.SalesforceToIntercom} {
		require.Equal(t, o.Changes, s.Count, "%s: every change arrived", name)
		require.Zero(t, s.Missed, name)
		require.Len(t, s.Samples, o.Changes, name)
		require.Positive(t, s.Min, name)
		require.LessOrEqual(t, s.Min, s.Median, name)
		require.LessOrEqual(t, s.Median, s.P95, name)
		require.LessOrEqual(t, s.P95, s.Max, name)
	}
	// A Salesforce change is carried by the next poll: it cannot take much
	// more than one poll interval plus the poll's own work. The margin is
	// wide; what it catches is a change that waited for something else (a
	// reconciliation, a retry, the timeout).
	require.LessOrEqual(t, r.SalesforceToIntercom.Max, r.PollInterval+3.0)

	raw, err := json.Marshal(r)
	require.NoError(t, err)
	var back LatencyResult
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, r, back)
}

func TestNewLatencyStats(t *testing.T) {
	t.Parallel()
	samples := make([]float64, 0, 20)
	for i := 20; i >= 1; i-- {
		samples = append(samples, float64(i)/10)
	}
	s := NewLatencyStats(samples, 2)
	require.Equal(t, 20, s.Count)
	require.Equal(t, 2, s.Missed)
	require.Equal(t, 0.1, s.Min)
	require.InDelta(t, 1.05, s.Median, 1e-9, "even count: mean of the middle two")
	require.Equal(t, 1.9, s.P95, "nearest rank: the 19th of 20")
	require.Equal(t, 2.0, s.Max)
	require.Equal(t, samples, s.Samples, "samples keep the order changes were made in")

	odd := NewLatencyStats([]float64{3, 1, 2}, 0)
	require.Equal(t, 2.0, odd.Median)
	require.Equal(t, 3.0, odd.P95)

	one := NewLatencyStats([]float64{0.5}, 0)
	require.Equal(t, LatencyStats{Count: 1, Min: 0.5, Median: 0.5, P95: 0.5, Max: 0.5, Samples: []float64{0.5}}, one)

	none := NewLatencyStats(nil, 4)
	require.Equal(t, 0, none.Count)
	require.Equal(t, 4, none.Missed)
	require.Zero(t, none.Max)
}

func TestLatencyPhaseSpreadsOverThePeriod(t *testing.T) {
	t.Parallel()
	period := 5 * time.Second
	buckets := make([]int, 10)
	for i := range 50 {
		p := phase(i, period)
		require.GreaterOrEqual(t, p, time.Duration(0))
		require.Less(t, p, period)
		buckets[int(p*10/period)]++
	}
	for b, n := range buckets {
		require.GreaterOrEqual(t, n, 3, "bucket %d of the poll cycle: %v", b, buckets)
	}
}

func TestLatencyRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, mutate := range []func(*LatencyOptions){
		func(o *LatencyOptions) { o.Pairs = 0 },
		func(o *LatencyOptions) { o.Changes = 0 },
		func(o *LatencyOptions) { o.PollInterval = 0 },
		func(o *LatencyOptions) { o.Spacing = -1 },
		func(o *LatencyOptions) { o.CheckInterval = 0 },
	} {
		o := DefaultLatencyOptions()
		mutate(&o)
		_, err := Latency(context.Background(), o)
		require.Error(t, err)
	}
}

func TestLatencyTable(t *testing.T) {
	t.Parallel()
	r := LatencyResult{PollInterval: 5, Spacing: 0.2, CheckInterval: 0.005, Pairs: 10, Database: "sqlite",
		IntercomToSalesforce: NewLatencyStats([]float64{0.08, 0.1, 0.12}, 0),
		SalesforceToIntercom: NewLatencyStats([]float64{1.5, 2.5, 4.75}, 1)}
	var buf bytes.Buffer
	require.NoError(t, r.WriteTable(&buf))
	out := buf.String()
	require.Contains(t, out, "Intercom → Salesforce")
	require.Contains(t, out, "100 ms")
	require.Contains(t, out, "4.75 s")
	require.Contains(t, out, "poll interval 5.00 s")
}
