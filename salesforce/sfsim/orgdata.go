package sfsim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Org configuration that real orgs keep as data rather than schema: the
// status picklists of Case and Task (CaseStatus, TaskStatus), the stages of
// Opportunity (OpportunityStage), record types with their per-user
// availability and default, and the default case owner.

// masterRecordType is the id of the Master record type every object has.
const masterRecordType = "012000000000000AAA"

// statusSource names, for an object's status field, the setup object whose
// rows list its values.
var statusSource = map[string][2]string{
	"Case":        {"Status", "CaseStatus"},
	"Task":        {"Status", "TaskStatus"},
	"Opportunity": {"StageName", "OpportunityStage"},
}

type stageSeed struct {
	label        string
	closed, won  bool
	probability  float64
	forecastCat  string
	defaultValue bool
}

var stockCaseStatuses = []stageSeed{{label: "New", defaultValue: true}, {label: "Working"}, {label: "Escalated"},
	{label: "Closed", closed: true}}

var stockTaskStatuses = []stageSeed{{label: "Not Started", defaultValue: true}, {label: "In Progress"},
	{label: "Completed", closed: true}, {label: "Waiting on someone else"}, {label: "Deferred"}}

var stockStages = []stageSeed{
	{label: "Prospecting", probability: 10, forecastCat: "Pipeline"},
	{label: "Qualification", probability: 10, forecastCat: "Pipeline"},
	{label: "Needs Analysis", probability: 20, forecastCat: "Pipeline"},
	{label: "Value Proposition", probability: 50, forecastCat: "Pipeline"},
	{label: "Id. Decision Makers", probability: 60, forecastCat: "Pipeline"},
	{label: "Perception Analysis", probability: 70, forecastCat: "Pipeline"},
	{label: "Proposal/Price Quote", probability: 75, forecastCat: "Pipeline"},
	{label: "Negotiation/Review", probability: 90, forecastCat: "Pipeline"},
	{label: "Closed Won", closed: true, won: true, probability: 100, forecastCat: "Closed"},
	{label: "Closed Lost", closed: true, probability: 0, forecastCat: "Omitted"},
}

// seedOrgData inserts the stock status values and stages. Callers hold s.mu
// (or own s exclusively).
func (s *Server) seedOrgData() {
	for _, st := range stockCaseStatuses {
		s.mustAddStatus("CaseStatus", st)
	}
	for _, st := range stockTaskStatuses {
		s.mustAddStatus("TaskStatus", st)
	}
	for _, st := range stockStages {
		s.mustAddStatus("OpportunityStage", st)
	}
}

func (s *Server) mustAddStatus(obj string, st stageSeed) {
	if _, err := s.addStatus(obj, st); err != nil {
		panic(err)
	}
}

// addStatus inserts one status value or stage and refreshes the picklist it
// feeds. Callers hold s.mu.
func (s *Server) addStatus(obj string, st stageSeed) (string, error) {
	o := s.object(obj)
	if st.label == "" {
		return "", fmt.Errorf("sfsim: %s needs a label", obj)
	}
	if s.statusRow(o, st.label) != nil {
		return "", fmt.Errorf("sfsim: %s %q already exists", obj, st.label)
	}
	n := 0
	for _, r := range o.tbl.rows {
		if !r.deleted {
			n++
		}
	}
	f := map[string]any{"MasterLabel": st.label, "ApiName": st.label, "SortOrder": n + 1, "IsClosed": st.closed}
	if obj == "OpportunityStage" {
		cat := st.forecastCat
		switch {
		case cat != "":
		case st.closed && st.won:
			cat = "Closed"
		case st.closed:
			cat = "Omitted"
		default:
			cat = "Pipeline"
		}
		f["IsActive"], f["IsWon"], f["DefaultProbability"], f["ForecastCategoryName"] = true, st.won, st.probability, cat
	} else {
		f["IsDefault"] = st.defaultValue
		if st.defaultValue {
			for _, r := range o.tbl.rows {
				setVal(o, r.vals, "IsDefault", false)
			}
		}
	}
	r, e := s.insert(o, f, writeCtx{user: s.defaultUser, ui: true})
	if e != nil {
		return "", e
	}
	s.syncStatusPicklists()
	return r.id, nil
}

// statusRow returns the live row of a status object whose label or API name
// is value (case-insensitively), or nil.
func (s *Server) statusRow(o *object, value string) *record {
	for _, r := range o.tbl.rows {
		if r.deleted {
			continue
		}
		if strings.EqualFold(getStr(o, r.vals, "MasterLabel"), value) || strings.EqualFold(getStr(o, r.vals, "ApiName"), value) {
			return r
		}
	}
	return nil
}

// statusFlag reports a boolean column (IsClosed, IsWon) of the status value
// an object's record currently has.
func (s *Server) statusFlag(obj, value, column string) bool {
	src := s.object(statusSource[obj][1])
	r := s.statusRow(src, value)
	return r != nil && r.vals[src.field(column).idx] == true
}

// syncStatusPicklists rebuilds the status picklists (values, default) from
// the rows of CaseStatus, TaskStatus and OpportunityStage.
func (s *Server) syncStatusPicklists() {
	for obj, src := range statusSource {
		o, so := s.object(obj), s.object(src[1])
		f := o.field(src[0])
		rows := make([]*record, 0, len(so.tbl.rows))
		for _, r := range so.tbl.rows {
			if !r.deleted && (so.field("IsActive") == nil || r.vals[so.field("IsActive").idx] == true) {
				rows = append(rows, r)
			}
		}
		sortOrder := so.field("SortOrder")
		sort.SliceStable(rows, func(i, j int) bool {
			a, _ := rows[i].vals[sortOrder.idx].(float64)
			b, _ := rows[j].vals[sortOrder.idx].(float64)
			return a < b
		})
		f.picklist = f.picklist[:0:0]
		def := ""
		for _, r := range rows {
			label := getStr(so, r.vals, "MasterLabel")
			f.picklist = append(f.picklist, label)
			if d := so.field("IsDefault"); d != nil && r.vals[d.idx] == true {
				def = label
			}
		}
		if so.field("IsDefault") != nil {
			f.defaultValue = def
			f.defaulted = def != ""
			f.nillable = def == ""
		}
	}
}

// AddCaseStatus adds a Case status value (a CaseStatus row and a Status
// picklist value). closed makes Cases with that status count as closed;
// isDefault makes it the value new Cases get. It returns the row's id.
func (s *Server) AddCaseStatus(label string, closed, isDefault bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addStatus("CaseStatus", stageSeed{label: label, closed: closed, defaultValue: isDefault})
}

// AddTaskStatus adds a Task status value (a TaskStatus row and a Status
// picklist value); closed and isDefault as for AddCaseStatus.
func (s *Server) AddTaskStatus(label string, closed, isDefault bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addStatus("TaskStatus", stageSeed{label: label, closed: closed, defaultValue: isDefault})
}

// AddOpportunityStage adds an active Opportunity stage (an OpportunityStage
// row and a StageName picklist value) with its closed and won flags and
// default probability.
func (s *Server) AddOpportunityStage(label string, closed, won bool, probability float64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addStatus("OpportunityStage", stageSeed{label: label, closed: closed, won: won, probability: probability})
}

// DefaultCaseOwnerID returns the org's default case owner: the owner every
// Case created or updated through the API without "Sforce-Auto-Assign:
// FALSE" gets, as Salesforce applies it even when no assignment rule is
// active.
func (s *Server) DefaultCaseOwnerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caseOwner
}

// SetDefaultCaseOwner changes the default case owner to an active user.
func (s *Server) SetDefaultCaseOwner(userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := To18(userID)
	u := s.object("User")
	if !ok || u.tbl.byID[id] == nil || u.tbl.byID[id].vals[u.field("IsActive").idx] != true {
		return fmt.Errorf("sfsim: default case owner %q is not an active user", userID)
	}
	s.caseOwner = id
	return nil
}

// AddRecordType creates an active record type of sobject and returns its id.
// Every user may use it until SetRecordTypeAvailable says otherwise; the
// first record type of an object is every user's default until
// SetDefaultRecordType picks another.
func (s *Server) AddRecordType(sobject, developerName, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(sobject)
	if o == nil {
		return "", fmt.Errorf("sfsim: record type for unknown object %q", sobject)
	}
	r, e := s.insert(s.object("RecordType"), map[string]any{"Name": name, "DeveloperName": developerName,
		"SobjectType": o.name, "IsActive": true}, writeCtx{user: s.defaultUser, ui: true})
	if e != nil {
		return "", e
	}
	return r.id, nil
}

// SetRecordTypeAvailable grants or withdraws a user's access to a record
// type, as the user's profile would.
func (s *Server) SetRecordTypeAvailable(userID, recordTypeID string, available bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, _ := To18(userID)
	rt, _ := To18(recordTypeID)
	if s.rtHidden[u] == nil {
		s.rtHidden[u] = map[string]bool{}
	}
	s.rtHidden[u][rt] = !available
}

// SetDefaultRecordType makes a record type the user's default for its
// object: describe reports it as defaultRecordTypeMapping and records the
// user creates without RecordTypeId get it.
func (s *Server) SetDefaultRecordType(userID, recordTypeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, _ := To18(userID)
	rt, _ := To18(recordTypeID)
	rto := s.object("RecordType")
	r := rto.tbl.byID[rt]
	if r == nil || r.deleted {
		return fmt.Errorf("sfsim: unknown record type %q", recordTypeID)
	}
	if s.rtDefault[u] == nil {
		s.rtDefault[u] = map[string]string{}
	}
	s.rtDefault[u][getStr(rto, r.vals, "SobjectType")] = rt
	return nil
}

// activeRecordTypes returns the active record types of o in creation order.
func (s *Server) activeRecordTypes(o *object) []*record {
	rto := s.object("RecordType")
	var out []*record
	for _, r := range rto.tbl.rows {
		if !r.deleted && getStr(rto, r.vals, "SobjectType") == o.name && r.vals[rto.field("IsActive").idx] == true {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) recordTypeAvailable(user, rtID string) bool { return !s.rtHidden[user][rtID] }

// defaultRecordType returns the user's default record type for o: the one
// set with SetDefaultRecordType when still active and available, otherwise
// the first active one available to the user; "" when there is none (the
// Master record type applies).
func (s *Server) defaultRecordType(user string, o *object) string {
	active := s.activeRecordTypes(o)
	if id := s.rtDefault[user][o.name]; id != "" && s.recordTypeAvailable(user, id) {
		for _, r := range active {
			if r.id == id {
				return id
			}
		}
	}
	for _, r := range active {
		if s.recordTypeAvailable(user, r.id) {
			return r.id
		}
	}
	return ""
}

// applyRecordType fills a missing RecordTypeId with the writer's default and
// checks a given one: it must be an active record type of the object that
// the writer may use.
func (s *Server) applyRecordType(o *object, vals []any, given []bool, wc writeCtx) *Error {
	f := o.field("RecordTypeId")
	if f == nil {
		return nil
	}
	if !given[f.idx] {
		if !wc.isUpdate && vals[f.idx] == nil {
			if def := s.defaultRecordType(wc.user, o); def != "" {
				vals[f.idx] = def
			}
		}
		return nil
	}
	id, _ := vals[f.idx].(string)
	if id == "" {
		if len(s.activeRecordTypes(o)) > 0 && !wc.ui {
			vals[f.idx] = s.defaultRecordType(wc.user, o)
		}
		return nil
	}
	invalid := badRequest("INVALID_CROSS_REFERENCE_KEY", "Record Type ID: this ID value isn't valid for the user: "+id, f.name)
	if id == masterRecordType {
		if len(s.activeRecordTypes(o)) > 0 {
			return invalid
		}
		vals[f.idx] = nil
		return nil
	}
	ok := false
	for _, r := range s.activeRecordTypes(o) {
		if r.id == id && (wc.ui || s.recordTypeAvailable(wc.user, id)) {
			ok = true
		}
	}
	if !ok {
		return invalid
	}
	return nil
}

// setupWriteErr refuses API writes to org configuration objects.
func setupWriteErr(o *object, verb string) *Error {
	return apiErr(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be "+verb+": "+o.label)
}
