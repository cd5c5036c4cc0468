package tasks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/convo"
	"github.com/tandemhq/tandem/internal/keylock"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce"
)

// Trigger is what asks for a Task.
type Trigger string

const (
	// Started: a conversation started (the automatic Task).
	Started Trigger = "started"
	// Closed: a conversation closed (the automatic Task gets its
	// transcript and the closed status).
	Closed Trigger = "closed"
	// Part: one message or note is logged (the tag, or the Custom Action
	// with a part id).
	Part Trigger = "part"
	// Whole: the whole conversation is logged (the Custom Action without a
	// part id).
	Whole Trigger = "conversation"
)

// Request asks for the Tasks of one trigger. Its JSON form is the job's
// arguments and a sync error's payload, so a failure can be retried.
type Request struct {
	Trigger        Trigger `json:"trigger"`
	ConversationID string  `json:"conversation_id"`
	PartID         string  `json:"part_id,omitempty"`
}

// Manual reports whether a teammate asked for the Task (as opposed to the
// conversation's own start and close).
func (r Request) Manual() bool { return r.Trigger == Part || r.Trigger == Whole }

// IntercomID names the Intercom source of the Task: the conversation id,
// or "<conversation id>#<part id>" for a Task logging one part. Sync
// errors and the external id field carry it.
func (r Request) IntercomID() string {
	if r.Trigger == Part {
		return r.ConversationID + "#" + r.PartID
	}
	return r.ConversationID
}

// Operations of the sync errors this package records.
const (
	OpCreate = "create_task" // the automatic Task at conversation start
	OpUpdate = "update_task" // the automatic Task at close
	OpLog    = "log_task"    // a manual Task
)

// Operation is the sync error operation of r.
func (r Request) Operation() string {
	switch r.Trigger {
	case Started:
		return OpCreate
	case Closed:
		return OpUpdate
	}
	return OpLog
}

// Config is what the Task service needs to know.
type Config struct {
	Installation string
	// Automatic creates a Task when a conversation starts.
	Automatic bool
	// Type is the Task Type picklist value (empty: not set).
	Type string
	// ExternalIDField is the Task field holding Request.IntercomID; empty
	// means none (an interrupted create is then recognised by WhoId,
	// Subject and CreatedDate).
	ExternalIDField string
	// StaleAfter is how long a pending intent is left to the attempt that
	// claimed it before another takes it over (default 2m).
	StaleAfter time.Duration
}

// Event tells a hook about one Task written.
type Event struct {
	Request
	Result
	// Action is "created" or "updated".
	Action  string
	Subject string
	Status  string
	// OwnerNote says why the Task went to the integration user; empty when
	// it went to the assigned teammate.
	OwnerNote string
}

// Hooks observe the service; every field is optional.
type Hooks struct {
	OnTask      func(Event)
	OnSyncError func(tandem.SyncError)
}

// Result is one Task of a request.
type Result struct {
	TaskID string `json:"task_id"`
	// WhoID is the Contact or Lead.
	WhoID string `json:"who_id"`
	// WhoObject is "Contact" or "Lead".
	WhoObject string `json:"who_object"`
	// WhatID is the Opportunity the Task is related to, if any.
	WhatID  string `json:"what_id,omitempty"`
	OwnerID string `json:"owner_id,omitempty"`
	// Created is true when this request created the Task; false when it
	// existed (and may have been updated).
	Created bool `json:"created"`
}

// ErrBusy is returned while another attempt is creating the same Task; try
// again in a few seconds.
var ErrBusy = &tandem.Error{Code: tandem.ECONFLICT, Message: "Another request is creating this Task right now; try again in a few seconds."}

// Service creates and updates conversation Tasks. It is safe for
// concurrent use.
type Service struct {
	cfg    Config
	store  *store.DB
	ic     *intercom.Client
	sf     *salesforce.Client
	syncer *syncer.Syncer
	log    *slog.Logger
	now    func() time.Time
	hooks  Hooks

	locks keylock.Map

	mu           sync.Mutex
	closedStatus cached[string]
	appID        cached[string]
	admins       cached[map[string]string]    // Intercom admin id → email
	users        map[string]cached[userMatch] // email → Salesforce user
}

type userMatch struct{ id string }

type cached[T any] struct {
	v  T
	at time.Time
}

func (c cached[T]) fresh(now time.Time, ttl time.Duration) bool {
	return !c.at.IsZero() && now.Sub(c.at) < ttl
}

// New returns a Service. sy creates the Lead of a manual Task for a person
// not in Salesforce yet and records sync errors. now and log may be nil.
func New(cfg Config, db *store.DB, ic *intercom.Client, sf *salesforce.Client, sy *syncer.Syncer, log *slog.Logger, now func() time.Time, hooks Hooks) *Service {
	if cfg.Installation == "" {
		cfg.Installation = tandem.DefaultInstallation
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 2 * time.Minute
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: db, ic: ic, sf: sf, syncer: sy, log: log.With(slog.String("component", "tasks")),
		now: now, hooks: hooks, users: map[string]cached[userMatch]{}}
}

// Automatic reports whether conversations get a Task when they start.
func (s *Service) Automatic() bool { return s.cfg.Automatic }

// Handle does what r asks for and returns the Tasks concerned, one per
// person (several when the person's email is on several Leads). It is
// idempotent: repeating a request never makes a second Task.
//
// Errors: *tandem.Error values fit to show (ENOTFOUND for an unknown
// conversation or part, EUNPROCESSABLE when a Lead cannot be made), ErrBusy
// while another attempt holds the Task, or the vendor's error.
func (s *Service) Handle(ctx context.Context, r Request) ([]Result, error) {
	if strings.TrimSpace(r.ConversationID) == "" {
		return nil, tandem.Errorf(tandem.EINVALID, "conversation_id is required.")
	}
	switch r.Trigger {
	case Started, Closed, Whole:
	case Part:
		if strings.TrimSpace(r.PartID) == "" {
			return nil, tandem.Errorf(tandem.EINVALID, "part_id is required to log one part.")
		}
	default:
		return nil, tandem.Errorf(tandem.EINVALID, "Unknown Task trigger %q.", r.Trigger)
	}
	if r.Trigger == Started && !s.cfg.Automatic {
		return nil, nil
	}
	defer s.locks.Lock(r.ConversationID)()

	conv, _, err := s.ic.Conversations.Get(ctx, r.ConversationID, &intercom.GetConversationOptions{DisplayAs: "plaintext"})
	if errors.Is(err, intercom.ErrNotFound) {
		return nil, tandem.Errorf(tandem.ENOTFOUND, "Intercom conversation %s does not exist.", r.ConversationID)
	} else if err != nil {
		return nil, err
	}
	var part *intercom.ConversationPart
	if r.Trigger == Part {
		p, ok := convo.Part(conv, r.PartID)
		if !ok {
			return nil, tandem.Errorf(tandem.ENOTFOUND, "Intercom conversation %s has no part %s.", r.ConversationID, r.PartID)
		}
		part = p
	}
	people, err := s.people(ctx, conv, r.Manual())
	if err != nil {
		return nil, err
	}
	if len(people) == 0 {
		s.log.Info("no Task: the conversation's person is not in Salesforce", slog.String("conversation_id", r.ConversationID),
			slog.String("trigger", string(r.Trigger)))
		return nil, nil
	}
	w, err := s.prepare(ctx, r, conv, part)
	if err != nil {
		return nil, err
	}
	var (
		out  []Result
		errs []error
	)
	for _, p := range people {
		res, err := s.one(ctx, w, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("Task on %s %s: %w", p.object, p.id, err))
			continue
		}
		if res.TaskID != "" {
			out = append(out, res)
		}
	}
	if len(errs) > 0 {
		return out, errors.Join(errs...)
	}
	return out, nil
}

// Permanent reports whether retrying err cannot help: a domain error
// (other than unavailable or internal) or a vendor's refusal. ErrBusy is
// not permanent.
func Permanent(err error) bool {
	if err == nil || errors.Is(err, ErrBusy) {
		return false
	}
	var te *tandem.Error
	if errors.As(err, &te) {
		return te.Code != tandem.EUNAVAILABLE && te.Code != tandem.EINTERNAL
	}
	return !syncer.Transient(err)
}
