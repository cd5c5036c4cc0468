package syncer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/salesforce"
)

// Owners ("maintain lead and account ownership"): Intercom admins and
// Salesforce Users are matched by email. When ownership is on, people
// carry one more mapping, owner_id ↔ OwnerId, in the configured direction;
// its values are translated through that match instead of copied. An
// owner with no counterpart is left alone: tandem never assigns a record to
// someone it cannot name.

// errNoCounterpart skips a field whose value has no match on the other side.
var errNoCounterpart = errors.New("no counterpart")

const ownerTransform = "owner"

// ownerMapping is the synthetic mapping ownership adds to a people pair.
func (s *Syncer) ownerMapping(ctx context.Context, obj tandem.Object, d tandem.Direction) (tandem.Mapping, bool) {
	ow := s.settings(ctx).Ownership
	if !ow.Enabled || obj == tandem.ObjectAccount || d != ow.Direction {
		return tandem.Mapping{}, false
	}
	return tandem.Mapping{Object: obj, Intercom: "owner_id", Salesforce: "OwnerId", Direction: d, Transform: ownerTransform,
		OnFirstLink: ow.OnFirstLink}, true
}

type ownerDirectory struct {
	mu           sync.Mutex
	loaded       time.Time
	adminEmail   map[string]string // Intercom admin id → email
	adminByEmail map[string]string
	userEmail    map[string]string // Salesforce User id → email
	userByEmail  map[string]string
}

// directory returns the admin ↔ user match, refreshed every five minutes.
func (s *Syncer) directory(ctx context.Context) (*ownerDirectory, error) {
	d := &s.owners
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.loaded.IsZero() && s.now().Sub(d.loaded) < 5*time.Minute {
		return d, nil
	}
	admins, _, err := s.ic.Admins.List(ctx)
	if err != nil {
		return nil, err
	}
	d.adminEmail, d.adminByEmail = map[string]string{}, map[string]string{}
	for _, a := range admins {
		id, email := a.ID, strings.ToLower(a.Email)
		if id != "" && email != "" {
			d.adminEmail[id], d.adminByEmail[email] = email, id
		}
	}
	d.userEmail, d.userByEmail = map[string]string{}, map[string]string{}
	err = s.sfQuery(ctx, "SELECT Id, Email FROM User WHERE IsActive = true", func(r salesforce.Record) error {
		email := strings.ToLower(r.String("Email"))
		if email != "" {
			d.userEmail[r.ID()] = email
			if _, dup := d.userByEmail[email]; !dup {
				d.userByEmail[email] = r.ID()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.loaded = s.now()
	return d, nil
}

// salesforceOwnerFor returns the Salesforce User matching Intercom admin
// adminID, or "" when there is none.
func (s *Syncer) salesforceOwnerFor(ctx context.Context, adminID string) (string, error) {
	if adminID == "" || adminID == "0" {
		return "", nil
	}
	d, err := s.directory(ctx)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.userByEmail[d.adminEmail[adminID]], nil
}

// intercomOwnerFor returns the Intercom admin matching Salesforce User
// userID, or "" when there is none (a queue, or someone not in Intercom).
func (s *Syncer) intercomOwnerFor(ctx context.Context, userID string) (string, error) {
	if userID == "" {
		return "", nil
	}
	d, err := s.directory(ctx)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.adminByEmail[d.userEmail[userID]], nil
}

// toSalesforce converts an Intercom value for the Salesforce field of m.
func (s *Syncer) toSalesforce(ctx context.Context, obj tandem.Object, m tandem.Mapping, raw any) (any, error) {
	if m.Transform == ownerTransform {
		id, err := s.salesforceOwnerFor(ctx, str(raw))
		if err == nil && id == "" {
			err = errNoCounterpart
		}
		return id, err
	}
	return mapping.ToSalesforce(raw, s.sfField(ctx, obj, m.Salesforce))
}

// toIntercom converts a Salesforce value for the Intercom attribute of m.
func (s *Syncer) toIntercom(ctx context.Context, obj tandem.Object, m tandem.Mapping, raw any) (any, error) {
	if m.Transform == ownerTransform {
		id, err := s.intercomOwnerFor(ctx, str(raw))
		if err == nil && id == "" {
			err = errNoCounterpart
		}
		return id, err
	}
	return mapping.ToIntercom(raw, s.icAttr(ctx, obj, icAttrName(m)))
}

// skipUnfitValue decides what an error making a value fit for its target
// means: a missing owner counterpart skips the field quietly, a lookup
// failure is returned, and anything else is recorded as a sync error for
// the field.
func (s *Syncer) skipUnfitValue(ctx context.Context, l tandem.Link, m tandem.Mapping, op tandem.Operation, err error) error {
	if errors.Is(err, errNoCounterpart) {
		return nil
	}
	if m.Transform == ownerTransform {
		return err
	}
	s.recordValueError(ctx, l, m, op, err)
	return nil
}
