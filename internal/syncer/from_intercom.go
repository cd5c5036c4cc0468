package syncer

import (
	"context"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// SyncIntercomContact brings the Salesforce side of an Intercom lead or user
// up to date: it reads the contact as it is now (so duplicated or reordered
// notifications are harmless), finds or makes its link, and writes the
// to_salesforce attributes that changed.
func (s *Syncer) SyncIntercomContact(ctx context.Context, id string, cause tandem.Cause) error {
	return s.syncFromIntercom(ctx, tandem.ObjectContact, id, cause)
}

// SyncIntercomCompany is SyncIntercomContact for companies.
func (s *Syncer) SyncIntercomCompany(ctx context.Context, id string, cause tandem.Cause) error {
	return s.syncFromIntercom(ctx, tandem.ObjectAccount, id, cause)
}

// syncFromIntercom syncs one Intercom contact (kind ObjectContact; its role
// picks the pair) or company (kind ObjectAccount).
func (s *Syncer) syncFromIntercom(ctx context.Context, kind tandem.Object, id string, cause tandem.Cause) error {
	defer s.locks.Lock("ic:" + id)()
	icObj, err := s.icGet(ctx, kind, id)
	if isIntercomGone(err) {
		return s.IntercomDeleted(ctx, kind, id)
	} else if err != nil {
		return err
	}
	obj := kind
	if kind != tandem.ObjectAccount {
		obj = personObject(str(icObj["role"]))
	}
	l, found, err := s.linkForIntercom(ctx, obj, id)
	if err != nil {
		return err
	}
	var rec salesforce.Record
	fresh := false
	if found {
		was := l
		if l, rec, found, err = s.checkIntercomKey(ctx, l, obj, icObj); err != nil {
			return err
		}
		// A link moved to another record (a changed key, a lead that
		// signed up) is new too.
		fresh = found && (l.Object != was.Object || l.SalesforceID != was.SalesforceID)
	}
	if !found {
		if l, rec, found, err = s.linkFromIntercom(ctx, obj, icObj); err != nil || !found {
			return err
		}
		fresh = true
	}
	if err := s.pushToSalesforce(ctx, l, icObj, rec, cause); err != nil {
		return err
	}
	if !fresh {
		// A link whose first alignment was cut short (a crash after the
		// link was made) is new too until it was aligned towards Intercom.
		if fresh, err = s.neverAligned(ctx, l, tandem.ToIntercom); err != nil || !fresh {
			return err
		}
		if rec, err = s.sfGet(ctx, l.Object, l.SalesforceID); err != nil {
			return s.salesforceGone(ctx, l, err)
		}
	}
	// A new link is aligned in both directions at once.
	return s.pushToIntercom(ctx, l, rec, icObj, cause)
}

// neverAligned reports whether link l still exists, has mappings in
// direction d and has not been aligned in that direction yet. A link that
// the other direction's push dropped or moved (a deleted record, a
// converted Lead) is not: its successor was aligned where it was made.
func (s *Syncer) neverAligned(ctx context.Context, l tandem.Link, d tandem.Direction) (bool, error) {
	if len(s.mappings(ctx, l.Object, d)) == 0 {
		return false, nil
	}
	if _, err := s.store.LinkByID(ctx, l.ID); store.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	shadows, err := s.store.Shadows(ctx, l.ID)
	return err == nil && !alignedOnce(shadows, d), err
}

// IntercomDeleted drops the links of a deleted (or merged-away) Intercom
// record. The Salesforce record stays as it is.
func (s *Syncer) IntercomDeleted(ctx context.Context, obj tandem.Object, id string) error {
	for {
		l, found, err := s.linkForIntercom(ctx, obj, id)
		if err != nil || !found {
			return err
		}
		if err := s.dropLink(ctx, l, "Intercom record deleted"); err != nil {
			return err
		}
	}
}

// checkIntercomKey re-links a person whose matching key changed in
// Intercom, and moves a lead that became a user to a matching Contact. It
// returns found=false when the link was dropped and no new one made.
func (s *Syncer) checkIntercomKey(ctx context.Context, l tandem.Link, obj tandem.Object, icObj map[string]any) (tandem.Link, salesforce.Record, bool, error) {
	field := s.icKeyField(l.Object)
	key := normKey(field, str(icObj[field]))
	roleMoved := obj == tandem.ObjectContact && l.Object == tandem.ObjectLead
	if (l.MatchKey == "" || key == l.MatchKey) && !roleMoved {
		return l, nil, true, nil
	}
	if roleMoved {
		// The lead signed up: prefer a Contact with the same key.
		cands, err := s.findSalesforce(ctx, tandem.ObjectContact, key)
		if err != nil {
			return l, nil, false, err
		}
		free := false
		for _, rec := range cands {
			if free, err = s.unlinked(ctx, tandem.ObjectContact, rec.ID()); err != nil {
				return l, nil, false, err
			} else if free {
				break
			}
		}
		if !free {
			// No Contact, or every one linked to someone else: keep
			// syncing with the Lead rather than drop the only link.
			return l, nil, true, nil
		}
		if err := s.dropLink(ctx, l, "Intercom lead became a user"); err != nil {
			return l, nil, false, err
		}
		return s.linkToCandidate(ctx, tandem.ObjectContact, icObj, key, cands)
	}
	// The key changed. If the linked record carries the new key too (both
	// sides were edited, or the key itself is synced), keep the link.
	rec, err := s.sfGet(ctx, l.Object, l.SalesforceID)
	if err != nil {
		if isSalesforceGone(err) {
			if err := s.dropLink(ctx, l, "Salesforce record deleted"); err != nil {
				return l, nil, false, err
			}
			return s.linkFromIntercom(ctx, l.Object, icObj)
		}
		return l, nil, false, err
	}
	if normKey(s.sfKeyField(l.Object), rec.String(s.sfKeyField(l.Object))) == key || s.keyIsSynced(ctx, l.Object) {
		l.MatchKey = key
		l, err = s.store.UpsertLink(ctx, l)
		return l, rec, err == nil, err
	}
	if err := s.dropLink(ctx, l, "matching key changed in Intercom"); err != nil {
		return l, nil, false, err
	}
	return s.linkFromIntercom(ctx, l.Object, icObj)
}

// keyIsSynced reports whether the Intercom matching key is itself mapped
// to Salesforce, in which case a key change is an edit, not a new identity.
func (s *Syncer) keyIsSynced(ctx context.Context, obj tandem.Object) bool {
	for _, m := range s.mappings(ctx, obj, tandem.ToSalesforce) {
		if icAttrName(m) == s.icKeyField(obj) && m.Salesforce == s.sfKeyField(obj) {
			return true
		}
	}
	return false
}
