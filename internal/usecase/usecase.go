package usecase

import (
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/tasks"
)

// Config holds a Service's dependencies.
type Config struct {
	// Installation keys every row the use cases read or write
	// (tandem.DefaultInstallation when empty).
	Installation string
	// Store is the installation's database (required).
	Store *store.DB
	// Jobs queues work for the bridge's workers. An insert-only client is
	// enough (required).
	Jobs *river.Client[*sql.Tx]
	// Syncer is the sync engine. It may be nil for callers that only need
	// the database; CreateLead and RunBulkSync then fail with EINTERNAL.
	Syncer *syncer.Syncer
	// Cases makes Salesforce Cases from conversations; nil when Cases are
	// off.
	Cases *cases.Service
	// Tasks makes Salesforce Tasks from conversations; nil when Tasks are
	// off.
	Tasks *tasks.Service
	// Live, when set, returns the Cases and Tasks in force now (they change
	// with the settings at run time); it overrides Cases and Tasks.
	Live func() (*cases.Service, *tasks.Service)
	// Settings reads and changes settings at run time; nil in processes
	// that do not load the bridge's configuration.
	Settings *SettingsConfig
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Service offers the use cases of one installation.
type Service struct {
	cfg Config
}

// New returns a Service over cfg.
func New(cfg Config) *Service {
	if cfg.Installation == "" {
		cfg.Installation = tandem.DefaultInstallation
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// cases returns the Case engine in force, nil when Cases are off.
func (s *Service) cases() *cases.Service {
	if s.cfg.Live != nil {
		c, _ := s.cfg.Live()
		return c
	}
	return s.cfg.Cases
}

// tasks returns the Task engine in force, nil when Tasks are off.
func (s *Service) tasks() *tasks.Service {
	if s.cfg.Live != nil {
		_, t := s.cfg.Live()
		return t
	}
	return s.cfg.Tasks
}

// engine returns the sync engine, or an error naming what needed it.
func (s *Service) engine(what string) (*syncer.Syncer, error) {
	if s.cfg.Syncer == nil {
		return nil, tandem.Errorf(tandem.EINTERNAL, "%s needs the sync engine, which this process did not start.", what)
	}
	return s.cfg.Syncer, nil
}

// page normalises a page size: DefaultLimit when not positive, EINVALID
// above MaxLimit.
func page(limit int) (int, error) {
	switch {
	case limit <= 0:
		return store.DefaultLimit, nil
	case limit > store.MaxLimit:
		return 0, tandem.Errorf(tandem.EINVALID, "limit must be between 1 and %d, not %d.", store.MaxLimit, limit)
	}
	return limit, nil
}
