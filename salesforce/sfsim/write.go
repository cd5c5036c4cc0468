package sfsim

import (
	"fmt"
	"sort"
	"strings"
)

// writeCtx says who writes and how.
type writeCtx struct {
	user        string
	ui          bool // state handle: read-only fields settable, no assignment rules
	autoAssign  bool // Sforce-Auto-Assign absent or TRUE on an API write
	callOptions string
	isUpdate    bool
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// applyFields coerces body fields into vals. skip names fields ignored
// (Id on updates, the external id on upserts).
func (s *Server) applyFields(o *object, vals []any, given []bool, fields map[string]any, wc writeCtx) *Error {
	var readonly []string
	for _, k := range sortedKeys(fields) {
		if k == "attributes" {
			continue
		}
		f := o.field(k)
		if f == nil {
			return badRequest("INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", k, o.name))
		}
		if f.name == "Id" {
			if wc.isUpdate {
				continue
			}
			if !wc.ui {
				return badRequest("INVALID_FIELD", "cannot specify Id in an insert call")
			}
		}
		if !wc.ui && ((!wc.isUpdate && !f.createable) || (wc.isUpdate && !f.updateable)) {
			readonly = append(readonly, f.name)
			continue
		}
		v, e := coerce(f, fields[k])
		if e != nil {
			return e
		}
		vals[f.idx] = v
		given[f.idx] = true
	}
	if len(readonly) > 0 {
		verb := "create"
		if wc.isUpdate {
			verb = "update"
		}
		return badRequest("INVALID_FIELD_FOR_INSERT_UPDATE", fmt.Sprintf(
			"Unable to %s/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
			verb, strings.Join(readonly, ", ")), readonly...)
	}
	return nil
}

func (s *Server) insert(o *object, fields map[string]any, wc writeCtx) (*record, *Error) {
	wc.isUpdate = false
	if o.setup && !wc.ui {
		return nil, setupWriteErr(o, "inserted")
	}
	vals := make([]any, len(o.fields))
	given := make([]bool, len(o.fields))
	if e := s.applyFields(o, vals, given, fields, wc); e != nil {
		return nil, e
	}
	if e := s.applyRecordType(o, vals, given, wc); e != nil {
		return nil, e
	}
	now := s.now()
	for _, f := range o.fields {
		if vals[f.idx] != nil {
			continue
		}
		switch {
		case f.typ == "boolean":
			vals[f.idx] = f.name == "IsActive" && !given[f.idx]
		case f.name == "OwnerId":
			vals[f.idx] = wc.user
		case f.defaultValue != "":
			vals[f.idx] = f.defaultValue
		}
	}
	setIfNil := func(name string, v any) {
		if f := o.field(name); f != nil && vals[f.idx] == nil {
			vals[f.idx] = v
		}
	}
	setIfNil("CreatedDate", now)
	setIfNil("LastModifiedDate", vals[o.field("CreatedDate").idx])
	setIfNil("SystemModstamp", vals[o.field("LastModifiedDate").idx])
	setIfNil("CreatedById", wc.user)
	setIfNil("LastModifiedById", wc.user)
	if o.name == "Case" {
		s.caseSeq++
		vals[o.field("CaseNumber").idx] = fmt.Sprintf("%08d", s.caseSeq)
	}
	s.autoAssign(o, vals, wc)
	s.derive(o, vals, nil)
	if e := s.validate(o, vals, nil, given); e != nil {
		return nil, e
	}
	id := vals[0]
	if id == nil {
		s.seq++
		id = newID(o.keyPrefix, s.seq)
		vals[0] = id
	}
	r := &record{obj: o, id: id.(string), vals: vals, callOptions: wc.callOptions}
	if o.tbl.byID[r.id] != nil {
		return nil, badRequest("DUPLICATE_VALUE", "duplicate value found: Id duplicates value on record with id: "+r.id)
	}
	o.tbl.insert(r)
	s.logUndo(func() { o.tbl.remove(r) })
	return r, nil
}

// autoAssign applies assignment on an API write that did not send
// "Sforce-Auto-Assign: FALSE": the lead assignment rule gives Leads to the
// assignment user, and Cases go to the default case owner even though no
// case assignment rule is active, as Salesforce does.
func (s *Server) autoAssign(o *object, vals []any, wc writeCtx) {
	if !wc.autoAssign || wc.ui {
		return
	}
	switch o.name {
	case "Lead":
		vals[o.field("OwnerId").idx] = s.assignUser
	case "Case":
		vals[o.field("OwnerId").idx] = s.caseOwner
	}
}

// logUndo records how to reverse a write while an all-or-none composite
// request runs.
func (s *Server) logUndo(f func()) {
	if s.journal != nil {
		*s.journal = append(*s.journal, f)
	}
}

// update applies fields to r. It returns the previous values so the caller
// can roll back.
func (s *Server) update(r *record, fields map[string]any, wc writeCtx) ([]any, *Error) {
	o := r.obj
	if r.deleted {
		return nil, apiErr(404, "ENTITY_IS_DELETED", "entity is deleted")
	}
	if o.name == "Lead" && r.vals[o.field("IsConverted").idx] == true {
		return nil, badRequest("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
	}
	if o.setup && !wc.ui {
		return nil, setupWriteErr(o, "updated")
	}
	wc.isUpdate = true
	vals := append([]any(nil), r.vals...)
	given := make([]bool, len(o.fields))
	if e := s.applyFields(o, vals, given, fields, wc); e != nil {
		return nil, e
	}
	if e := s.applyRecordType(o, vals, given, wc); e != nil {
		return nil, e
	}
	for _, f := range o.fields {
		if given[f.idx] && vals[f.idx] == nil && f.typ == "boolean" {
			vals[f.idx] = false
		}
	}
	s.autoAssign(o, vals, wc)
	now := s.now()
	lm := o.field("LastModifiedDate")
	if !given[lm.idx] {
		vals[lm.idx] = now
	}
	if sm := o.field("SystemModstamp"); !given[sm.idx] {
		vals[sm.idx] = vals[lm.idx]
	}
	if lb := o.field("LastModifiedById"); !given[lb.idx] {
		vals[lb.idx] = wc.user
	}
	s.derive(o, vals, r.vals)
	if e := s.validate(o, vals, r, given); e != nil {
		return nil, e
	}
	old, oldOptions := r.vals, r.callOptions
	s.commitVals(r, vals)
	r.callOptions = wc.callOptions
	s.logUndo(func() { s.commitVals(r, old); r.callOptions = oldOptions })
	return old, nil
}

// commitVals replaces r's values, keeping indexes in step.
func (s *Server) commitVals(r *record, vals []any) {
	t := r.obj.tbl
	var changed []int
	for fi := range t.idx {
		if r.vals[fi] != vals[fi] {
			t.unindex(fi, r)
			changed = append(changed, fi)
		}
	}
	r.vals = vals
	for _, fi := range changed {
		if k, ok := indexKey(r.obj.fields[fi], vals[fi]); ok {
			t.idx[fi][k] = append(t.idx[fi][k], r)
		}
	}
}

func (s *Server) lookupID(id string) *record {
	if len(id) < 3 {
		return nil
	}
	if o := s.byPrefix[id[:3]]; o != nil {
		return o.tbl.byID[id]
	}
	return nil
}

func getStr(o *object, vals []any, name string) string {
	if f := o.field(name); f != nil {
		if s, ok := vals[f.idx].(string); ok {
			return s
		}
	}
	return ""
}

func setVal(o *object, vals []any, name string, v any) {
	if f := o.field(name); f != nil {
		vals[f.idx] = v
	}
}

// derive fills computed fields: Name, CaseNumber-adjacent flags, IsClosed…
func (s *Server) derive(o *object, vals, old []any) {
	switch o.name {
	case "Lead", "Contact", "User":
		setVal(o, vals, "Name", strings.TrimSpace(getStr(o, vals, "FirstName")+" "+getStr(o, vals, "LastName")))
	case "Case":
		closed := s.statusFlag("Case", getStr(o, vals, "Status"), "IsClosed")
		setVal(o, vals, "IsClosed", closed)
		cd := o.field("ClosedDate")
		if closed && vals[cd.idx] == nil {
			vals[cd.idx] = s.now()
		} else if !closed {
			vals[cd.idx] = nil
		}
		if getStr(o, vals, "AccountId") == "" {
			if c := s.lookupID(getStr(o, vals, "ContactId")); c != nil {
				setVal(o, vals, "AccountId", c.vals[c.obj.field("AccountId").idx])
			}
		}
	case "Task":
		setVal(o, vals, "IsClosed", s.statusFlag("Task", getStr(o, vals, "Status"), "IsClosed"))
		setVal(o, vals, "IsHighPriority", getStr(o, vals, "Priority") == "High")
		var acct any
		if what := s.lookupID(getStr(o, vals, "WhatId")); what != nil {
			if what.obj.name == "Account" {
				acct = what.id
			} else if f := what.obj.field("AccountId"); f != nil {
				acct = what.vals[f.idx]
			}
		}
		if who := s.lookupID(getStr(o, vals, "WhoId")); acct == nil && who != nil && who.obj.name == "Contact" {
			acct = who.vals[who.obj.field("AccountId").idx]
		}
		setVal(o, vals, "AccountId", acct)
	case "Opportunity":
		stage := getStr(o, vals, "StageName")
		setVal(o, vals, "IsClosed", s.statusFlag("Opportunity", stage, "IsClosed"))
		setVal(o, vals, "IsWon", s.statusFlag("Opportunity", stage, "IsWon"))
		pf := o.field("Probability")
		if old == nil || old[o.field("StageName").idx] != vals[o.field("StageName").idx] {
			prob, cat := s.stageDefaults(stage)
			if old == nil && vals[pf.idx] != nil {
				prob = vals[pf.idx].(float64)
			}
			vals[pf.idx] = prob
			setVal(o, vals, "ForecastCategoryName", cat)
		}
	}
}

// stageDefaults returns the default probability and forecast category of an
// Opportunity stage, from its OpportunityStage row.
func (s *Server) stageDefaults(stage string) (float64, string) {
	so := s.object("OpportunityStage")
	r := s.statusRow(so, stage)
	if r == nil {
		return 0, "Pipeline"
	}
	prob, _ := r.vals[so.field("DefaultProbability").idx].(float64)
	return prob, getStr(so, r.vals, "ForecastCategoryName")
}

func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " \t,;<>()[]\\\"") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-2
}

// validate checks a record about to be saved; old is nil on insert.
func (s *Server) validate(o *object, vals []any, old *record, given []bool) *Error {
	var missing []string
	for _, f := range o.fields {
		if f.requiredOnCreate() && vals[f.idx] == nil && (old == nil || given[f.idx]) {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return badRequest("REQUIRED_FIELD_MISSING", "Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing...)
	}
	for _, f := range o.fields {
		v := vals[f.idx]
		if v == nil || (old != nil && !given[f.idx]) {
			continue
		}
		switch f.kind {
		case kindString:
			str := v.(string)
			if f.length > 0 && len([]rune(str)) > f.length {
				return badRequest("STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.label, str, f.length), f.name)
			}
			if f.typ == "email" && !validEmail(str) {
				return badRequest("INVALID_EMAIL_ADDRESS", fmt.Sprintf("%s: invalid email address: %s", f.label, str), f.name)
			}
			if f.restricted {
				parts := []string{str}
				if f.typ == "multipicklist" {
					parts = strings.Split(str, ";")
				}
				for _, p := range parts {
					if !containsFold(f.picklist, p) {
						return badRequest("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
							fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.label, p), f.name)
					}
				}
			}
		case kindID:
			if f.idx == 0 || v == vals[0] {
				continue
			}
			if e := s.checkReference(o, f, v.(string)); e != nil {
				return e
			}
		}
	}
	if o.name == "Task" {
		if who := getStr(o, vals, "WhoId"); strings.HasPrefix(who, "00Q") && getStr(o, vals, "WhatId") != "" {
			return badRequest("FIELD_INTEGRITY_EXCEPTION", "field integrity exception: WhoId, WhatId", "WhoId", "WhatId")
		}
	}
	for _, f := range o.fields {
		if !f.unique || vals[f.idx] == nil {
			continue
		}
		for _, other := range o.tbl.lookup(f, vals[f.idx]) {
			if other != old && !other.deleted {
				return badRequest("DUPLICATE_VALUE", fmt.Sprintf(
					"duplicate value found: %s duplicates value on record with id: %s", f.name, other.id), []string{}...)
			}
		}
	}
	if rules := s.rules[o]; len(rules) > 0 {
		m := toMap(o, vals)
		for _, rule := range rules {
			if msg, fieldName, ok := rule(m); !ok {
				fields := []string{}
				if fieldName != "" {
					fields = append(fields, fieldName)
				}
				return badRequest("FIELD_CUSTOM_VALIDATION_EXCEPTION", msg, fields...)
			}
		}
	}
	return nil
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func (s *Server) checkReference(o *object, f *field, id string) *Error {
	target := s.lookupID(id)
	typeOK := false
	for _, to := range f.referenceTo {
		if t := s.object(to); t != nil && strings.HasPrefix(id, t.keyPrefix) {
			typeOK = true
		}
	}
	if !typeOK {
		return badRequest("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("%s: id value of incorrect type: %s", f.label, id), f.name)
	}
	if target == nil || target.deleted {
		return badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", f.name)
	}
	if f.name == "OwnerId" && target.obj.name == "User" && target.vals[target.obj.field("IsActive").idx] != true {
		return badRequest("INACTIVE_OWNER_OR_USER", fmt.Sprintf(
			"operation performed with inactive user [%s] as owner of %s", id, strings.ToLower(o.name)))
	}
	return nil
}

// toMap exports a record's values keyed by canonical field name.
func toMap(o *object, vals []any) map[string]any {
	m := make(map[string]any, len(o.fields))
	for _, f := range o.fields {
		m[f.name] = vals[f.idx]
	}
	return m
}
