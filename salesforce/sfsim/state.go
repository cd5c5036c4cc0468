package sfsim

import (
	"fmt"
	"net/http"
	"time"
)

// The methods in this file are the Go state handle. They bypass HTTP and API
// counting and act like a person editing records in the Salesforce UI: they
// run the same validations as the API, bump LastModifiedDate and
// SystemModstamp, and may set fields the API treats as read-only
// (CreatedDate, SystemModstamp…) so tests can shape history.

func (s *Server) objOrErr(name string) (*object, error) {
	if o := s.object(name); o != nil {
		return o, nil
	}
	return nil, apiErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("sObject type '%s' is not supported.", name))
}

func (s *Server) findRecord(o *object, id string) (*record, error) {
	id18, ok := To18(id)
	if !ok {
		return nil, apiErr(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	r := o.tbl.byID[id18]
	if r == nil {
		return nil, apiErr(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	return r, nil
}

func asError(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// Insert creates a record of object as the default user and returns its id.
func (s *Server) Insert(object string, fields map[string]any) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.objOrErr(object)
	if err != nil {
		return "", err
	}
	r, e := s.insert(o, fields, writeCtx{user: s.defaultUser, ui: true})
	if e != nil {
		return "", e
	}
	return r.id, nil
}

// Update changes fields of a record; a nil value clears the field.
func (s *Server) Update(object, id string, fields map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.objOrErr(object)
	if err != nil {
		return err
	}
	r, err := s.findRecord(o, id)
	if err != nil {
		return err
	}
	_, e := s.update(r, fields, writeCtx{user: s.defaultUser, ui: true})
	return asError(e)
}

// Delete moves a record to the recycle bin: it disappears from query and
// shows in queryAll (IsDeleted = true) and getDeleted.
func (s *Server) Delete(object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.objOrErr(object)
	if err != nil {
		return err
	}
	r, err := s.findRecord(o, id)
	if err != nil {
		return err
	}
	return asError(s.deleteRecord(r, s.defaultUser))
}

func (s *Server) deleteRecord(r *record, user string) *Error {
	if r.obj.setup {
		return setupWriteErr(r.obj, "deleted")
	}
	if r.deleted {
		return apiErr(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted")
	}
	o := r.obj
	now := s.now()
	vals := append([]any(nil), r.vals...)
	vals[o.field("IsDeleted").idx] = true
	vals[o.field("LastModifiedDate").idx] = now
	vals[o.field("LastModifiedById").idx] = user
	vals[o.field("SystemModstamp").idx] = now
	old := r.vals
	s.commitVals(r, vals)
	r.deleted = true
	r.deletedAt = now
	s.logUndo(func() { s.commitVals(r, old); r.deleted, r.deletedAt = false, time.Time{} })
	return nil
}

// Get returns a copy of a record's fields (deleted records included, with
// IsDeleted true). Values are string, float64, bool, time.Time or nil.
func (s *Server) Get(object, id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(object)
	if o == nil {
		return nil, false
	}
	r, err := s.findRecord(o, id)
	if err != nil {
		return nil, false
	}
	return toMap(o, r.vals), true
}

// Count returns the number of live (not deleted) records of object.
func (s *Server) Count(object string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(object)
	if o == nil {
		return 0
	}
	n := 0
	for _, r := range o.tbl.rows {
		if !r.deleted {
			n++
		}
	}
	return n
}

// All returns copies of every live record of object in id order.
func (s *Server) All(object string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(object)
	if o == nil {
		return nil
	}
	var out []map[string]any
	for _, r := range o.tbl.rows {
		if !r.deleted {
			out = append(out, toMap(o, r.vals))
		}
	}
	return out
}

// LastCallOptions returns the Sforce-Call-Options header of the API request
// that last wrote the record ("" for state-handle writes).
func (s *Server) LastCallOptions(object, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(object)
	if o == nil {
		return ""
	}
	r, err := s.findRecord(o, id)
	if err != nil {
		return ""
	}
	return r.callOptions
}

// AddUser creates an active standard user and returns its id.
func (s *Server) AddUser(name, email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustInsertUser(name, email, email)
}

// DefaultUserID returns the integration user's id: the API caller, and the
// owner of records it creates.
func (s *Server) DefaultUserID() string { return s.defaultUser }

// AssignmentUserID returns the user the lead assignment rule gives new and
// updated Leads to when Sforce-Auto-Assign is absent or TRUE.
func (s *Server) AssignmentUserID() string { return s.assignUser }

// AddValidationRule installs a custom validation rule on object; saves it
// rejects fail with FIELD_CUSTOM_VALIDATION_EXCEPTION. It panics on an
// unknown object.
func (s *Server) AddValidationRule(object string, rule func(rec map[string]any) (errMsg string, field string, ok bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.object(object)
	if o == nil {
		panic("sfsim: AddValidationRule: unknown object " + object)
	}
	s.rules[o] = append(s.rules[o], rule)
}
