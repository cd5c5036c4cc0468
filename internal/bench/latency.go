package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
)

// LatencyOptions describe one propagation-latency measurement.
// DefaultLatencyOptions returns the demo's settings.
type LatencyOptions struct {
	// Pairs is the number of linked Intercom user ↔ Contact pairs the
	// changes rotate over.
	Pairs int
	// Changes is the number of changes made in each direction.
	Changes int
	// PollInterval is how often the bridge polls Salesforce (the demo's
	// 5 s by default).
	PollInterval time.Duration
	// Spacing is the least pause between one change arriving and the next
	// change being made. See Latency for the phase offset added to it.
	Spacing time.Duration
	// CheckInterval is how often the receiving simulator's state is read
	// to see whether a change has arrived: the resolution of every
	// measurement.
	CheckInterval time.Duration
	// Timeout is how long one change may take before it counts as missed
	// (0: three poll intervals plus 10 s).
	Timeout time.Duration
	// DatabaseURL selects Postgres; empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite database; empty means a new temporary
	// directory, removed afterwards.
	DataDir string
	// Log receives the bridge's logs (default: discarded).
	Log *slog.Logger
}

// DefaultLatencyOptions returns 10 pairs, 50 changes per direction, the
// demo's 5 s poll interval, 200 ms between changes and a 5 ms check
// interval.
func DefaultLatencyOptions() LatencyOptions {
	return LatencyOptions{
		Pairs:         10,
		Changes:       50,
		PollInterval:  5 * time.Second,
		Spacing:       200 * time.Millisecond,
		CheckInterval: 5 * time.Millisecond,
	}
}

// Validate reports the first option that cannot work.
func (o LatencyOptions) Validate() error {
	switch {
	case o.Pairs <= 0:
		return errors.New("pairs must be positive")
	case o.Changes <= 0:
		return errors.New("changes must be positive")
	case o.PollInterval <= 0:
		return errors.New("the poll interval must be positive")
	case o.Spacing < 0:
		return errors.New("the spacing must not be negative")
	case o.CheckInterval <= 0:
		return errors.New("the check interval must be positive")
	case o.Timeout < 0:
		return errors.New("the timeout must not be negative")
	}
	return nil
}

func (o LatencyOptions) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 3*o.PollInterval + 10*time.Second
}

// LatencyStats summarise the latencies of one direction, in seconds.
type LatencyStats struct {
	// Count is the number of changes that arrived; Missed those that did
	// not within the timeout (they are not in the figures).
	Count  int     `json:"count"`
	Missed int     `json:"missed"`
	Min    float64 `json:"min_seconds"`
	Median float64 `json:"median_seconds"`
	// P95 is the nearest-rank 95th percentile.
	P95 float64 `json:"p95_seconds"`
	Max float64 `json:"max_seconds"`
	// Samples are the latencies in the order the changes were made.
	Samples []float64 `json:"samples_seconds"`
}

// NewLatencyStats computes the summary of samples (seconds), with missed
// changes counted apart.
func NewLatencyStats(samples []float64, missed int) LatencyStats {
	s := LatencyStats{Count: len(samples), Missed: missed, Samples: slices.Clone(samples)}
	if len(samples) == 0 {
		return s
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	n := len(sorted)
	s.Min, s.Max = sorted[0], sorted[n-1]
	if n%2 == 1 {
		s.Median = sorted[n/2]
	} else {
		s.Median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	s.P95 = sorted[max(0, int(math.Ceil(0.95*float64(n)))-1)]
	return s
}

// LatencyResult is the report of one latency measurement.
type LatencyResult struct {
	// PollInterval, Spacing and CheckInterval repeat the options, in
	// seconds.
	PollInterval  float64 `json:"poll_interval_seconds"`
	Spacing       float64 `json:"spacing_seconds"`
	CheckInterval float64 `json:"check_interval_seconds"`
	Pairs         int     `json:"pairs"`
	Database      string  `json:"database"`
	// IntercomToSalesforce times Intercom phone changes until the linked
	// Salesforce Contact shows the new Phone (webhook path).
	IntercomToSalesforce LatencyStats `json:"intercom_to_salesforce"`
	// SalesforceToIntercom times Salesforce Title changes until the linked
	// Intercom contact shows the new job_title (poll path).
	SalesforceToIntercom LatencyStats `json:"salesforce_to_intercom"`
}

// WriteTable prints the result as a readable table.
func (r LatencyResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "direction\tpath\tchanges\tmissed\tmin\tmedian\tp95\tmax\t\n")
	row := func(name, path string, s LatencyStats) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", name, path, s.Count, s.Missed,
			secs(s.Min), secs(s.Median), secs(s.P95), secs(s.Max))
	}
	row("Intercom → Salesforce", "phone, webhook", r.IntercomToSalesforce)
	row("Salesforce → Intercom", "Title, poll", r.SalesforceToIntercom)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d linked pairs, %s, poll interval %s, at least %s between changes, checked every %s\n",
		r.Pairs, r.Database, secs(r.PollInterval), secs(r.Spacing), secs(r.CheckInterval))
	return err
}

func secs(s float64) string {
	d := time.Duration(s * float64(time.Second))
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", s)
}

// Latency measures how long a change takes to cross the bridge in each
// direction. It starts the demo set-up (both simulators and the bridge,
// webhooks on, SQLite in a temporary directory unless told otherwise),
// creates Pairs Intercom users and Salesforce Contacts with matching emails,
// and waits until the bridge has linked and aligned them and is idle.
//
// It then makes Changes Intercom phone changes one after another through
// the Intercom simulator's state handle (which fires the signed webhook),
// timing each from the change until the Salesforce simulator's record shows
// the new Phone; then Changes Salesforce Title changes, timing each until
// the Intercom contact shows the new job_title, which only the Salesforce
// poller carries. Arrival is checked every CheckInterval.
//
// Changes are made one at a time. After a change arrives, the next waits
// Spacing plus a phase offset: a fraction u_i ∈ [0, 1) of a period, with
// u_i = frac(i·φ) (the golden-ratio sequence), the period being the poll
// interval for Salesforce changes and Spacing for Intercom ones. Without it
// every Salesforce change would be made the same time after a poll and all
// would measure the same latency; with it the changes fall evenly over the
// poll cycle, as real edits do.
func Latency(ctx context.Context, o LatencyOptions) (LatencyResult, error) {
	if err := o.Validate(); err != nil {
		return LatencyResult{}, err
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	dir := o.DataDir
	if dir == "" && o.DatabaseURL == "" {
		var err error
		if dir, err = os.MkdirTemp("", "tandem-latency-"); err != nil {
			return LatencyResult{}, err
		}
		defer os.RemoveAll(dir)
	}
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: dir, DatabaseURL: o.DatabaseURL, PollInterval: o.PollInterval, Log: o.Log,
	})
	if err != nil {
		return LatencyResult{}, fmt.Errorf("start the demo: %w", err)
	}
	defer d.Close()

	pairs, err := seedLatencyPairs(ctx, d, o)
	if err != nil {
		return LatencyResult{}, err
	}

	r := LatencyResult{
		PollInterval: o.PollInterval.Seconds(), Spacing: o.Spacing.Seconds(), CheckInterval: o.CheckInterval.Seconds(),
		Pairs: o.Pairs, Database: "sqlite",
	}
	if o.DatabaseURL != "" {
		r.Database = "postgres"
	}

	var samples []float64
	missed := 0
	for i := range o.Changes {
		if err := pause(ctx, o.Spacing+phase(i, o.Spacing)); err != nil {
			return r, err
		}
		p := pairs[i%len(pairs)]
		phone := fmt.Sprintf("+1 555 %07d", 1000000+i)
		started := time.Now()
		if err := d.Intercom.UpdateContact(p.intercomID, map[string]any{"phone": phone}); err != nil {
			return r, fmt.Errorf("change Intercom phone of %s: %w", p.intercomID, err)
		}
		took, ok, err := arrival(ctx, started, o, func() bool {
			rec, found := d.Salesforce.Get("Contact", p.salesforceID)
			return found && rec["Phone"] == phone
		})
		if err != nil {
			return r, err
		}
		if !ok {
			missed++
			continue
		}
		samples = append(samples, took.Seconds())
	}
	r.IntercomToSalesforce = NewLatencyStats(samples, missed)

	// Let the echoes of the phone changes (the poller re-reading the
	// Contacts the bridge wrote) settle before timing the other direction.
	if err := waitIdle(ctx, d, o.timeout()); err != nil {
		return r, err
	}

	samples, missed = nil, 0
	for i := range o.Changes {
		if err := pause(ctx, o.Spacing+phase(i, o.PollInterval)); err != nil {
			return r, err
		}
		p := pairs[i%len(pairs)]
		title := fmt.Sprintf("Title %d", i)
		started := time.Now()
		if err := d.Salesforce.Update("Contact", p.salesforceID, map[string]any{"Title": title}); err != nil {
			return r, fmt.Errorf("change Salesforce Title of %s: %w", p.salesforceID, err)
		}
		took, ok, err := arrival(ctx, started, o, func() bool {
			c, found := d.Intercom.Contact(p.intercomID)
			return found && jobTitle(c) == title
		})
		if err != nil {
			return r, err
		}
		if !ok {
			missed++
			continue
		}
		samples = append(samples, took.Seconds())
	}
	r.SalesforceToIntercom = NewLatencyStats(samples, missed)
	return r, nil
}

// latencyPair is one linked Intercom user and Salesforce Contact.
type latencyPair struct{ intercomID, salesforceID string }

// seedLatencyPairs creates the pairs through the simulators' state handles
// and waits until the bridge has linked them, aligned both sides and gone
// idle.
func seedLatencyPairs(ctx context.Context, d *app.Demo, o LatencyOptions) ([]latencyPair, error) {
	pairs := make([]latencyPair, o.Pairs)
	for i := range pairs {
		email := fmt.Sprintf("latency%04d@bench.example", i)
		sfID, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("Latency %d", i),
			"Email": email, "Title": "Engineer"})
		if err != nil {
			return nil, fmt.Errorf("seed Contact %s: %w", email, err)
		}
		icID, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email,
			Phone: fmt.Sprintf("+1 555 %07d", i), CustomAttributes: map[string]any{"plan": "growth"}})
		if err != nil {
			return nil, fmt.Errorf("seed Intercom user %s: %w", email, err)
		}
		pairs[i] = latencyPair{intercomID: icID, salesforceID: sfID}
	}
	// Linking needs the created webhooks (or a poll); alignment needs a
	// write each way.
	deadline := time.Now().Add(o.timeout() + time.Duration(o.Pairs)*100*time.Millisecond)
	for i, p := range pairs {
		phone := fmt.Sprintf("+1 555 %07d", i)
		err := until(ctx, deadline, o.CheckInterval, func() (bool, error) {
			l, err := d.App.Store.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, p.intercomID)
			if err != nil {
				return false, nil
			}
			if l.SalesforceID != p.salesforceID {
				return false, fmt.Errorf("Intercom user %s linked to %s, not %s", p.intercomID, l.SalesforceID, p.salesforceID)
			}
			rec, _ := d.Salesforce.Get("Contact", p.salesforceID)
			c, _ := d.Intercom.Contact(p.intercomID)
			return rec["Phone"] == phone && jobTitle(c) == "Engineer", nil
		})
		if err != nil {
			return nil, fmt.Errorf("wait for pair %d to link and align: %w", i, err)
		}
	}
	// River starts its periodic jobs a few seconds after the bridge (once
	// it is the leader); until then nothing polls Salesforce. Waiting for
	// the start-up polls keeps that delay out of the first measurement.
	if err := waitStartupPolls(ctx, d); err != nil {
		return nil, err
	}
	return pairs, waitIdle(ctx, d, o.timeout())
}

// waitIdle waits until no job is waiting or running and no webhook is
// pending.
func waitIdle(ctx context.Context, d *app.Demo, timeout time.Duration) error {
	all := river.NewJobListParams().States(rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable).First(1)
	err := until(ctx, time.Now().Add(timeout), 20*time.Millisecond, func() (bool, error) {
		res, err := d.App.River.JobList(ctx, all)
		if err != nil {
			return false, err
		}
		return len(res.Jobs) == 0 && d.Intercom.PendingWebhooks() == 0, nil
	})
	if err != nil {
		return fmt.Errorf("wait for an idle bridge: %w", err)
	}
	return nil
}

// arrival polls cond every CheckInterval until it holds, and returns the
// time since started. ok is false when the timeout passed first.
func arrival(ctx context.Context, started time.Time, o LatencyOptions, cond func() bool) (took time.Duration, ok bool, err error) {
	deadline := started.Add(o.timeout())
	t := time.NewTicker(o.CheckInterval)
	defer t.Stop()
	for {
		if cond() {
			return time.Since(started), true, nil
		}
		if time.Now().After(deadline) {
			return 0, false, nil
		}
		select {
		case <-ctx.Done():
			return 0, false, ctx.Err()
		case <-t.C:
		}
	}
}

// until polls cond every interval until it holds, fails, or the deadline
// passes.
func until(ctx context.Context, deadline time.Time, interval time.Duration, cond func() (bool, error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// phase is frac(i·φ) of period: a sequence that spreads successive change
// times evenly over the period.
func phase(i int, period time.Duration) time.Duration {
	const phi = 0.6180339887498949
	_, frac := math.Modf(float64(i) * phi)
	return time.Duration(frac * float64(period))
}

func jobTitle(c map[string]any) any {
	ca, _ := c["custom_attributes"].(map[string]any)
	return ca["job_title"]
}
