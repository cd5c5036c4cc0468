package sfsim

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// stateFormat names the snapshot format SaveState writes; stateVersion is
// bumped whenever its shape changes, so LoadState can refuse a snapshot it
// would misread instead of guessing.
const (
	stateFormat  = "sfsim-state"
	stateVersion = 1
)

// savedState is the JSON form of an org's whole state.
type savedState struct {
	Format  string `json:"format"`
	Version int    `json:"version"`

	// CustomFields is the custom schema the records were written against;
	// the loading server takes it over.
	CustomFields map[string][]FieldSpec `json:"custom_fields"`

	OrgID              string                       `json:"org_id"`
	Started            time.Time                    `json:"started"`
	Seq                int64                        `json:"seq"`
	CaseSeq            int                          `json:"case_seq"`
	IntegrationUserID  string                       `json:"integration_user_id"`
	AssignmentUserID   string                       `json:"assignment_user_id"`
	DefaultCaseOwnerID string                       `json:"default_case_owner_id"`
	RecordTypeHidden   map[string]map[string]bool   `json:"record_type_hidden,omitempty"`
	RecordTypeDefault  map[string]map[string]string `json:"record_type_default,omitempty"`
	AccessTokens       []savedToken                 `json:"access_tokens,omitempty"`
	RefreshTokens      map[string]string            `json:"refresh_tokens,omitempty"`
	Usage              []savedUsage                 `json:"api_usage,omitempty"`
	Objects            []savedObject                `json:"objects"`
}

type savedToken struct {
	Token   string    `json:"token"`
	User    string    `json:"user"`
	Expires time.Time `json:"expires,omitzero"`
}

type savedUsage struct {
	Minute int64 `json:"minute"`
	Calls  int   `json:"calls"`
}

// savedObject holds one sObject's records in insertion (id) order.
type savedObject struct {
	Name    string        `json:"name"`
	Records []savedRecord `json:"records"`
}

// savedRecord holds a record's non-null values by field name: strings and
// ids as JSON strings, numbers as numbers, booleans, dates as 2006-01-02
// and datetimes in RFC 3339 (UTC, milliseconds).
type savedRecord struct {
	Values      map[string]json.RawMessage `json:"values"`
	DeletedAt   time.Time                  `json:"deleted_at,omitzero"` // set once in the recycle bin
	CallOptions string                     `json:"call_options,omitempty"`
}

// SaveState writes the org's whole state to w as JSON: every record of
// every object (users, record types, status values and recycle-bin rows
// included), the custom field definitions, the id and case number
// counters, record type availability and defaults, the default case
// owner, issued access and refresh tokens and the rolling API usage, so
// that a server given the snapshot with LoadState answers every API read
// the same and hands out new ids that never collide with saved ones.
//
// Not saved: call counters, open query cursors, fault settings,
// validation rules (Go functions) and the Options (token, credentials,
// clock, limits), which belong to the server that loads the snapshot.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := savedState{Format: stateFormat, Version: stateVersion, CustomFields: s.opts.CustomFields,
		OrgID: s.orgID, Started: s.started, Seq: s.seq, CaseSeq: s.caseSeq,
		IntegrationUserID: s.defaultUser, AssignmentUserID: s.assignUser, DefaultCaseOwnerID: s.caseOwner,
		RecordTypeHidden: s.rtHidden, RecordTypeDefault: s.rtDefault, RefreshTokens: s.refresh}
	for _, tok := range slices.Sorted(maps.Keys(s.tokens)) {
		t := s.tokens[tok]
		st.AccessTokens = append(st.AccessTokens, savedToken{Token: tok, User: t.user, Expires: t.expires})
	}
	s.usage.prune(s.now())
	for _, b := range s.usage.buckets {
		st.Usage = append(st.Usage, savedUsage{Minute: b.minute, Calls: b.n})
	}
	var err error
	for _, o := range s.objectList {
		so := savedObject{Name: o.name, Records: []savedRecord{}}
		for _, r := range o.tbl.rows {
			sr := savedRecord{Values: map[string]json.RawMessage{}, CallOptions: r.callOptions}
			if r.deleted {
				sr.DeletedAt = r.deletedAt
			}
			for _, f := range o.fields {
				v := r.vals[f.idx]
				if v == nil {
					continue
				}
				if sr.Values[f.name], err = encodeValue(f, v); err != nil {
					s.mu.Unlock()
					return fmt.Errorf("sfsim: encode %s %s.%s: %w", o.name, r.id, f.name, err)
				}
			}
			so.Records = append(so.Records, sr)
		}
		if len(so.Records) > 0 {
			st.Objects = append(st.Objects, so)
		}
	}
	b, err := json.Marshal(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sfsim: encode state: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("sfsim: write state: %w", err)
	}
	return nil
}

// LoadState replaces the org's state with a snapshot SaveState wrote. The
// org takes over the snapshot's custom fields; validation rules stay
// installed; open query cursors are closed. The Options' Token stays
// valid. It fails, leaving the state untouched, when r does not hold a
// snapshot of this format version or the snapshot does not fit the
// simulator's schema.
func (s *Server) LoadState(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("sfsim: read state: %w", err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("sfsim: state is not a snapshot: %w", err)
	}
	if head.Format != stateFormat {
		return fmt.Errorf("sfsim: state is not a Salesforce simulator snapshot (format %q)", head.Format)
	}
	if head.Version != stateVersion {
		return fmt.Errorf("sfsim: snapshot has format version %d; this simulator reads version %d", head.Version, stateVersion)
	}
	var st savedState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("sfsim: decode state: %w", err)
	}
	objs, list, err := buildSchema(st.CustomFields)
	if err != nil {
		return fmt.Errorf("sfsim: snapshot custom fields: %w", err)
	}
	for _, so := range st.Objects {
		o := objs[strings.ToLower(so.Name)]
		if o == nil {
			return fmt.Errorf("sfsim: snapshot holds records of unknown object %q", so.Name)
		}
		for i, sr := range so.Records {
			vals := make([]any, len(o.fields))
			for name, rv := range sr.Values {
				f := o.field(name)
				if f == nil {
					return fmt.Errorf("sfsim: snapshot record %d of %s has unknown field %q", i, o.name, name)
				}
				if vals[f.idx], err = decodeValue(f, rv); err != nil {
					return fmt.Errorf("sfsim: snapshot record %d of %s, field %s: %w", i, o.name, name, err)
				}
			}
			id, _ := vals[0].(string)
			if id == "" || o.tbl.byID[id] != nil {
				return fmt.Errorf("sfsim: snapshot record %d of %s has a missing or duplicate Id", i, o.name)
			}
			o.tbl.insert(&record{obj: o, id: id, vals: vals, deleted: !sr.DeletedAt.IsZero(),
				deletedAt: sr.DeletedAt, callOptions: sr.CallOptions})
		}
	}
	if u := objs["user"]; u.tbl.byID[st.IntegrationUserID] == nil {
		return fmt.Errorf("sfsim: snapshot has no integration user")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rules := map[*object][]ValidationRule{}
	for o, rs := range s.rules {
		rules[objs[strings.ToLower(o.name)]] = rs
	}
	s.objects, s.objectList, s.rules = objs, list, rules
	s.byPrefix = map[string]*object{}
	for _, o := range list {
		s.byPrefix[o.keyPrefix] = o
	}
	s.opts.CustomFields = st.CustomFields
	s.orgID, s.started, s.seq, s.caseSeq = st.OrgID, st.Started, st.Seq, st.CaseSeq
	s.defaultUser, s.assignUser, s.caseOwner = st.IntegrationUserID, st.AssignmentUserID, st.DefaultCaseOwnerID
	s.rtHidden, s.rtDefault = st.RecordTypeHidden, st.RecordTypeDefault
	if s.rtHidden == nil {
		s.rtHidden = map[string]map[string]bool{}
	}
	if s.rtDefault == nil {
		s.rtDefault = map[string]map[string]string{}
	}
	s.tokens = map[string]*tokenInfo{}
	for _, t := range st.AccessTokens {
		s.tokens[t.Token] = &tokenInfo{user: t.User, expires: t.Expires}
	}
	if t := s.tokens[s.opts.Token]; t == nil || t.user != s.defaultUser {
		s.tokens[s.opts.Token] = s.newTokenInfo(s.defaultUser)
	}
	s.refresh = st.RefreshTokens
	if s.refresh == nil {
		s.refresh = map[string]string{}
	}
	s.usage = usageCounter{}
	for _, b := range st.Usage {
		s.usage.buckets = append(s.usage.buckets, usageBucket{minute: b.Minute, n: b.Calls})
		s.usage.total += b.Calls
	}
	s.cursors, s.cursorOrder = map[string]*cursor{}, nil
	s.syncStatusPicklists()
	return nil
}

// encodeValue renders a stored value for the snapshot.
func encodeValue(f *field, v any) (json.RawMessage, error) {
	if t, ok := v.(time.Time); ok {
		if f.kind == kindDate {
			return json.Marshal(t.Format(dateLayout))
		}
		return json.Marshal(t.UTC().Format(time.RFC3339Nano))
	}
	return json.Marshal(v)
}

// decodeValue turns a snapshot value back into f's stored form.
func decodeValue(f *field, raw json.RawMessage) (any, error) {
	switch f.kind {
	case kindBool:
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, err
	case kindNumber:
		var n float64
		err := json.Unmarshal(raw, &n)
		return n, err
	case kindDate, kindDateTime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		layout := time.RFC3339Nano
		if f.kind == kindDate {
			layout = dateLayout
		}
		t, err := time.Parse(layout, s)
		return t.UTC(), err
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
