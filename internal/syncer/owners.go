package syncer

import (
	"context"
	"errors"
	"github.com/tandemhq/tandem/intercom"
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

// ownerMapping is the synthetic mapping ownership ow adds to a people pair.
func ownerMapping(ow Ownership, obj tandem.Object, d tandem.Direction) (tandem.Mapping, bool) {
	if !ow.Enabled || obj == tandem.ObjectAccount || d != ow.Direction {
		return tandem.Mapping{}, false
	}
	return tandem.Mapping{Object: obj, Intercom: "owner_id", Salesforce: "OwnerId", Direction: d, Transform: ownerTransform,
		OnFirstLink: ow.OnFirstLink}, true
}

// owners is the directory that matches Intercom admins with Salesforce
// Users by email. It is read from both APIs at most every five minutes.
type owners struct {
	ic  *intercom.Client
	sf  *salesforce.Client
	now func() time.Time

	mu           sync.Mutex
	loaded       time.Time
	adminEmail   map[string]string // Intercom admin id → email
	adminByEmail map[string]string
	userEmail    map[string]string // Salesforce User id → email
	userByEmail  map[string]string
}

// load reads the admins and the active Users again when the directory is
// older than five minutes. The caller holds o.mu.
func (o *owners) load(ctx context.Context) error {
	if !o.loaded.IsZero() && o.now().Sub(o.loaded) < 5*time.Minute {
		return nil
	}
	admins, _, err := o.ic.Admins.List(ctx)
	if err != nil {
		return err
	}
	o.adminEmail, o.adminByEmail = map[string]string{}, map[string]string{}
	for _, a := range admins {
		id, email := a.ID, strings.ToLower(a.Email)
		if id != "" && email != "" {
			o.adminEmail[id], o.adminByEmail[email] = email, id
		}
	}
	o.userEmail, o.userByEmail = map[string]string{}, map[string]string{}
	err = queryAll(ctx, o.sf, "SELECT Id, Email FROM User WHERE IsActive = true", func(r salesforce.Record) error {
		email := strings.ToLower(r.String("Email"))
		if email != "" {
			o.userEmail[r.ID()] = email
			if _, dup := o.userByEmail[email]; !dup {
				o.userByEmail[email] = r.ID()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	o.loaded = o.now()
	return nil
}

// salesforceOwnerFor returns the Salesforce User matching Intercom admin
// adminID, or "" when there is none.
func (o *owners) salesforceOwnerFor(ctx context.Context, adminID string) (string, error) {
	if adminID == "" || adminID == "0" {
		return "", nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(ctx); err != nil {
		return "", err
	}
	return o.userByEmail[o.adminEmail[adminID]], nil
}

// intercomOwnerFor returns the Intercom admin matching Salesforce User
// userID, or "" when there is none (a queue, or someone not in Intercom).
func (o *owners) intercomOwnerFor(ctx context.Context, userID string) (string, error) {
	if userID == "" {
		return "", nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(ctx); err != nil {
		return "", err
	}
	return o.adminByEmail[o.userEmail[userID]], nil
}

// toSalesforce converts an Intercom value for the Salesforce field of m.
func (s *engine) toSalesforce(ctx context.Context, obj tandem.Object, m tandem.Mapping, raw any) (any, error) {
	if m.Transform == ownerTransform {
		id, err := s.owners.salesforceOwnerFor(ctx, str(raw))
		if err == nil && id == "" {
			err = errNoCounterpart
		}
		return id, err
	}
	return mapping.ToSalesforce(raw, s.sfField(ctx, obj, m.Salesforce))
}

// toIntercom converts a Salesforce value for the Intercom attribute of m.
func (s *engine) toIntercom(ctx context.Context, obj tandem.Object, m tandem.Mapping, raw any) (any, error) {
	if m.Transform == ownerTransform {
		id, err := s.owners.intercomOwnerFor(ctx, str(raw))
		if err == nil && id == "" {
			err = errNoCounterpart
		}
		return id, err
	}
	return mapping.ToIntercom(raw, s.icAttr(ctx, obj, icAttrName(m)))
}
