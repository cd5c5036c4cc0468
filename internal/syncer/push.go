package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/salesforce"
)

// change is one field to write.
type change struct {
	m         tandem.Mapping
	value     any    // converted for the target system
	canonical string // shadow form of value
	old       string // previous shadow or target value, for the audit
	verdict   verdict
}

// Besides one shadow per field, each link remembers which version of each
// side it last synced from (Intercom's updated_at, Salesforce's
// SystemModstamp). A bulk sync works from a snapshot; before it writes, it
// checks that event sync has not meanwhile synced a newer version of the
// record, so a snapshot never overwrites a newer value.
const (
	seenIntercomKey   = "seen:intercom_updated_at"
	seenSalesforceKey = "seen:salesforce_modstamp"
)

// intercomStamp is the version of an Intercom record, comparable as a string.
func intercomStamp(obj map[string]any) string {
	if v, ok := obj["updated_at"].(float64); ok && v > 0 {
		return fmt.Sprintf("%012d", int64(v))
	}
	return ""
}

// salesforceStamp is the version of a Salesforce record, comparable as a
// string.
func salesforceStamp(rec salesforce.Record) string {
	if t, ok := rec.Time("SystemModstamp"); ok {
		return fmt.Sprintf("%015d", t.UnixMilli())
	}
	return ""
}

// shadow keys name the target side, so the two directions never share one.
func sfShadowKey(m tandem.Mapping) string { return "sf:" + m.Salesforce }
func icShadowKey(m tandem.Mapping) string {
	name, _ := mapping.Resolve(m)
	return "ic:" + name
}

// direction describes one side of a push for plan: where values come from,
// how they are made fit for the target, and how the target's current value is read.
type direction struct {
	dir      tandem.Direction
	op       tandem.Operation                       // OpUpdateSalesforce or OpUpdateIntercom
	seenKey  string                                 // shadow key of the source version
	stamp    string                                 // the source record's version
	key      func(tandem.Mapping) string            // shadow key of a mapping
	source   func(tandem.Mapping) any               // the owning side's raw value
	fit      func(tandem.Mapping, any) (any, error) // raw value → target value
	current  func(tandem.Mapping) (any, error)      // the target's value, read lazily
	readFail func(error) error                      // what a failed read of the target means
}

// plan compares every mapping of d with its shadow (or, for a field with no
// shadow yet, with the target's current value) and decides each field with
// decide. It returns the fields to write and the shadows to store with them
// (finish adds the written fields' shadows once the write succeeded). done
// is true when nothing is to be written: the record was synced from a newer
// version already, or no field needs a write (the shadows learned on the
// way are stored then).
func (s *Syncer) plan(ctx context.Context, l tandem.Link, d direction) (p planned, done bool, err error) {
	ms := s.mappings(ctx, l.Object, d.dir)
	if len(ms) == 0 {
		return p, true, nil
	}
	shadows, err := s.store.Shadows(ctx, l.ID)
	if err != nil {
		return p, true, err
	}
	if d.stamp != "" && shadows[d.seenKey] > d.stamp {
		return p, true, nil // a newer version was synced already (another replica, or a bulk sync)
	}
	p = planned{prev: shadows, next: map[string]string{}}
	firstLink := !alignedOnce(shadows, d.dir)
	for _, m := range ms {
		v, err := d.fit(m, d.source(m))
		if err != nil {
			if err := s.skipUnfitValue(ctx, l, m, d.op, err); err != nil {
				return p, true, err
			}
			continue
		}
		c := mapping.Canonical(v)
		key := d.key(m)
		f := fieldState{src: c, firstLink: firstLink}
		f.shadow, f.hasShadow = shadows[key]
		f.heldSrc, f.isHeld = holdOf(shadows, key)
		f.dst = f.shadow
		if !f.hasShadow {
			cur, err := d.current(m)
			if err != nil {
				return p, true, d.readFail(err)
			}
			f.dst, f.dstKnown = mapping.Canonical(cur), true
		}
		vd := decide(m, f, false)
		s.noteVerdict(l, m, vd, f)
		if vd.writes() {
			p.changes = append(p.changes, change{m: m, value: v, canonical: c, old: f.dst, verdict: vd})
			continue
		}
		recordVerdict(p.next, shadows, key, vd, c, f.dstKnown && f.src == f.dst)
	}
	if d.stamp != "" {
		p.next[d.seenKey] = d.stamp
	}
	if firstLink {
		markIfNoField(p.next, d.dir, len(p.changes))
	}
	p.next = unchanged(p.next, shadows)
	if len(p.changes) == 0 {
		return p, true, s.store.SetShadows(ctx, l.ID, p.next)
	}
	return p, false, nil
}

// planned is the outcome of plan for one pair and direction.
type planned struct {
	changes []change
	prev    map[string]string // the link's shadows before
	next    map[string]string // the shadows to store
}

// finish adds the shadows of the written changes, once the write succeeded.
func (p planned) finish(key func(tandem.Mapping) string) map[string]string {
	for _, ch := range p.changes {
		recordVerdict(p.next, p.prev, key(ch.m), ch.verdict, ch.canonical, true)
	}
	return p.next
}

// unchanged drops from next the shadows that prev holds already.
func unchanged(next, prev map[string]string) map[string]string {
	for k, v := range next {
		if old, ok := prev[k]; ok && old == v || !ok && v == "" && strings.HasPrefix(k, "held:") {
			delete(next, k)
		}
	}
	return next
}

// noteVerdict reports the verdicts an operator should hear about: values
// kept at first link and blanks refused.
func (s *Syncer) noteVerdict(l tandem.Link, m tandem.Mapping, v verdict, f fieldState) {
	if v != held && v != blankRefused {
		return
	}
	field := m.Salesforce
	if m.Direction == tandem.ToIntercom {
		field = icAttrName(m)
	}
	if v == held && f.isHeld {
		return // reported when the hold began
	}
	s.log.Info("value "+v.String(), "object", string(l.Object), "intercom_id", l.IntercomID, "salesforce_id", l.SalesforceID,
		"direction", string(m.Direction), "field", field, "owner_value", f.src, "kept_value", f.dst)
	if s.hooks.OnVerdict != nil {
		s.hooks.OnVerdict(Unwritten{Link: l, Direction: m.Direction, Field: field, Verdict: v.String(), Owner: f.src, Kept: f.dst})
	}
}

// pushToSalesforce writes the to_salesforce attributes of icObj that differ
// from their shadows to the linked Salesforce record. rec is the current
// Salesforce record when the caller has it (nil otherwise; it is read only
// if a field has no shadow yet).
func (s *Syncer) pushToSalesforce(ctx context.Context, l tandem.Link, icObj map[string]any, rec salesforce.Record, cause tandem.Cause) error {
	p, done, err := s.plan(ctx, l, direction{
		dir: tandem.ToSalesforce, op: tandem.OpUpdateSalesforce, seenKey: seenIntercomKey, stamp: intercomStamp(icObj), key: sfShadowKey,
		source: func(m tandem.Mapping) any {
			v, _ := mapping.IntercomValue(icObj, icAttrName(m))
			return v
		},
		fit: func(m tandem.Mapping, raw any) (any, error) { return s.toSalesforce(ctx, l.Object, m, raw) },
		current: func(m tandem.Mapping) (any, error) {
			if rec == nil {
				var err error
				if rec, err = s.sfGet(ctx, l.Object, l.SalesforceID); err != nil {
					return nil, err
				}
			}
			v, _ := mapping.SalesforceValue(rec, m.Salesforce)
			return v, nil
		},
		readFail: func(err error) error { return s.salesforceGone(ctx, l, err) },
	})
	if done || err != nil {
		return err
	}
	changes := p.changes
	fields := sfBody(l.Object, changes)
	if _, err := s.sf.SObjects.Update(ctx, l.Object.SObject(), l.SalesforceID, fields); err != nil {
		if isSalesforceGone(err) {
			return s.salesforceGone(ctx, l, err)
		}
		if l.Object == tandem.ObjectLead && strings.Contains(salesforce.Code(err), "CONVERTED") {
			// The Lead was converted since the last poll; move the link now.
			return s.followConversion(ctx, l, cause)
		}
		return s.fail(ctx, failure{link: l, op: tandem.OpUpdateSalesforce, system: tandem.SystemSalesforce, fields: changedFields(changes), payload: fields}, err)
	}
	if err := s.commit(ctx, l, tandem.ToSalesforce, tandem.OpUpdateSalesforce, changes, p.finish(sfShadowKey), cause); err != nil {
		return err
	}
	if at, ok := icObj["updated_at"].(float64); ok && at > 0 {
		s.observeLag(tandem.ToSalesforce, time.Unix(int64(at), 0))
	}
	return nil
}

// pushToIntercom writes the to_intercom fields of rec that differ from their
// shadows to the linked Intercom record. icObj is the current Intercom record
// when the caller has it.
func (s *Syncer) pushToIntercom(ctx context.Context, l tandem.Link, rec salesforce.Record, icObj map[string]any, cause tandem.Cause) error {
	p, done, err := s.plan(ctx, l, direction{
		dir: tandem.ToIntercom, op: tandem.OpUpdateIntercom, seenKey: seenSalesforceKey, stamp: salesforceStamp(rec), key: icShadowKey,
		source: func(m tandem.Mapping) any {
			v, _ := mapping.SalesforceValue(rec, m.Salesforce)
			return v
		},
		fit: func(m tandem.Mapping, raw any) (any, error) { return s.toIntercom(ctx, l.Object, m, raw) },
		current: func(m tandem.Mapping) (any, error) {
			if icObj == nil {
				var err error
				if icObj, err = s.icGet(ctx, l.Object, l.IntercomID); err != nil {
					return nil, err
				}
			}
			v, _ := mapping.IntercomValue(icObj, icAttrName(m))
			return v, nil
		},
		readFail: func(err error) error { return s.intercomGone(ctx, l, err) },
	})
	if done || err != nil {
		return err
	}
	changes := p.changes
	body := s.icBody(ctx, l.Object, changes)
	if err := s.icUpdate(ctx, l.Object, l.IntercomID, body); err != nil {
		if isIntercomGone(err) {
			return s.intercomGone(ctx, l, err)
		}
		return s.fail(ctx, failure{link: l, op: tandem.OpUpdateIntercom, system: tandem.SystemIntercom, fields: changedFields(changes), payload: body}, err)
	}
	if err := s.commit(ctx, l, tandem.ToIntercom, tandem.OpUpdateIntercom, changes, p.finish(icShadowKey), cause); err != nil {
		return err
	}
	if at, ok := rec.Time("SystemModstamp"); ok {
		s.observeLag(tandem.ToIntercom, at)
	}
	return nil
}

// commit records shadows and audit entries after a successful remote write
// and resolves the record's open sync errors for that operation.
func (s *Syncer) commit(ctx context.Context, l tandem.Link, d tandem.Direction, op tandem.Operation, changes []change, shadows map[string]string, cause tandem.Cause) error {
	now := s.now()
	entries := make([]tandem.AuditEntry, 0, len(changes))
	for _, ch := range changes {
		field := ch.m.Salesforce
		if d == tandem.ToIntercom {
			field = icAttrName(ch.m)
		}
		entries = append(entries, tandem.AuditEntry{
			InstallationID: s.cfg.Installation, Direction: d, Object: l.Object,
			IntercomID: l.IntercomID, SalesforceID: l.SalesforceID,
			Field: field, OldValue: ch.old, NewValue: ch.canonical, Cause: cause, At: now,
		})
	}
	if err := s.store.SetShadows(ctx, l.ID, shadows); err != nil {
		return err
	}
	if err := s.store.InsertAudit(ctx, entries...); err != nil {
		return err
	}
	if err := s.resolve(ctx, l, op); err != nil {
		return err
	}
	for _, e := range entries {
		if err := s.resolveField(ctx, l, op.ValueOp(), e.Field); err != nil {
			return err
		}
	}
	for _, e := range entries {
		s.log.Info("synced", "direction", string(d), "object", string(l.Object), "intercom_id", l.IntercomID,
			"salesforce_id", l.SalesforceID, "field", e.Field, "old", e.OldValue, "new", e.NewValue, "cause", string(cause))
		if s.hooks.OnWrite != nil {
			s.hooks.OnWrite(e)
		}
	}
	return nil
}

// observeLag reports the time from a change (as the source system stamped
// it) to its write in the other system.
func (s *Syncer) observeLag(d tandem.Direction, changed time.Time) {
	if s.hooks.OnLag != nil {
		s.hooks.OnLag(d, max(s.now().Sub(changed), 0))
	}
}

// salesforceGone drops the link when the Salesforce record no longer
// exists and passes any other error on.
func (s *Syncer) salesforceGone(ctx context.Context, l tandem.Link, err error) error {
	if isSalesforceGone(err) {
		return s.dropLink(ctx, l, "Salesforce record deleted")
	}
	return err
}

func (s *Syncer) intercomGone(ctx context.Context, l tandem.Link, err error) error {
	if isIntercomGone(err) {
		return s.dropLink(ctx, l, "Intercom record deleted")
	}
	return err
}

func isSalesforceGone(err error) bool {
	return errors.Is(err, salesforce.ErrNotFound) || errors.Is(err, salesforce.ErrEntityDeleted)
}

func changedFields(cs []change) string {
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		if c.m.Direction == tandem.ToIntercom {
			names = append(names, icAttrName(c.m))
		} else {
			names = append(names, c.m.Salesforce)
		}
	}
	return strings.Join(names, ", ")
}

// sfWrite is the update body that sets field of obj to v: a Lead's or
// Contact's "Name" is FirstName and LastName, an Account's is a field.
func sfWrite(obj tandem.Object, field string, v any) map[string]any {
	if obj == tandem.ObjectAccount {
		return map[string]any{field: v}
	}
	return mapping.SalesforceWrite(field, v)
}

// icAttrName is the Intercom attribute m maps. Mappings are validated
// before the engine starts, so every one names an attribute.
func icAttrName(m tandem.Mapping) string {
	name, _ := mapping.Resolve(m)
	return name
}

// sfField returns the describe metadata of a mapped Salesforce field.
func (s *engine) sfField(ctx context.Context, obj tandem.Object, name string) mapping.SFField {
	if f, ok := s.settings(ctx).Schema.Salesforce[obj.SObject()][name]; ok {
		return f
	}
	return mapping.SFField{Name: name, Type: "string", Updateable: true, Createable: true, Nillable: true}
}

// icAttr returns the data attribute metadata of a mapped Intercom attribute.
func (s *engine) icAttr(ctx context.Context, obj tandem.Object, name string) mapping.ICAttribute {
	if a, ok := s.settings(ctx).Schema.Intercom[mapping.Model(obj)][name]; ok {
		return a
	}
	return mapping.ICAttribute{Name: name, DataType: "string", APIWritable: true, Custom: strings.HasPrefix(name, "custom_attributes.")}
}
