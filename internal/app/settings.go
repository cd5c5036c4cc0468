package app

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/tasks"
	"github.com/tandemhq/tandem/internal/usecase"
)

// settingsEvery is how often each process asks whether the settings
// changed: a change made on one replica is in force on every other one
// within about this long.
const settingsEvery = 2 * time.Second

// liveSettings is the configuration in force and the settings version it
// reflects.
type liveSettings struct {
	mu      sync.Mutex // one apply at a time
	cfg     config.Config
	version int64
	stop    context.CancelFunc
	done    chan struct{}
	// checked is the schema the last check of a change read, so that
	// applying the change it allowed does not read both systems again.
	checked atomic.Pointer[checkedSchema]
}

// checkedSchema is a schema and when it was read.
type checkedSchema struct {
	schema mapping.Schema
	at     time.Time
}

// Effective returns the configuration in force now (the file, the
// environment and the defaults, overlaid with settings changed at run
// time) and the settings version it reflects.
func (a *App) Effective() (config.Config, int64) {
	a.live.mu.Lock()
	defer a.live.mu.Unlock()
	return a.live.cfg, a.live.version
}

// settingsConfig is what the use cases need to read and change settings.
func (a *App) settingsConfig(base config.Config) *usecase.SettingsConfig {
	return &usecase.SettingsConfig{Base: base, Check: a.checkSettings, Apply: a.applySettings}
}

// checkSettings validates a candidate configuration against both systems
// as New does: the mappings against a fresh describe and the data
// attributes, and the Cases configuration when Cases are on. A system that
// cannot be reached is an EUNAVAILABLE error; a problem of the settings is
// a plain error with the text start-up prints.
func (a *App) checkSettings(ctx context.Context, c config.Config) error {
	schema, err := syncer.ReadSchema(ctx, a.Salesforce, a.Intercom)
	if err != nil {
		return tandem.Errorf(tandem.EUNAVAILABLE, "The settings could not be checked against Salesforce and Intercom: %v", err)
	}
	a.live.checked.Store(&checkedSchema{schema: schema, at: time.Now()})
	if err := mapping.Validate(c.Mappings, schema); err != nil {
		return fmt.Errorf("invalid mappings:\n%w", err)
	}
	if c.Cases.Enabled {
		svc := cases.New(casesConfig(c.Cases), a.Store, a.Intercom, a.Salesforce, a.Log)
		if _, err := svc.Check(ctx); err != nil {
			return fmt.Errorf("invalid cases configuration:\n%w", err)
		}
	}
	return nil
}

// services are the Case and Task engines in force, with their triggers;
// they are replaced as a whole when their settings change.
type services struct {
	cases        *cases.Service // nil when Cases are off
	caseTriggers jobs.CaseTriggers
	tasks        *tasks.Service // nil when Tasks are off
	taskTriggers jobs.TaskTriggers
}

func servicesOf(c config.Config, cs *cases.Service, ts *tasks.Service) *services {
	sv := &services{cases: cs, tasks: ts,
		caseTriggers: jobs.CaseTriggers{OnStarted: c.Cases.OnStarted, OnClosed: c.Cases.OnClosed, Tag: c.Cases.Tag},
		taskTriggers: jobs.TaskTriggers{Enabled: c.Tasks.Enabled, Automatic: c.Tasks.OnStarted}}
	if c.Tasks.TagEnabled() {
		sv.taskTriggers.Tag = c.Tasks.Tag
	}
	return sv
}

// applyServices replaces the Case and Task engines when their settings
// changed. A Case engine is checked against both systems first; if that
// fails here (the saving process checked the same settings), the previous
// one stays and the failure is logged.
func (a *App) applyServices(old, c config.Config) {
	cur := a.services.Load()
	cs, ts := cur.cases, cur.tasks
	if !reflect.DeepEqual(old.Cases, c.Cases) {
		cs = nil
		if c.Cases.Enabled {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			svc, err := a.newCasesFn(ctx, c)
			cancel()
			if err != nil {
				a.Log.Error("settings: the new Cases configuration could not be put in force", slog.Any("err", err))
				return
			}
			cs = svc
		}
	}
	if !reflect.DeepEqual(old.Tasks, c.Tasks) {
		ts = nil
		if c.Tasks.Enabled {
			ts = a.newTasksFn(c.Tasks)
		}
	}
	if a.periodic && (!reflect.DeepEqual(old.Cases, c.Cases) || !reflect.DeepEqual(old.Tasks, c.Tasks)) {
		a.River.PeriodicJobs().RemoveByID(caseBackstopID)
		if cs != nil || ts != nil {
			a.River.PeriodicJobs().Add(jobs.CasePeriodic(c.Cases.BackstopInterval))
		}
	}
	a.services.Store(servicesOf(c, cs, ts))
}

// caseBackstopID is the id of the conversation backstop's periodic job.
const caseBackstopID = "case_backstop"

// applySettings puts a saved configuration in force in this process. A
// job already running finishes with the settings it started with: the
// engine's settings are pinned per job, and a job holds the Case or Task
// engine it started with.
func (a *App) applySettings(c config.Config, version int64) {
	a.live.mu.Lock()
	defer a.live.mu.Unlock()
	if version <= a.live.version {
		return // already in force
	}
	old := a.live.cfg
	st := a.Syncer.Settings()
	if !slices.Equal(old.Mappings, c.Mappings) {
		// A new mapping may name a field created since start-up. The
		// process that saved the change has just read the schema to check
		// it; the others read it now.
		if c := a.live.checked.Swap(nil); c != nil && time.Since(c.at) < time.Minute {
			st.Schema = c.schema
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if schema, err := syncer.ReadSchema(ctx, a.Salesforce, a.Intercom); err == nil {
				st.Schema = schema
			} else {
				a.Log.Warn("settings: could not reload the schema; the mappings use the one of start-up", slog.Any("err", err))
			}
			cancel()
		}
	}
	st.Mappings, st.Placeholder = c.Mappings, c.Sync.Placeholder
	st.Ownership = syncer.Ownership{Enabled: c.Ownership.Enabled, Direction: c.Ownership.Direction,
		Fallback: c.Ownership.Fallback, OnFirstLink: c.Ownership.OnFirstLink}
	a.Syncer.Reconfigure(st)
	a.Budget.SetLimits(c.Budget.DailySalesforceCalls, c.Budget.BulkShare, c.Budget.EventShare)
	a.Panel.SetMappings(c.Mappings)
	a.applyServices(old, c)
	if a.periodic && (old.Sync.PollInterval != c.Sync.PollInterval || old.Sync.ReconcileInterval != c.Sync.ReconcileInterval) {
		pj := a.River.PeriodicJobs()
		pj.RemoveManyByID(periodicIDs)
		pj.AddMany(jobs.Periodic(c.Sync.PollInterval, c.Sync.ReconcileInterval))
	}
	a.live.cfg, a.live.version = c, version
	a.Log.Info("settings applied", slog.Int64("version", version))
}

// periodicIDs are the ids of the polls' and the reconciliation's periodic
// jobs (jobs.Periodic).
var periodicIDs = []string{"reconcile", "poll_" + string(tandem.ObjectLead), "poll_" + string(tandem.ObjectContact),
	"poll_" + string(tandem.ObjectAccount)}

// pinSettings makes every job use the engine's settings of its start.
var _ rivertype.WorkerMiddleware = (*river.WorkerMiddlewareFunc)(nil)

func (a *App) pinSettings() rivertype.Middleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, _ *rivertype.JobRow, doInner func(context.Context) error) error {
		return doInner(a.Syncer.Pin(ctx))
	})
}

// watchSettings asks the database for the settings version every few
// seconds and applies a newer one: a change saved on another replica.
func (a *App) watchSettings(base config.Config) {
	ctx, cancel := context.WithCancel(context.Background())
	a.live.stop, a.live.done = cancel, make(chan struct{})
	go func() {
		defer close(a.live.done)
		t := time.NewTicker(settingsEvery)
		defer t.Stop()
		var last string // the problem last logged: each is logged once, not every tick
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := a.refreshSettings(ctx, base)
			switch {
			case err != nil && ctx.Err() == nil && err.Error() != last:
				last = err.Error()
				a.Log.Warn("settings: could not apply the stored settings; the ones in force stay", slog.Any("err", err))
			case err == nil && last != "":
				last = ""
				a.Log.Info("settings: the stored settings apply again")
			}
		}
	}()
}

// refreshSettings applies the stored settings when their version is newer
// than the one in force.
func (a *App) refreshSettings(ctx context.Context, base config.Config) error {
	v, err := a.Store.SettingsVersion(ctx, tandem.DefaultInstallation)
	if err != nil {
		return err
	}
	if _, cur := a.Effective(); v <= cur {
		return nil
	}
	c, v, err := usecase.EffectiveSettings(ctx, a.Store, tandem.DefaultInstallation, base)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("settings version %d: %w", v, err)
	}
	a.applySettings(c, v)
	return nil
}

// casesConfig is the Case engine's configuration of cc.
func casesConfig(cc config.Cases) cases.Config {
	ms := make([]cases.Mapping, len(cc.Mappings))
	for i, m := range cc.Mappings {
		ms[i] = cases.Mapping{Conversation: m.Conversation, Salesforce: m.Salesforce}
	}
	return cases.Config{Installation: tandem.DefaultInstallation, Tag: cc.Tag, Note: cc.NoteEnabled(), Origin: cc.Origin,
		Priority: cc.Priority, RecordType: cc.RecordType, Owner: cc.Owner, ExternalIDField: cc.ExternalIDField, Mappings: ms}
}
