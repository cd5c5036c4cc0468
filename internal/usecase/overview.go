package usecase

import (
	"context"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// Activity is what the bridge did over a window, from the database, so
// that it covers every replica sharing it.
type Activity struct {
	Since, Until time.Time
	// Step is the width of one point of the series.
	Step time.Duration
	// Writes per step and direction (field writes, from the audit log).
	Writes map[tandem.Direction][]int
	// Webhooks received per step.
	Webhooks []int
	// TotalWrites and TotalWebhooks are the sums over the window.
	TotalWrites   map[tandem.Direction]int
	TotalWebhooks int
	// Lag per direction over the window, and per step (a step without
	// samples has a zero LagSummary).
	Lag      map[tandem.Direction]LagSummary
	LagSteps map[tandem.Direction][]LagSummary
	// SalesforceCallsPerHour covers the last 24 hours, oldest first.
	SalesforceCallsPerHour []int
	// OpenErrors counts open sync errors per category.
	OpenErrors map[string]int
}

// LagSummary gives the time from a change in one system to its write in
// the other. The percentiles are the upper bounds of the histogram buckets
// they fall in (store.LagBuckets); zero when there were no samples.
type LagSummary struct {
	Samples  int
	P50, P95 time.Duration
	// Over is set when the percentile lies beyond the last bucket.
	P50Over, P95Over bool
}

// LagRanks is the number of histogram buckets lags fall in.
var LagRanks = len(store.LagBuckets) + 1

// LagRank is the index of the bucket a lag falls in, from 0 to LagRanks-1
// (the open bucket beyond the last bound).
func LagRank(d time.Duration) int { return store.LagBucket(d) }

// ActivityParams choose the window: the last Window (an hour when zero),
// in Step-wide points (a minute when zero).
type ActivityParams struct {
	Window time.Duration
	Step   time.Duration
}

// Activity reports the bridge's activity over the last window.
func (s *Service) Activity(ctx context.Context, p ActivityParams) (Activity, error) {
	if p.Window <= 0 {
		p.Window = time.Hour
	}
	if p.Step < time.Minute {
		p.Step = time.Minute
	}
	if p.Window > 48*time.Hour {
		return Activity{}, tandem.Errorf(tandem.EINVALID, "The window can be at most 48 hours.")
	}
	now := s.cfg.Now()
	step := int64(p.Step / time.Minute)
	// Whole steps, the last one holding the current minute.
	lastMinute := now.Unix() / 60
	points := int((p.Window + p.Step - 1) / p.Step)
	firstMinute := (lastMinute/step - int64(points) + 1) * step
	a := Activity{Since: time.Unix(firstMinute*60, 0).UTC(), Until: now, Step: p.Step,
		Writes:      map[tandem.Direction][]int{tandem.ToSalesforce: make([]int, points), tandem.ToIntercom: make([]int, points)},
		Webhooks:    make([]int, points),
		TotalWrites: map[tandem.Direction]int{}, Lag: map[tandem.Direction]LagSummary{}}
	index := func(minute int64) int {
		i := int((minute - firstMinute) / step)
		if i < 0 || i >= points {
			return -1
		}
		return i
	}
	inst := s.cfg.Installation
	writes, err := s.cfg.Store.WritesPerMinute(ctx, inst, a.Since)
	if err != nil {
		return Activity{}, err
	}
	for _, c := range writes {
		d := tandem.Direction(c.Series)
		if i := index(c.Minute); i >= 0 && a.Writes[d] != nil {
			a.Writes[d][i] += c.Count
			a.TotalWrites[d] += c.Count
		}
	}
	hooks, err := s.cfg.Store.DeliveriesPerMinute(ctx, inst, a.Since)
	if err != nil {
		return Activity{}, err
	}
	for _, c := range hooks {
		if i := index(c.Minute); i >= 0 {
			a.Webhooks[i] += c.Count
			a.TotalWebhooks += c.Count
		}
	}
	lag, err := s.cfg.Store.LagPerStep(ctx, inst, a.Since, p.Step)
	if err != nil {
		return Activity{}, err
	}
	a.Lag = summariseLag(lag)
	a.LagSteps = map[tandem.Direction][]LagSummary{}
	steps := map[tandem.Direction][][]store.LagCount{}
	for _, c := range lag {
		i := index(c.Minute)
		if i < 0 {
			continue
		}
		if steps[c.Direction] == nil {
			steps[c.Direction] = make([][]store.LagCount, points)
		}
		steps[c.Direction][i] = append(steps[c.Direction][i], c)
	}
	for _, d := range []tandem.Direction{tandem.ToSalesforce, tandem.ToIntercom} {
		a.LagSteps[d] = make([]LagSummary, points)
		for i, cs := range steps[d] {
			a.LagSteps[d][i] = summariseLag(cs)[d]
		}
	}
	hour := now.Unix() / 3600
	calls, err := s.cfg.Store.APICallsPerHour(ctx, inst, hour-23)
	if err != nil {
		return Activity{}, err
	}
	a.SalesforceCallsPerHour = make([]int, 24)
	for _, h := range calls {
		if i := int(h.Hour - (hour - 23)); i >= 0 && i < 24 {
			a.SalesforceCallsPerHour[i] = h.Count
		}
	}
	if a.OpenErrors, err = s.cfg.Store.OpenSyncErrorsByCategory(ctx, inst); err != nil {
		return Activity{}, err
	}
	return a, nil
}

func summariseLag(counts []store.LagCount) map[tandem.Direction]LagSummary {
	hist := map[tandem.Direction][]int{}
	for _, c := range counts {
		h := hist[c.Direction]
		if h == nil {
			h = make([]int, len(store.LagBuckets)+1)
			hist[c.Direction] = h
		}
		if c.Bucket >= 0 && c.Bucket < len(h) {
			h[c.Bucket] += c.Samples
		}
	}
	out := map[tandem.Direction]LagSummary{}
	for d, h := range hist {
		total := 0
		for _, n := range h {
			total += n
		}
		sum := LagSummary{Samples: total}
		sum.P50, sum.P50Over = percentile(h, total, 0.50)
		sum.P95, sum.P95Over = percentile(h, total, 0.95)
		out[d] = sum
	}
	return out
}

// percentile returns the upper bound of the bucket holding the q-th
// quantile of a histogram of total samples.
func percentile(h []int, total int, q float64) (time.Duration, bool) {
	if total == 0 {
		return 0, false
	}
	rank := int(q*float64(total) + 0.999999)
	seen := 0
	for i, n := range h {
		seen += n
		if seen >= rank {
			if i >= len(store.LagBuckets) {
				return store.LagBuckets[len(store.LagBuckets)-1], true
			}
			return store.LagBuckets[i], false
		}
	}
	return store.LagBuckets[len(store.LagBuckets)-1], true
}
