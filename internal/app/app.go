// Package app wires tandem together: configuration → store, River, the
// vendor clients, the sync engine and the HTTP server. It is the only
// package besides cli that knows about every other one.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/console"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/panel"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/tasks"
	"github.com/tandemhq/tandem/internal/usecase"
	"github.com/tandemhq/tandem/internal/web"
	"github.com/tandemhq/tandem/salesforce"
)

// Options adjust an App beyond its configuration.
type Options struct {
	// Hooks are called in addition to the metrics hooks (the demo prints a
	// line per change through them).
	Hooks syncer.Hooks
	// OnCase is called for every Case created or refreshed (the demo
	// prints it).
	OnCase func(cases.Result)
	// HTTPClient is used for both vendors (nil: a client with a timeout).
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// NoWorkers starts River as an insert-only client (commands that enqueue
	// jobs but do not run them).
	NoWorkers bool
	// NoPeriodic leaves out the periodic jobs (polls, reconciliation), for
	// tests that drive the engine themselves.
	NoPeriodic bool
	// OnTask is called after each Salesforce Task written (the demo prints
	// a line per Task through it).
	OnTask func(tasks.Event)
	// River, when set, adjusts the job queue's configuration before the
	// client is built (tests retry failed jobs sooner).
	River func(*river.Config)
}

// App is one running tandem installation.
type App struct {
	Config     config.Config
	Log        *slog.Logger
	Store      *store.DB
	Intercom   *intercom.Client
	Salesforce *salesforce.Client
	Syncer     *syncer.Syncer
	Cases      *cases.Service // at start; nil when Cases are off (see Effective for later changes)
	Tasks      *tasks.Service // at start; nil when Tasks are turned off
	River      *river.Client[*sql.Tx]
	UseCases   *usecase.Service
	Panel      *panel.Service // the inbox app
	Metrics    *Metrics
	Budget     *budget.Budget
	Web        *web.Server
	Console    *console.Console

	jobsUI     *riverui.Handler // River's UI, under the console
	stopJobsUI context.CancelFunc
	live       liveSettings
	services   atomic.Pointer[services] // the Cases and Tasks in force
	newCasesFn func(context.Context, config.Config) (*cases.Service, error)
	newTasksFn func(config.Tasks) *tasks.Service
	periodic   bool // the polls run here as periodic jobs
	lag        lagRecorder
	server     *http.Server
	listener   net.Listener
	// vendorHTTP is the HTTP client of the vendor clients; Close closes
	// its idle connections.
	vendorHTTP  *http.Client
	serveErr    chan error
	stopSharing context.CancelFunc
	sharingDone chan struct{}
}

// New opens the store (migrating it), connects the clients, validates the
// mappings against both systems and builds the engine, the job queue and
// the HTTP handler. One goroutine starts here, before the clients exist:
// the one that shares the API budget's count with the database, so that
// every Salesforce call counts, whatever the command. No job runs and
// nothing listens until Start; Close stops the goroutine.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	a := &App{Config: cfg, Log: log, Metrics: newMetrics(),
		Budget: budget.New(cfg.Budget.DailySalesforceCalls, cfg.Budget.BulkShare, cfg.Budget.EventShare, opts.Now)}
	a.Metrics.watchBudget(a.Budget)
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	var err error
	a.Store, err = store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL.Reveal(), DataDir: cfg.DataDir, Now: opts.Now})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := a.Store.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	name := processName()
	a.Store.SetProcess(name, processGone)
	// Settings changed at run time apply over the file and the environment
	// (except for the keys those give), so a restart keeps them.
	base := cfg
	cfg, a.live.version, err = usecase.EffectiveSettings(ctx, a.Store, tandem.DefaultInstallation, base)
	if err != nil {
		return nil, err
	}
	if a.live.version > 0 {
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("config with the settings changed at run time (version %d): %w", a.live.version, err)
		}
	}
	a.Config, a.live.cfg = cfg, cfg
	a.Budget.SetLimits(cfg.Budget.DailySalesforceCalls, cfg.Budget.BulkShare, cfg.Budget.EventShare)
	a.shareBudget() // every command's Salesforce calls count, from here on
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second, Transport: newTransport()}
	}
	a.vendorHTTP = hc
	// One client serves the engine and every other caller, so that its
	// pacer sees the whole workspace's rate-limit window. Writes are spread
	// over the window (the bulk sync's Intercom writers rely on it), and a
	// failed call is retried twice (the client's default): the job queue
	// retries on top, so the client keeps its own retries few.
	a.Intercom = intercom.NewClient(cfg.Intercom.Token.Reveal(),
		intercom.WithBaseURL(cfg.Intercom.URL), intercom.WithVersion(cfg.Intercom.Version), intercom.WithHTTPClient(hc),
		intercom.WithPacing(intercom.PaceWrites),
		intercom.WithResponseHook(func(r *intercom.Response) {
			a.Metrics.observeCall("intercom", r.Request.Method, r.StatusCode)
		}))
	a.Salesforce, err = newSalesforce(cfg.Salesforce, hc, a.Metrics, a.Budget)
	if err != nil {
		return nil, err
	}
	schema, err := syncer.ReadSchema(ctx, a.Salesforce, a.Intercom)
	if err != nil {
		return nil, err
	}
	if err := mapping.Validate(cfg.Mappings, schema); err != nil {
		return nil, fmt.Errorf("invalid mappings:\n%w", err)
	}

	hooks := opts.Hooks
	a.Syncer = syncer.New(syncer.Config{
		Installation:          tandem.DefaultInstallation,
		Mappings:              cfg.Mappings,
		Schema:                schema,
		PeopleMatch:           cfg.Sync.PeopleMatch,
		PeopleExternalIDField: cfg.Sync.PeopleExternalIDField,
		CompanyMatchField:     cfg.Sync.CompanyMatchField,
		PollOverlap:           cfg.Sync.PollOverlap,
		BulkMemory:            cfg.Sync.BulkMemoryMB << 20,
		Placeholder:           cfg.Sync.Placeholder,
		Budget:                a.Budget,
		ProcessID:             processID(),
		ProcessGone:           processGone,
		Ownership: syncer.Ownership{Enabled: cfg.Ownership.Enabled, Direction: cfg.Ownership.Direction,
			Fallback: cfg.Ownership.Fallback, OnFirstLink: cfg.Ownership.OnFirstLink},
	}, a.Store, a.Intercom, a.Salesforce, log, opts.Now, syncer.Hooks{
		OnWrite: func(e tandem.AuditEntry) {
			a.Metrics.observeWrite(e)
			if hooks.OnWrite != nil {
				hooks.OnWrite(e)
			}
		},
		OnSyncError: func(e tandem.SyncError) {
			a.Metrics.SyncErrors.WithLabelValues(string(e.System), e.Code).Inc()
			if hooks.OnSyncError != nil {
				hooks.OnSyncError(e)
			}
		},
		OnLink: func(action string, l tandem.Link) {
			a.Metrics.Links.WithLabelValues(action, string(l.Object)).Inc()
			if hooks.OnLink != nil {
				hooks.OnLink(action, l)
			}
		},
		OnLag: func(d tandem.Direction, lag time.Duration) {
			a.Metrics.observeLag(d, lag)
			a.lag.observe(d, lag, a.now(opts.Now))
		},
		OnVerdict: func(u syncer.Unwritten) {
			a.Metrics.observeVerdict(u)
			if hooks.OnVerdict != nil {
				hooks.OnVerdict(u)
			}
		},
	})

	triggers := jobs.CaseTriggers{OnStarted: cfg.Cases.OnStarted, OnClosed: cfg.Cases.OnClosed, Tag: cfg.Cases.Tag}
	if cfg.Cases.Enabled {
		if a.Cases, err = newCases(ctx, cfg, a, log, opts); err != nil {
			return nil, err
		}
	}
	a.newTasksFn = func(tc config.Tasks) *tasks.Service {
		return tasks.New(tasks.Config{Installation: tandem.DefaultInstallation, Automatic: tc.OnStarted,
			Type: tc.Type, ExternalIDField: tc.ExternalIDField}, a.Store, a.Intercom, a.Salesforce, a.Syncer,
			log, opts.Now, tasks.Hooks{
				OnTask: opts.OnTask,
				OnSyncError: func(e tandem.SyncError) {
					a.Metrics.SyncErrors.WithLabelValues(string(e.System), e.Code).Inc()
					if hooks.OnSyncError != nil {
						hooks.OnSyncError(e)
					}
				},
			})
	}
	a.newCasesFn = func(ctx context.Context, c config.Config) (*cases.Service, error) {
		return newCases(ctx, c, a, log, opts)
	}
	if cfg.Tasks.Enabled {
		a.Tasks = a.newTasksFn(cfg.Tasks)
	}
	a.services.Store(servicesOf(cfg, a.Cases, a.Tasks))

	rcfg := riverConfig(a.Store.Dialect(), log)
	rcfg.RetryPolicy = jobs.RetryPolicy{}
	rcfg.Middleware = append(rcfg.Middleware, a.pinSettings())
	// A replica killed mid-job leaves it running; another replica (or this
	// one restarted) takes it over after this long, which is longer than
	// any job's timeout. A bulk sync runs longer, but its lease keeps a
	// rescued copy from running beside it.
	rcfg.RescueStuckJobsAfter = 15 * time.Minute
	rcfg.ID = riverClientID(name)
	if !opts.NoWorkers {
		workers := river.NewWorkers()
		jobs.Register(workers, jobs.Deps{Syncer: a.Syncer, Store: a.Store, Intercom: a.Intercom, Cases: a.Cases, CaseTriggers: triggers, Tasks: a.Tasks,
			Now: func() jobs.Deps {
				sv := a.services.Load()
				return jobs.Deps{Cases: sv.cases, CaseTriggers: sv.caseTriggers, Tasks: sv.tasks}
			}})
		rcfg.Workers = workers
		rcfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}}
		if !opts.NoPeriodic {
			a.periodic = true
			rcfg.PeriodicJobs = jobs.Periodic(cfg.Sync.PollInterval, cfg.Sync.ReconcileInterval)
			if a.Cases != nil || a.Tasks != nil {
				rcfg.PeriodicJobs = append(rcfg.PeriodicJobs, jobs.CasePeriodic(cfg.Cases.BackstopInterval))
			}
		}
	}
	if opts.River != nil {
		opts.River(rcfg)
	}
	a.River, err = river.NewClient(a.Store.RiverDriver(), rcfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	a.UseCases = usecase.New(usecase.Config{Installation: tandem.DefaultInstallation, Store: a.Store, Jobs: a.River, Tasks: a.Tasks,
		Syncer: a.Syncer, Cases: a.Cases, Settings: a.settingsConfig(base), Now: opts.Now,
		Live: func() (*cases.Service, *tasks.Service) { sv := a.services.Load(); return sv.cases, sv.tasks }})
	a.Panel = panel.New(panel.Config{Installation: tandem.DefaultInstallation, Store: a.Store, Intercom: a.Intercom,
		Salesforce: a.Salesforce, UseCases: a.UseCases, Mappings: cfg.Mappings, Now: opts.Now, Log: log})
	a.Web = &web.Server{
		Installation:      tandem.DefaultInstallation,
		Store:             a.Store,
		River:             a.River,
		UseCases:          a.UseCases,
		AdminToken:        cfg.AdminToken.Reveal(),
		ActionsToken:      cfg.ActionsToken.Reveal(),
		IntercomSecret:    cfg.Intercom.ClientSecret.Reveal(),
		Canvas:            &panel.Handler{Service: a.Panel, Secret: cfg.Intercom.ClientSecret.Reveal()},
		Metrics:           a.Metrics.Handler(),
		OnOversizeWebhook: a.Metrics.OversizeWebhooks.Inc,
		Budget:            a.Budget,
		Log:               log,
		Now:               opts.Now,

		Tasks:        a.Tasks,
		TaskTriggers: jobs.TaskTriggers{Enabled: cfg.Tasks.Enabled, Automatic: cfg.Tasks.OnStarted},
	}
	if cfg.Tasks.TagEnabled() {
		a.Web.TaskTriggers.Tag = cfg.Tasks.Tag
	}
	a.Web.TasksNow = func() (*tasks.Service, jobs.TaskTriggers) { sv := a.services.Load(); return sv.tasks, sv.taskTriggers }
	a.Web.ConversationJobs = func(topic string, body []byte) []river.JobArgs {
		if sv := a.services.Load(); sv.cases != nil {
			return sv.caseTriggers.Jobs(topic, body)
		}
		return nil
	}
	if a.jobsUI, err = newJobsUI(a.River, log); err != nil {
		return nil, fmt.Errorf("River's UI: %w", err)
	}
	if a.Console, err = a.newConsole(cfg, log, opts.Now); err != nil {
		return nil, fmt.Errorf("admin console: %w", err)
	}
	a.Web.Console = a.Console
	a.watchSettings(base)
	ok = true
	return a, nil
}

// newCases builds the Case engine and checks its configuration against
// both systems: a problem stops start-up, a missing permission is a
// warning (and every attempt a sync error).
func newCases(ctx context.Context, cfg config.Config, a *App, log *slog.Logger, opts Options) (*cases.Service, error) {
	svc := cases.New(casesConfig(cfg.Cases), a.Store, a.Intercom, a.Salesforce, log)
	warnings, err := svc.Check(ctx)
	for _, w := range warnings {
		log.Warn("cases: " + w)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid cases configuration:\n%w", err)
	}
	svc.OnError = func(e tandem.SyncError) { a.Metrics.SyncErrors.WithLabelValues(string(e.System), e.Code).Inc() }
	svc.OnCase = opts.OnCase
	return svc, nil
}

// shareBudget adds this process's Salesforce calls to the count in the
// database every ten seconds and reads back the total of every replica, so
// that the 24-hour cap holds for the whole installation and across
// restarts.
func (a *App) shareBudget() {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopSharing, a.sharingDone = cancel, make(chan struct{})
	share := func(ctx context.Context) {
		err := a.Budget.Share(
			func(hour int64, n int) error { return a.Store.AddAPICalls(ctx, tandem.DefaultInstallation, hour, n) },
			func(from int64) (int, error) { return a.Store.APICallsSince(ctx, tandem.DefaultInstallation, from) })
		if err != nil {
			a.Log.Warn("share the API budget count", slog.Any("err", err))
		}
		if err := a.lag.flush(ctx, a.Store); err != nil {
			a.Log.Warn("record sync lag", slog.Any("err", err))
		}
	}
	go func() {
		defer close(a.sharingDone)
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			share(ctx)
			select {
			case <-ctx.Done():
				// The calls of the last few seconds count too.
				final, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				share(final)
				cancel()
				return
			case <-t.C:
			}
		}
	}()
}

// newSalesforce builds the Salesforce client for the configured auth mode.
func newSalesforce(c config.Salesforce, hc *http.Client, m *Metrics, b *budget.Budget) (*salesforce.Client, error) {
	oc := salesforce.OAuthConfig{LoginURL: c.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(), HTTPClient: hc}
	var ts salesforce.TokenSource
	switch c.AuthMode() {
	case config.AuthToken:
		ts = salesforce.StaticTokenSource(c.Token.Reveal(), c.URL)
	case config.AuthClientCredentials:
		ts = oc.ClientCredentials()
	case config.AuthRefreshToken:
		ts = oc.RefreshToken(c.RefreshToken.Reveal())
	case config.AuthJWT:
		key, err := os.ReadFile(c.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("salesforce.private_key_file: %w", err)
		}
		if ts, err = oc.JWT(c.Username, key); err != nil {
			return nil, fmt.Errorf("salesforce.private_key_file: %w", err)
		}
	default:
		return nil, errors.New("salesforce: no complete authentication settings")
	}
	return salesforce.NewClient(
		salesforce.WithTokenSource(ts),
		salesforce.WithInstanceURL(c.URL),
		salesforce.WithHTTPClient(hc),
		salesforce.WithAPIVersion(c.APIVersion),
		salesforce.WithAutoAssign(c.AutoAssign),
		salesforce.WithResponseHook(func(r *salesforce.Response) {
			m.observeCall("salesforce", r.Request.Method, r.StatusCode)
			b.Count()
			b.Observe(r.Limit.Used, r.Limit.Max)
			if r.Limit.Max > 0 {
				m.APIUsage.WithLabelValues("used").Set(float64(r.Limit.Used))
				m.APIUsage.WithLabelValues("max").Set(float64(r.Limit.Max))
			}
		}),
	)
}

// Handler is the bridge's HTTP handler.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Start starts the job queue and, when listen is not empty, the HTTP
// server on it. It returns the server's base URL.
func (a *App) Start(ctx context.Context, listen string) (string, error) {
	a.takeOverDeadLeader(ctx)
	a.rescueDeadProcessJobs(ctx)
	if err := a.River.Start(context.WithoutCancel(ctx)); err != nil {
		return "", fmt.Errorf("start job queue: %w", err)
	}
	if err := a.startJobsUI(); err != nil {
		return "", fmt.Errorf("start River's UI: %w", err)
	}
	if listen == "" {
		return "", nil
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", listen, err)
	}
	a.serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// StartOn is Start with a listener the caller opened.
func (a *App) StartOn(ctx context.Context, ln net.Listener) error {
	a.takeOverDeadLeader(ctx)
	a.rescueDeadProcessJobs(ctx)
	if err := a.River.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return fmt.Errorf("start job queue: %w", err)
	}
	if err := a.startJobsUI(); err != nil {
		ln.Close()
		return fmt.Errorf("start River's UI: %w", err)
	}
	a.serve(ln)
	return nil
}

func (a *App) serve(ln net.Listener) {
	a.listener = ln
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	a.server = srv
	a.serveErr = make(chan error, 1)
	// srv, not a.server: Close may clear a.server before the goroutine runs.
	go func() { a.serveErr <- srv.Serve(ln) }()
}

// Wait blocks until ctx ends or the HTTP server fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// Close stops the HTTP server and the job queue (letting running jobs
// finish for a few seconds) and closes the database. Safe to call twice.
func (a *App) Close() error {
	var errs []error
	if a.live.stop != nil {
		a.live.stop()
		<-a.live.done
		a.live.stop = nil
	}
	if a.stopSharing != nil {
		a.stopSharing()
		<-a.sharingDone
		a.stopSharing = nil
	}
	if a.server != nil {
		errs = append(errs, shutdown(a.server, 5*time.Second))
		a.server = nil
	}
	if a.stopJobsUI != nil {
		a.stopJobsUI()
		a.stopJobsUI = nil
	}
	if a.River != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := a.River.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			errs = append(errs, fmt.Errorf("stop job queue: %w", err))
		}
		cancel()
		a.River = nil
	}
	if a.vendorHTTP != nil {
		// A server shutting down waits up to 5 s for a connection that
		// never carried a request (one the transport dialed for a call
		// that another connection took first), unless its client closes it.
		a.vendorHTTP.CloseIdleConnections()
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
		a.Store = nil
	}
	return errors.Join(errs...)
}

// shutdown stops srv gracefully, giving requests in flight up to grace to
// finish, then closes what is left. A connection a client opened but never
// used does not count as in flight (net/http would wait 5 s for it).
func shutdown(srv *http.Server, grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// LogFirstAlignmentPlan logs, on an installation that has no link yet, the
// plan of its first alignment — what the first polls and a bulk sync will
// fill, keep or refuse, per object and field — so that an operator sees it
// in the log of the first start. It reads both systems and writes nothing;
// it returns once the plan is logged (run it in a goroutine). Later starts
// log nothing.
func (a *App) LogFirstAlignmentPlan(ctx context.Context) {
	for _, obj := range []tandem.Object{tandem.ObjectAccount, tandem.ObjectContact, tandem.ObjectLead} {
		if n, err := a.Store.CountLinks(ctx, tandem.DefaultInstallation, obj); err != nil || n > 0 {
			return
		}
	}
	plan, err := a.UseCases.PlanBulkSync(ctx, usecase.PlanBulkSyncParams{})
	if err != nil {
		a.Log.Warn("could not plan the first alignment", slog.Any("err", err))
		return
	}
	for _, o := range plan.Objects {
		a.Log.Info("first alignment plan", slog.String("object", string(o.Object)), slog.Int64("links", o.LinksMade),
			slog.Int64("salesforce_writes", o.SalesforceWrites), slog.Int64("intercom_writes", o.IntercomWrites))
	}
	for _, f := range plan.Fields {
		a.Log.Info("first alignment plan", slog.String("object", string(f.Object)), slog.String("direction", string(f.Direction)),
			slog.String("field", f.Field), slog.Int64("filled", f.Filled), slog.Int64("overwritten", f.Overwritten),
			slog.Int64("blanks_refused", f.BlanksRefused), slog.Int64("kept_at_first_link", f.Held))
	}
}

// idleConnsPerHost is how many idle connections to one vendor host are
// kept for reuse. The bulk sync's Intercom writers run 16 calls at once and
// event jobs add their own; the standard library keeps only 2, so every
// call past those would open (and for TLS, handshake) a new connection and
// close it afterwards.
const idleConnsPerHost = 64

// newTransport is the standard library's transport, keeping enough idle
// connections for the engine's concurrent calls.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}
