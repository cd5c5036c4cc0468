package syncer

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// Reverted is what a revert wrote: the owner's side first, then the field
// the reverted entry had written. Both are recorded in the audit log with
// cause action and the revert's reason.
type Reverted struct {
	Owner  tandem.AuditEntry
	Target tandem.AuditEntry
}

// RevertWrite puts back the value that the write recorded in e replaced,
// so that the field is as it was before that write.
//
// A field has one owner, the source of its mapping, and sync copies the
// owner's value to the target whenever the owner changes. Writing the old
// value on the target alone would last until the next change of the owner
// (or the next bulk sync, which repairs drift), so the revert writes the
// owner's side: the old value, converted back into the owner's type. It then
// writes the target at once with the value sync would derive from the new
// owner value, and stores that value as the field's shadow, in the same
// transaction as the target's audit entry: the notification of the
// owner's change that follows finds the shadow equal to the owner and
// writes nothing, and the revert shows in the audit log at once, not
// whenever the webhook or the next poll arrives. Should the target write
// fail after the owner's succeeded, the shadow still holds the entry's new
// value, so the next sync of the record sees the owner's change and carries
// it over the normal way.
//
// The revert is optimistic: it refuses (ECONFLICT) when the target no longer
// holds the entry's new value or the owner holds something else by now,
// saying what they hold; when the mapping no longer exists; and (ENOTFOUND)
// when the records are no longer linked or one of them is gone.
func (s *Syncer) RevertWrite(ctx context.Context, e tandem.AuditEntry, reason string) (Reverted, error) {
	if e.InstallationID != s.cfg.Installation {
		return Reverted{}, tandem.Errorf(tandem.ENOTFOUND, "There is no audit entry %d.", e.ID)
	}
	if !e.Direction.Valid() || !e.Object.Valid() || e.Field == "" || e.IntercomID == "" || e.SalesforceID == "" {
		return Reverted{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Audit entry %d records no field write of a linked pair; there is nothing to revert.", e.ID)
	}
	m, ok := s.mappingOf(ctx, e.Object, e.Direction, e.Field)
	if !ok {
		return Reverted{}, tandem.Errorf(tandem.ECONFLICT,
			"%s %s is no longer mapped %s, so tandem cannot tell which side owns it; nothing was reverted.",
			e.Object, e.Field, dirPhrase(e.Direction))
	}
	defer s.locks.Lock("sf:" + e.SalesforceID)()
	defer s.locks.Lock("ic:" + e.IntercomID)()

	l, err := s.store.LinkByIntercomID(ctx, s.cfg.Installation, e.Object, e.IntercomID)
	if store.IsNotFound(err) {
		return Reverted{}, tandem.Errorf(tandem.ENOTFOUND, "Intercom record %s is no longer linked as a %s; nothing was reverted.", e.IntercomID, e.Object)
	} else if err != nil {
		return Reverted{}, err
	}
	if l.SalesforceID != e.SalesforceID {
		return Reverted{}, tandem.Errorf(tandem.ECONFLICT, "Intercom record %s is now linked to Salesforce %s, not %s; nothing was reverted.",
			e.IntercomID, l.SalesforceID, e.SalesforceID)
	}
	icObj, err := s.icGet(ctx, l.Object, l.IntercomID)
	if isIntercomGone(err) {
		return Reverted{}, tandem.Errorf(tandem.ENOTFOUND, "The Intercom record %s no longer exists; nothing was reverted.", l.IntercomID)
	} else if err != nil {
		return Reverted{}, fmt.Errorf("read Intercom record %s: %w", l.IntercomID, err)
	}
	rec, err := s.sfGet(ctx, l.Object, l.SalesforceID)
	if isSalesforceGone(err) {
		return Reverted{}, tandem.Errorf(tandem.ENOTFOUND, "The Salesforce %s %s no longer exists; nothing was reverted.", l.Object.SObject(), l.SalesforceID)
	} else if err != nil {
		return Reverted{}, fmt.Errorf("read Salesforce record %s: %w", l.SalesforceID, err)
	}

	sides := s.revertSides(l, m, icObj, rec)
	owner, target := sides[0], sides[1]
	if cur := mapping.Canonical(target.read()); cur != e.NewValue {
		return Reverted{}, tandem.Errorf(tandem.ECONFLICT, "%s now holds %s, not %s as entry %d left it; nothing was reverted.",
			target.label, quoteValue(cur), quoteValue(e.NewValue), e.ID)
	}
	ownerNow := owner.read()
	if fitted, err := target.fit(ctx, ownerNow); err != nil || mapping.Canonical(fitted) != e.NewValue {
		return Reverted{}, tandem.Errorf(tandem.ECONFLICT,
			"%s, which owns the field, now holds %s, a change not synced yet; nothing was reverted.",
			owner.label, quoteValue(mapping.Canonical(ownerNow)))
	}

	// The old value is in the target's form; the owner gets it in its own,
	// and the target what sync makes of that.
	var old any
	if e.OldValue != "" {
		old = e.OldValue
	}
	ownerValue, err := owner.fit(ctx, old)
	if err != nil {
		return Reverted{}, unfit(owner.label, err)
	}
	targetValue, err := target.fit(ctx, ownerValue)
	if err != nil {
		return Reverted{}, unfit(target.label, err)
	}
	shadowValue := mapping.Canonical(targetValue)

	entry := func(d tandem.Direction, field, before, after string) tandem.AuditEntry {
		return tandem.AuditEntry{InstallationID: s.cfg.Installation, Direction: d, Object: l.Object,
			IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: field, OldValue: before, NewValue: after,
			Cause: tandem.CauseAction, Reason: reason, At: s.now()}
	}
	var out Reverted
	if err := owner.write(ctx, ownerValue); err != nil {
		return Reverted{}, fmt.Errorf("write %s: %w", owner.label, err)
	}
	if out.Owner, err = s.store.AddAuditEntry(ctx, entry(owner.dir, owner.field, mapping.Canonical(ownerNow), mapping.Canonical(ownerValue))); err != nil {
		return out, err
	}
	s.wrote(out.Owner)

	if err := target.write(ctx, targetValue); err != nil {
		// The owner holds the old value now and the shadow still the new
		// one, so the next sync of the record writes the target.
		return out, tandem.Errorf(tandem.EUNAVAILABLE,
			"%s was set back to %s, but writing %s failed (%v); the next sync of the record will carry the value over.",
			owner.label, quoteValue(mapping.Canonical(ownerValue)), target.label, err)
	}
	prev, err := s.store.Shadows(ctx, l.ID)
	if err != nil {
		return out, err
	}
	next := map[string]string{}
	recordVerdict(next, prev, target.shadowKey, overwrite, shadowValue)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetShadows(ctx, l.ID, next); err != nil {
			return err
		}
		out.Target, err = tx.AddAuditEntry(ctx, entry(e.Direction, e.Field, e.NewValue, shadowValue))
		return err
	})
	if err != nil {
		return out, err
	}
	s.wrote(out.Target)
	return out, nil
}

// revertSide is one side of a mapped field during a revert.
type revertSide struct {
	dir       tandem.Direction // the direction of a write to this side
	field     string           // the field or attribute on this side
	label     string           // e.g. "Salesforce Contact.Phone"
	shadowKey string           // the shadow of this side as a sync target
	read      func() any
	// fit converts a value of the other side into this side's form.
	fit   func(ctx context.Context, v any) (any, error)
	write func(ctx context.Context, v any) error
}

// revertSides returns the owner's side of m and then the target's.
func (s *Syncer) revertSides(l tandem.Link, m tandem.Mapping, icObj map[string]any, rec salesforce.Record) [2]revertSide {
	name := icAttrName(m)
	ic := revertSide{
		dir: tandem.ToIntercom, field: name, shadowKey: icShadowKey(m),
		label: fmt.Sprintf("Intercom %s %s", mapping.Model(l.Object), name),
		read: func() any {
			v, _ := mapping.IntercomValue(icObj, name)
			return v
		},
		fit: func(ctx context.Context, v any) (any, error) { return s.toIntercom(ctx, l.Object, m, v) },
		write: func(ctx context.Context, v any) error {
			if a := s.icAttr(ctx, l.Object, name); v == nil && a.DataType == "string" && a.Custom {
				v = "" // as icBody: Intercom rejects null for some custom attributes
			}
			body := map[string]any{}
			setPath(body, name, v)
			return s.icUpdate(ctx, l.Object, l.IntercomID, body)
		},
	}
	sf := revertSide{
		dir: tandem.ToSalesforce, field: m.Salesforce, shadowKey: sfShadowKey(m),
		label: fmt.Sprintf("Salesforce %s.%s", l.Object.SObject(), m.Salesforce),
		read: func() any {
			v, _ := mapping.SalesforceValue(rec, m.Salesforce)
			return v
		},
		fit: func(ctx context.Context, v any) (any, error) { return s.toSalesforce(ctx, l.Object, m, v) },
		write: func(ctx context.Context, v any) error {
			_, err := s.sf.SObjects.Update(ctx, l.Object.SObject(), l.SalesforceID, sfWrite(l.Object, m.Salesforce, v))
			return err
		},
	}
	if m.Direction == tandem.ToSalesforce {
		return [2]revertSide{ic, sf}
	}
	return [2]revertSide{sf, ic}
}

// mappingOf returns the mapping of obj in direction d whose target field is
// field (the Salesforce field towards Salesforce, the Intercom attribute
// towards Intercom, as audit entries name them).
func (s *Syncer) mappingOf(ctx context.Context, obj tandem.Object, d tandem.Direction, field string) (tandem.Mapping, bool) {
	for _, m := range s.mappings(ctx, obj, d) {
		target := m.Salesforce
		if d == tandem.ToIntercom {
			target = icAttrName(m)
		}
		if target == field {
			return m, true
		}
	}
	return tandem.Mapping{}, false
}

func unfit(label string, err error) error {
	var ce *mapping.ConvertError
	if errors.As(err, &ce) {
		return tandem.Errorf(tandem.EUNPROCESSABLE, "The old value does not fit %s: %s; nothing was reverted.", label, ce.Reason)
	}
	if errors.Is(err, errNoCounterpart) {
		return tandem.Errorf(tandem.EUNPROCESSABLE, "The old value has no counterpart for %s; nothing was reverted.", label)
	}
	return err
}

func dirPhrase(d tandem.Direction) string {
	if d == tandem.ToIntercom {
		return "towards Intercom"
	}
	return "towards Salesforce"
}

func quoteValue(v string) string {
	if v == "" {
		return "nothing"
	}
	return fmt.Sprintf("%q", v)
}
