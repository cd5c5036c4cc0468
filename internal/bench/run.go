package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
)

// Run seeds the simulators, runs one bulk sync against them and reports
// its cost. See the package documentation for what is measured.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	sim, urls, err := startSimProcess(o.Simulators(ctx), o)
	if err != nil {
		return Result{}, err
	}
	defer sim.close()

	dir := o.DataDir
	if dir == "" && o.DatabaseURL == "" {
		if dir, err = os.MkdirTemp("", "tandem-bench-"); err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(dir)
	}
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: dir, DatabaseURL: o.DatabaseURL, PollInterval: 24 * time.Hour, NoWebhooks: true, Log: o.Log,
		Configure: func(c *config.Config) {
			c.Intercom.URL, c.Salesforce.URL = urls.IntercomURL, urls.SalesforceURL
			c.Sync.ReconcileInterval = 24 * time.Hour
			// The benchmark measures writes: pairs that differ when first
			// linked are aligned, not kept.
			for i := range c.Mappings {
				c.Mappings[i].OnFirstLink = tandem.Overwrite
			}
		},
	})
	if err != nil {
		return Result{}, fmt.Errorf("start the bridge: %w", err)
	}
	defer d.Close()
	for _, obj := range []tandem.Object{tandem.ObjectAccount, tandem.ObjectContact, tandem.ObjectLead} {
		n, err := d.App.Store.CountLinks(ctx, tandem.DefaultInstallation, obj)
		if err != nil {
			return Result{}, err
		}
		if n > 0 {
			return Result{}, fmt.Errorf("the database already holds %d %s links: a benchmark needs an empty one", n, obj.SObject())
		}
	}

	// The pollers run once at start-up; seeding waits for them so that
	// nothing but the bulk sync sees the records.
	if err := waitStartupPolls(ctx, d); err != nil {
		return Result{}, err
	}
	seeded, err := sim.seed(o)
	if err != nil {
		return Result{}, err
	}

	// Latency and counting start only now: seeding and the bridge's
	// start-up (describe, data attributes) are not part of the sync.
	if err := sim.measure(o); err != nil {
		return Result{}, err
	}
	mem := startSampler(o.MemorySampleInterval, o.HeapProfile != nil)
	if o.CPUProfile != nil {
		if err := pprof.StartCPUProfile(o.CPUProfile); err != nil {
			return Result{}, fmt.Errorf("start the CPU profile: %w", err)
		}
	}

	started, cpuStarted := time.Now(), cpuTime()
	phases := phaseClock{start: started, cpu: cpuStarted}
	run, _, err := d.App.Syncer.StartBulk(ctx)
	if err == nil {
		run, err = d.App.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{IntercomWorkers: o.IntercomWorkers,
			Progress: func(b store.BulkSync) { phases.enter(b.Phase) }})
	}
	wall, cpu := time.Since(started), cpuTime()-cpuStarted
	if run.Status != store.BulkDone {
		phases.enter("") // the phase it stopped in; a finished run's last one is "done"
	}
	if o.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	memory := mem.finish()
	if o.HeapProfile != nil {
		if _, err := mem.heapProfile.WriteTo(o.HeapProfile); err != nil {
			return Result{}, fmt.Errorf("write the heap profile: %w", err)
		}
	}
	calls, finishErr := sim.finish()
	if err != nil {
		return Result{}, fmt.Errorf("bulk sync: %w", err)
	} else if finishErr != nil {
		return Result{}, finishErr
	}

	r := Result{
		Pairs: o.Pairs, OutOfSync: o.OutOfSync,
		SalesforceLatency: o.SalesforceLatency.Seconds(), IntercomLatency: o.IntercomLatency.Seconds(),
		IntercomRateLimit: o.IntercomRateLimit, IntercomRateWindow: o.IntercomRateWindow.Seconds(),
		Database: "sqlite", Seeded: seeded,
		Status: string(run.Status), Compared: run.Done, Changed: run.Changed, Linked: run.Linked, Failed: run.Failed,
		WallSeconds: wall.Seconds(), RecordsPerSecond: ratio(float64(run.Done), wall.Seconds()), CPUSeconds: cpu.Seconds(),
		SimulatorCPUSeconds: calls.CPUSeconds,
		SalesforceCalls:     calls.Salesforce, IntercomCalls: calls.Intercom,
		TargetConstant: o.TargetConstant, Memory: memory, Phases: phases.done,
	}
	if o.DatabaseURL != "" {
		r.Database = "postgres"
	}
	r.SalesforceTotal, r.SalesforceQueries, r.SalesforceWrites = salesforceCallKinds(r.SalesforceCalls)
	r.SalesforceIdealWrites = idealWrites(seeded.ToSalesforce)
	r.SalesforcePerChanged = ratio(float64(r.SalesforceTotal), float64(run.Changed))
	r.SalesforcePerSalesforceChange = ratio(float64(r.SalesforceTotal), float64(seeded.ChangedSalesforce()))
	r.SalesforceTarget = 1.05 * (float64(seeded.ChangedSalesforce())/200 + float64(seeded.SalesforceRecords)/2000 + o.TargetConstant)
	r.SalesforceTargetMet = float64(r.SalesforceTotal) <= r.SalesforceTarget

	writes := sortedTimes(calls.IntercomWrites)
	r.IntercomReads, r.IntercomFailedWrites, r.IntercomRateLimited = calls.IntercomReads, calls.IntercomFailed, calls.IntercomLimited
	r.IntercomWrites = len(writes)
	r.IntercomLimitRate = float64(o.IntercomRateLimit) / o.IntercomRateWindow.Seconds()
	r.IntercomLimitBinding = len(writes) > o.IntercomRateLimit
	r.IntercomBusiestWindow = busiestWindow(writes, o.IntercomRateWindow)
	if n := len(writes); n > 1 {
		phase := writes[n-1].Sub(writes[0])
		r.IntercomWritePhase = phase.Seconds()
		// n writes span n-1 gaps.
		r.IntercomWriteRate = ratio(float64(n-1), phase.Seconds())
	}
	r.IntercomThroughput = ratio(r.IntercomWriteRate, r.IntercomLimitRate)
	r.IntercomThroughputMet = r.IntercomThroughput >= 0.9
	return r, nil
}

// waitStartupPolls waits until the poll of each object that River runs at
// start-up has finished.
func waitStartupPolls(ctx context.Context, d *app.Demo) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	params := river.NewJobListParams().Kinds(jobs.PollArgs{}.Kind()).
		States(rivertype.JobStateCompleted, rivertype.JobStateDiscarded, rivertype.JobStateCancelled).First(10)
	for {
		res, err := d.App.River.JobList(ctx, params)
		if err != nil {
			return fmt.Errorf("wait for the start-up polls: %w", err)
		}
		if len(res.Jobs) >= 3 {
			return nil
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("wait for the start-up polls: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// phaseClock times the bulk sync's phases from its progress reports.
type phaseClock struct {
	start time.Time
	cpu   time.Duration
	name  string
	done  []Phase
}

func (c *phaseClock) enter(name string) {
	if name == c.name && name != "" {
		return
	}
	now, cpu := time.Now(), cpuTime()
	if c.name != "" {
		c.done = append(c.done, Phase{Name: c.name, Seconds: now.Sub(c.start).Seconds(), CPUSeconds: (cpu - c.cpu).Seconds()})
	}
	c.name, c.start, c.cpu = name, now, cpu
}
