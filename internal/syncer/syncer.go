package syncer

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// Config is what the engine needs to know about one installation.
type Config struct {
	Installation string
	Mappings     []tandem.Mapping
	Schema       mapping.Schema

	// PeopleMatch is "email" (default) or "external_id"; with external_id,
	// Intercom's external_id is matched against PeopleExternalIDField.
	PeopleMatch           string
	PeopleExternalIDField string
	// CompanyMatchField is the Account field holding Intercom's company_id.
	CompanyMatchField string
	// PollOverlap is how far behind the watermark each poll looks again, so
	// that rows committed late are not missed.
	PollOverlap time.Duration
	// BulkMemory is how many bytes of the Intercom records it has listed a
	// bulk sync holds in memory before it moves them to the store (0:
	// memScratchBytes; BulkOptions.MemoryBytes overrides it).
	BulkMemory int
	// Placeholder fills Salesforce-required fields that are empty when a
	// record is created (Create Lead).
	Placeholder string
	// Ownership keeps Intercom owners and Salesforce owners aligned.
	Ownership Ownership
	// Budget caps Salesforce calls; nil means no cap.
	Budget *budget.Budget

	// ProcessID names this process among every process working on the
	// installation (host and pid, say). It is recorded in the bulk sync
	// leases the engine takes, so that ProcessGone can recognise them.
	ProcessID string
	// ProcessGone reports whether the process that recorded holder (a
	// string starting with its ProcessID) is known to have ended, so that
	// its bulk sync lease is taken over at once. Nil, or false when it
	// cannot tell: the lease then expires after a minute.
	ProcessGone func(holder string) bool
}

// Settings are the parts of Config that can change while the engine runs
// (see Reconfigure): the mappings with the schema they were checked
// against, the placeholder and ownership.
type Settings struct {
	Mappings    []tandem.Mapping
	Schema      mapping.Schema
	Placeholder string
	Ownership   Ownership
}

// Ownership configures "maintain lead and account ownership".
type Ownership struct {
	Enabled bool
	// Direction is the owner of the owner: to_salesforce makes the Intercom
	// owner win, to_intercom the Salesforce owner.
	Direction tandem.Direction
	// Fallback is what a created Lead's owner becomes when the Intercom owner
	// has no Salesforce user: "api_user" or "assignment_rule".
	Fallback string
	// OnFirstLink is the first-link policy of the owner field.
	OnFirstLink tandem.FirstLinkPolicy
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.Installation == "" {
		c.Installation = tandem.DefaultInstallation
	}
	if c.PeopleMatch == "" {
		c.PeopleMatch = "email"
	}
	if c.CompanyMatchField == "" {
		c.CompanyMatchField = "AccountNumber"
	}
	if c.PollOverlap == 0 {
		c.PollOverlap = 2 * time.Minute
	}
	if c.Placeholder == "" {
		c.Placeholder = "[not provided]"
	}
	if c.Ownership.Direction == "" {
		c.Ownership.Direction = tandem.ToSalesforce
	}
	if c.Ownership.Fallback == "" {
		c.Ownership.Fallback = "api_user"
	}
	return c
}

// Hooks let the application observe the engine (metrics, the demo's
// readable lines). Every field is optional.
type Hooks struct {
	// OnWrite is called after each field write was applied remotely.
	OnWrite func(tandem.AuditEntry)
	// OnSyncError is called when a failure was recorded as a sync error.
	OnSyncError func(tandem.SyncError)
	// OnLink is called when a link is made, moved or dropped.
	OnLink func(action string, l tandem.Link)
	// OnLag observes the delay between a change and its write.
	OnLag func(direction tandem.Direction, lag time.Duration)
	// OnVerdict is called when a field was not written on purpose: a value
	// kept at first link, or a blank refused.
	OnVerdict func(Unwritten)
}

// Unwritten is a field tandem left alone on purpose.
type Unwritten struct {
	Link      tandem.Link
	Direction tandem.Direction
	Field     string // the target field or attribute
	Verdict   string // "kept at first link" or "blank refused"
	Owner     string // the owner's value, not written
	Kept      string // the target's value, kept
}

// Syncer is the engine. It is safe for concurrent use.
//
// What its parts share (configuration, settings, store, clients, clock,
// hooks, locks) is the embedded *engine (engine.go); what a failure
// becomes is the embedded syncErrors (failures.go). Create Lead
// (leadCreator, leads.go), the revert of a field write (reverter,
// revert.go), the reconciliation search with its memory of what it handled
// (reconciler, reconcile.go), the owner directory (owners, owners.go), the
// API budget (apiBudget) and the poll's memory of what it handled
// (stampMemory, poll.go) are types of their own. Syncer itself keeps the
// flows of sync: a change comes in, is planned, written and committed, and
// links are found, moved or dropped.
type Syncer struct {
	*engine
	syncErrors

	leads      *leadCreator
	revert     *reverter
	reconciler *reconciler

	seen stampMemory // poll de-duplication: sobject id → SystemModstamp handled
}

// New returns a Syncer. now may be nil (time.Now).
func New(cfg Config, db *store.DB, ic *intercom.Client, sf *salesforce.Client, log *slog.Logger, now func() time.Time, hooks Hooks) *Syncer {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.WithDefaults()
	e := &engine{
		cfg:    cfg,
		store:  db,
		ic:     ic,
		sf:     sf,
		log:    log.With(slog.String("component", "syncer")),
		now:    now,
		hooks:  hooks,
		owners: owners{ic: ic, sf: sf, now: now},
		budget: apiBudget{limits: cfg.Budget, sf: sf, now: now},
	}
	e.live.Store(&Settings{Mappings: cfg.Mappings, Schema: cfg.Schema, Placeholder: cfg.Placeholder, Ownership: cfg.Ownership})
	s := &Syncer{
		engine:     e,
		syncErrors: syncErrors{engine: e},
		revert:     &reverter{engine: e},
		reconciler: &reconciler{engine: e, handled: updateMemory{m: map[string]int64{}}},
		seen:       stampMemory{m: map[string]string{}},
	}
	s.leads = &leadCreator{engine: e, errs: s.syncErrors, sync: s}
	return s
}

// Reconfigure puts new settings in force. Work that pinned the previous
// ones (see Pin) finishes with them; everything after uses these.
func (s *Syncer) Reconfigure(st Settings) {
	def := Config{Placeholder: st.Placeholder, Ownership: st.Ownership}.WithDefaults()
	st.Placeholder, st.Ownership = def.Placeholder, def.Ownership
	s.live.Store(&st)
}

// Settings returns the settings in force now.
func (s *Syncer) Settings() Settings { return *s.live.Load() }

type settingsKey struct{}

// Pin returns a context that carries the settings in force now: the
// engine's work for that context uses them from start to end, even when
// Reconfigure runs meanwhile. The job queue pins every job.
func (s *Syncer) Pin(ctx context.Context) context.Context {
	if _, ok := ctx.Value(settingsKey{}).(*Settings); ok {
		return ctx
	}
	return context.WithValue(ctx, settingsKey{}, s.live.Load())
}

// PermanentError marks a failure that retrying will not fix; it has been
// recorded as a sync error already. The job layer cancels such jobs.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Allow reports whether work of class c may call Salesforce now and, if
// not, how long to wait (the API budget).
func (s *Syncer) Allow(c budget.Class) (bool, time.Duration) { return s.budget.Allow(c) }
