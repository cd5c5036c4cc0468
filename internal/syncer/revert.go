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
	return s.revert.revert(ctx, e, reason)
}

// reverter reverts field writes (RevertWrite). It needs nothing of the
// engine beyond its shared dependencies.
type reverter struct {
	*engine
}

// revert is RevertWrite, step by step: check the entry, lock the pair,
// read both records, check that neither moved since the entry, then write
// the owner's side and the target's.
func (r *reverter) revert(ctx context.Context, e tandem.AuditEntry, reason string) (Reverted, error) {
	m, err := r.checkEntry(ctx, e)
	if err != nil {
		return Reverted{}, err
	}
	defer r.locks.Lock("sf:" + e.SalesforceID)()
	defer r.locks.Lock("ic:" + e.IntercomID)()

	l, icObj, rec, err := r.readPair(ctx, e)
	if err != nil {
		return Reverted{}, err
	}
	sides := r.revertSides(l, m, icObj, rec)
	rv := revertWrite{entry: e, reason: reason, link: l, owner: sides[0], target: sides[1]}
	if err := r.checkUnmoved(ctx, &rv); err != nil {
		return Reverted{}, err
	}
	if err := r.values(ctx, &rv); err != nil {
		return Reverted{}, err
	}
	var out Reverted
	if out.Owner, err = r.writeOwner(ctx, rv); err != nil {
		return out, err
	}
	out.Target, err = r.writeTarget(ctx, rv)
	return out, err
}

// revertWrite is one revert under way: the entry reverted, its pair, the
// two sides of its mapping and, once worked out, the values each side has
// and gets.
type revertWrite struct {
	entry         tandem.AuditEntry
	reason        string
	link          tandem.Link
	owner, target revertSide
	ownerNow      any    // the owner's value now, equal (once fitted) to the entry's new value
	ownerValue    any    // the entry's old value in the owner's form
	targetValue   any    // what sync makes of ownerValue for the target
	shadowValue   string // targetValue, canonical: the field's shadow after the revert
}

// checkEntry guarantees that e records a field write of a linked pair of
// this installation, under a mapping that still exists, and returns that
// mapping: it tells which side owns the field.
func (r *reverter) checkEntry(ctx context.Context, e tandem.AuditEntry) (tandem.Mapping, error) {
	if e.InstallationID != r.cfg.Installation {
		return tandem.Mapping{}, tandem.Errorf(tandem.ENOTFOUND, "There is no audit entry %d.", e.ID)
	}
	if !e.Direction.Valid() || !e.Object.Valid() || e.Field == "" || e.IntercomID == "" || e.SalesforceID == "" {
		return tandem.Mapping{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Audit entry %d records no field write of a linked pair; there is nothing to revert.", e.ID)
	}
	m, ok := r.mappingOf(ctx, e.Object, e.Direction, e.Field)
	if !ok {
		return tandem.Mapping{}, tandem.Errorf(tandem.ECONFLICT,
			"%s %s is no longer mapped %s, so tandem cannot tell which side owns it; nothing was reverted.",
			e.Object, e.Field, dirPhrase(e.Direction))
	}
	return m, nil
}

// readPair guarantees that the entry's two records are still linked to
// each other and both still exist, and returns the link and the records as
// they are now.
func (r *reverter) readPair(ctx context.Context, e tandem.AuditEntry) (tandem.Link, map[string]any, salesforce.Record, error) {
	l, err := r.store.LinkByIntercomID(ctx, r.cfg.Installation, e.Object, e.IntercomID)
	if store.IsNotFound(err) {
		return l, nil, nil, tandem.Errorf(tandem.ENOTFOUND, "Intercom record %s is no longer linked as a %s; nothing was reverted.", e.IntercomID, e.Object)
	} else if err != nil {
		return l, nil, nil, err
	}
	if l.SalesforceID != e.SalesforceID {
		return l, nil, nil, tandem.Errorf(tandem.ECONFLICT, "Intercom record %s is now linked to Salesforce %s, not %s; nothing was reverted.",
			e.IntercomID, l.SalesforceID, e.SalesforceID)
	}
	icObj, err := r.icGet(ctx, l.Object, l.IntercomID)
	if isIntercomGone(err) {
		return l, nil, nil, tandem.Errorf(tandem.ENOTFOUND, "The Intercom record %s no longer exists; nothing was reverted.", l.IntercomID)
	} else if err != nil {
		return l, nil, nil, fmt.Errorf("read Intercom record %s: %w", l.IntercomID, err)
	}
	rec, err := r.sfGet(ctx, l.Object, l.SalesforceID)
	if isSalesforceGone(err) {
		return l, nil, nil, tandem.Errorf(tandem.ENOTFOUND, "The Salesforce %s %s no longer exists; nothing was reverted.", l.Object.SObject(), l.SalesforceID)
	} else if err != nil {
		return l, nil, nil, fmt.Errorf("read Salesforce record %s: %w", l.SalesforceID, err)
	}
	return l, icObj, rec, nil
}

// checkUnmoved guarantees that the field is as the entry left it: the
// target still holds the entry's new value, and the owner a value that
// sync makes into it (no change of the owner waits to be synced). It
// records the owner's value in rv.
func (r *reverter) checkUnmoved(ctx context.Context, rv *revertWrite) error {
	e := rv.entry
	if cur := mapping.Canonical(rv.target.read()); cur != e.NewValue {
		return tandem.Errorf(tandem.ECONFLICT, "%s now holds %s, not %s as entry %d left it; nothing was reverted.",
			rv.target.label, quoteValue(cur), quoteValue(e.NewValue), e.ID)
	}
	rv.ownerNow = rv.owner.read()
	if fitted, err := rv.target.fit(ctx, rv.ownerNow); err != nil || mapping.Canonical(fitted) != e.NewValue {
		return tandem.Errorf(tandem.ECONFLICT,
			"%s, which owns the field, now holds %s, a change not synced yet; nothing was reverted.",
			rv.owner.label, quoteValue(mapping.Canonical(rv.ownerNow)))
	}
	return nil
}

// values works out what each side gets. The old value is in the target's
// form; the owner gets it in its own, and the target what sync makes of
// that. It fails, before anything is written, when either does not fit.
func (r *reverter) values(ctx context.Context, rv *revertWrite) error {
	var old any
	if rv.entry.OldValue != "" {
		old = rv.entry.OldValue
	}
	var err error
	if rv.ownerValue, err = rv.owner.fit(ctx, old); err != nil {
		return unfit(rv.owner.label, err)
	}
	if rv.targetValue, err = rv.target.fit(ctx, rv.ownerValue); err != nil {
		return unfit(rv.target.label, err)
	}
	rv.shadowValue = mapping.Canonical(rv.targetValue)
	return nil
}

// writeOwner writes the old value to the owner's side and records the
// write in the audit log.
func (r *reverter) writeOwner(ctx context.Context, rv revertWrite) (tandem.AuditEntry, error) {
	if err := rv.owner.write(ctx, rv.ownerValue); err != nil {
		return tandem.AuditEntry{}, fmt.Errorf("write %s: %w", rv.owner.label, err)
	}
	saved, err := r.store.AddAuditEntry(ctx, r.auditEntry(rv, rv.owner.dir, rv.owner.field,
		mapping.Canonical(rv.ownerNow), mapping.Canonical(rv.ownerValue)))
	if err != nil {
		return saved, err
	}
	r.wrote(saved)
	return saved, nil
}

// writeTarget writes the target's side, then stores its value as the
// field's shadow and the audit entry of the write in one transaction, so
// that the notification of the owner's change finds nothing to write.
// Should the write fail, the owner holds the old value and the shadow still
// the new one, so the next sync of the record writes the target.
func (r *reverter) writeTarget(ctx context.Context, rv revertWrite) (tandem.AuditEntry, error) {
	if err := rv.target.write(ctx, rv.targetValue); err != nil {
		return tandem.AuditEntry{}, tandem.Errorf(tandem.EUNAVAILABLE,
			"%s was set back to %s, but writing %s failed (%v); the next sync of the record will carry the value over.",
			rv.owner.label, quoteValue(mapping.Canonical(rv.ownerValue)), rv.target.label, err)
	}
	prev, err := r.store.Shadows(ctx, rv.link.ID)
	if err != nil {
		return tandem.AuditEntry{}, err
	}
	next := map[string]string{}
	recordVerdict(next, prev, rv.target.shadowKey, overwrite, rv.shadowValue, true)
	// The target now holds what sync makes of the owner's new version:
	// recorded as synced from it, a sync still holding an older read of
	// the owner (a poll that read the record before the revert) finds a
	// newer version synced already and leaves the target alone. Without
	// the version (the read failed), that sync may write the old value
	// once more, and the next change puts it right.
	if stamp, err := rv.owner.stamp(ctx); err == nil && stamp != "" && stamp > prev[rv.owner.seenKey] {
		next[rv.owner.seenKey] = stamp
	}
	var saved tandem.AuditEntry
	err = r.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetShadows(ctx, rv.link.ID, next); err != nil {
			return err
		}
		saved, err = tx.AddAuditEntry(ctx, r.auditEntry(rv, rv.entry.Direction, rv.entry.Field, rv.entry.NewValue, rv.shadowValue))
		return err
	})
	if err != nil {
		return saved, err
	}
	r.wrote(saved)
	return saved, nil
}

// auditEntry is the audit entry of one of a revert's writes.
func (r *reverter) auditEntry(rv revertWrite, d tandem.Direction, field, before, after string) tandem.AuditEntry {
	l := rv.link
	return tandem.AuditEntry{InstallationID: r.cfg.Installation, Direction: d, Object: l.Object,
		IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: field, OldValue: before, NewValue: after,
		Cause: tandem.CauseAction, Reason: rv.reason, At: r.now()}
}

// revertSide is one side of a mapped field during a revert.
type revertSide struct {
	dir       tandem.Direction // the direction of a write to this side
	field     string           // the field or attribute on this side
	label     string           // e.g. "Salesforce Contact.Phone"
	shadowKey string           // the shadow of this side as a sync target
	read      func() any
	// seenKey is the shadow key of this side's version; stamp reads the
	// version its record has now.
	seenKey string
	stamp   func(ctx context.Context) (string, error)
	// fit converts a value of the other side into this side's form.
	fit   func(ctx context.Context, v any) (any, error)
	write func(ctx context.Context, v any) error
}

// revertSides returns the owner's side of m and then the target's.
func (r *reverter) revertSides(l tandem.Link, m tandem.Mapping, icObj map[string]any, rec salesforce.Record) [2]revertSide {
	name := icAttrName(m)
	ic := revertSide{
		dir: tandem.ToIntercom, field: name, shadowKey: icShadowKey(m),
		label: fmt.Sprintf("Intercom %s %s", mapping.Model(l.Object), name),
		read: func() any {
			v, _ := mapping.IntercomValue(icObj, name)
			return v
		},
		seenKey: seenIntercomKey,
		stamp: func(ctx context.Context) (string, error) {
			obj, err := r.icGet(ctx, l.Object, l.IntercomID)
			return intercomStamp(obj), err
		},
		fit: func(ctx context.Context, v any) (any, error) { return r.toIntercom(ctx, l.Object, m, v) },
		write: func(ctx context.Context, v any) error {
			if a := r.icAttr(ctx, l.Object, name); v == nil && a.DataType == "string" && a.Custom {
				v = "" // as icBody: Intercom rejects null for some custom attributes
			}
			body := map[string]any{}
			setPath(body, name, v)
			return r.icUpdate(ctx, l.Object, l.IntercomID, body)
		},
	}
	sf := revertSide{
		dir: tandem.ToSalesforce, field: m.Salesforce, shadowKey: sfShadowKey(m),
		label: fmt.Sprintf("Salesforce %s.%s", l.Object.SObject(), m.Salesforce),
		read: func() any {
			v, _ := mapping.SalesforceValue(rec, m.Salesforce)
			return v
		},
		seenKey: seenSalesforceKey,
		stamp: func(ctx context.Context) (string, error) {
			rec, err := r.sfGet(ctx, l.Object, l.SalesforceID)
			if err != nil {
				return "", err
			}
			return salesforceStamp(rec), nil
		},
		fit: func(ctx context.Context, v any) (any, error) { return r.toSalesforce(ctx, l.Object, m, v) },
		write: func(ctx context.Context, v any) error {
			_, err := r.sf.SObjects.Update(ctx, l.Object.SObject(), l.SalesforceID, sfWrite(l.Object, m.Salesforce, v))
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
func (r *reverter) mappingOf(ctx context.Context, obj tandem.Object, d tandem.Direction, field string) (tandem.Mapping, bool) {
	for _, m := range r.mappings(ctx, obj, d) {
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
