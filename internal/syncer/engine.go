package syncer

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/keylock"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// engine is what every part of the engine shares: the installation's
// configuration and the settings in force, the store, both vendor clients,
// the clock, the hooks, the per-record locks, the owner directory and the
// API budget. Its methods are the shared vocabulary of those parts: the
// settings a piece of work runs with, the vendor reads and writes
// (remote.go), value conversion (owners.go) and telling the hooks. Syncer
// embeds it; leadCreator and reverter hold it instead of the whole Syncer.
type engine struct {
	cfg   Config
	live  atomic.Pointer[Settings] // the reconfigurable part of cfg, in force now
	store *store.DB
	ic    *intercom.Client
	sf    *salesforce.Client
	log   *slog.Logger
	now   func() time.Time
	hooks Hooks

	locks  keylock.Map
	owners owners
	budget apiBudget
}

// settings returns the settings ctx pinned, or else those in force now.
func (s *engine) settings(ctx context.Context) *Settings {
	if st, ok := ctx.Value(settingsKey{}).(*Settings); ok {
		return st
	}
	return s.live.Load()
}

// mappings returns the mappings of obj in direction d.
func (s *engine) mappings(ctx context.Context, obj tandem.Object, d tandem.Direction) []tandem.Mapping {
	var out []tandem.Mapping
	for _, m := range s.settings(ctx).Mappings {
		if m.Object == obj && m.Direction == d {
			out = append(out, m)
		}
	}
	if m, ok := ownerMapping(s.settings(ctx).Ownership, obj, d); ok {
		out = append(out, m)
	}
	return out
}

// linkEvent logs a link made, moved or dropped and tells the hooks.
func (s *engine) linkEvent(action string, l tandem.Link) {
	s.log.Info("link "+action, slog.String("object", string(l.Object)), slog.String("intercom_id", l.IntercomID),
		slog.String("salesforce_id", l.SalesforceID), slog.String("matched_by", l.MatchedBy))
	if s.hooks.OnLink != nil {
		s.hooks.OnLink(action, l)
	}
}

// wrote logs an action's write and tells the hooks, as commit does for
// sync's writes.
func (s *engine) wrote(e tandem.AuditEntry) {
	s.log.Info("wrote", "direction", string(e.Direction), "object", string(e.Object), "intercom_id", e.IntercomID,
		"salesforce_id", e.SalesforceID, "field", e.Field, "old", e.OldValue, "new", e.NewValue, "cause", string(e.Cause),
		"reason", e.Reason)
	if s.hooks.OnWrite != nil {
		s.hooks.OnWrite(e)
	}
}

// apiBudget is the Salesforce API budget as the engine consults it: the
// configured caps, and a fresh reading of the org-wide usage now and then
// while work is paused.
type apiBudget struct {
	limits *budget.Budget // nil: no cap
	sf     *salesforce.Client
	now    func() time.Time

	mu        sync.Mutex
	refreshed time.Time
}

// Allow reports whether work of class c may call Salesforce now and, if
// not, how long to wait.
func (b *apiBudget) Allow(c budget.Class) (bool, time.Duration) {
	if b.limits == nil {
		return true, 0
	}
	ok, wait := b.limits.Allow(c)
	if !ok && b.refreshDue() {
		// Org-wide usage only moves when Salesforce answers; while paused,
		// ask /limits now and then so that work resumes by itself.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if limits, _, err := b.sf.Limits(ctx); err == nil {
			if l, found := limits["DailyApiRequests"]; found {
				b.limits.Observe(l.Max-l.Remaining, l.Max)
			}
		}
		ok, wait = b.limits.Allow(c)
	}
	return ok, wait
}

// refreshDue reports, at most once a minute, that the budget's org-wide
// usage should be read again.
func (b *apiBudget) refreshDue() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now := b.now(); now.Sub(b.refreshed) >= time.Minute {
		b.refreshed = now
		return true
	}
	return false
}
