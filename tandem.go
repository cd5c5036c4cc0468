package tandem

import (
	"errors"
	"fmt"
	"time"
)

// DefaultInstallation is the installation every row belongs to while the
// single installation comes from the configuration file.
const DefaultInstallation = "default"

// Object names one side of an object pair.
type Object string

// The object pairs tandem keeps in sync. The Intercom side of a lead or user
// is a contact with that role; the Salesforce side is named by its sObject.
const (
	ObjectLead    Object = "lead"    // Intercom lead ↔ Salesforce Lead
	ObjectContact Object = "contact" // Intercom user ↔ Salesforce Contact
	ObjectAccount Object = "account" // Intercom company ↔ Salesforce Account
	// Conversations are not kept in sync as pairs; they become Cases and
	// Tasks, which sync errors name with these objects.
	ObjectCase Object = "case" // Intercom conversation → Salesforce Case
	ObjectTask Object = "task" // Intercom conversation or part → Salesforce Task
)

// Categories of sync errors, as the API and the CLI filter them.
const (
	CategoryPeople    = "people"
	CategoryCompanies = "companies"
	CategoryCases     = "cases"
	CategoryTasks     = "tasks"
)

// Category is the sync error category of o: people, companies, cases or
// tasks.
func (o Object) Category() string {
	switch o {
	case ObjectLead, ObjectContact:
		return CategoryPeople
	case ObjectAccount:
		return CategoryCompanies
	case ObjectCase:
		return CategoryCases
	case ObjectTask:
		return CategoryTasks
	}
	return ""
}

// SObject returns the Salesforce sObject name of the pair.
func (o Object) SObject() string {
	switch o {
	case ObjectLead:
		return "Lead"
	case ObjectContact:
		return "Contact"
	case ObjectAccount:
		return "Account"
	case ObjectCase:
		return "Case"
	case ObjectTask:
		return "Task"
	}
	return ""
}

// IntercomKind returns what the Intercom side of the pair is called.
func (o Object) IntercomKind() string {
	switch o {
	case ObjectLead:
		return "lead"
	case ObjectContact:
		return "user"
	case ObjectAccount:
		return "company"
	case ObjectCase, ObjectTask:
		return "conversation"
	}
	return ""
}

// Valid reports whether o is one of the object pairs kept in sync (lead,
// contact, account).
func (o Object) Valid() bool { return o == ObjectLead || o == ObjectContact || o == ObjectAccount }

// Direction says which system owns a mapped attribute: the owner is the only
// writer, the other side receives its value.
type Direction string

const (
	ToSalesforce Direction = "to_salesforce" // Intercom owns the value
	ToIntercom   Direction = "to_intercom"   // Salesforce owns the value
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == ToSalesforce || d == ToIntercom }

// Link is a persisted 1:1 identity link between an Intercom record and a
// Salesforce record of the same pair.
type Link struct {
	ID             int64
	InstallationID string
	Object         Object
	IntercomID     string
	SalesforceID   string
	MatchedBy      string // "email", "external_id", "company_id", "created", "converted", …
	MatchKey       string // the key value the match was made on
	Note           string // e.g. "3 candidates, most recently modified chosen"
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Cause says why a field was written.
type Cause string

const (
	CauseWebhook   Cause = "webhook"
	CausePoll      Cause = "poll"
	CauseBulk      Cause = "bulk"
	CauseAction    Cause = "action"
	CauseReconcile Cause = "reconcile"
	// CauseSettings marks a setting changed at run time (the console or the
	// API): Field is the setting's key, the values its text before and
	// after, Reason who changed it where. Such entries are not field
	// writes and cannot be reverted.
	CauseSettings Cause = "settings"
)

// AuditEntry records one field write.
type AuditEntry struct {
	ID             int64
	InstallationID string
	Direction      Direction
	Object         Object
	IntercomID     string
	SalesforceID   string
	Field          string
	OldValue       string
	NewValue       string
	Cause          Cause
	At             time.Time
	// Reason says why an operator's action wrote, such as "revert of
	// audit entry 12"; empty for the writes of sync.
	Reason string
}

// Operation names what tandem was doing when a sync error happened. The
// values are stored and shown as they are; keep them stable.
type Operation string

const (
	// OpUpdateSalesforce writes mapped fields to a linked Salesforce record.
	OpUpdateSalesforce Operation = "update_salesforce"
	// OpUpdateIntercom writes mapped attributes to a linked Intercom record.
	OpUpdateIntercom Operation = "update_intercom"
	// OpCreateLead sends an Intercom contact to Salesforce as a new Lead.
	OpCreateLead Operation = "create_lead"
	// OpSyncFromIntercom is the whole sync of one changed Intercom record
	// (recorded when its job used up its attempts).
	OpSyncFromIntercom Operation = "sync_from_intercom"
	// OpSyncFromSalesforce is the whole sync of one polled Salesforce record.
	OpSyncFromSalesforce Operation = "sync_from_salesforce"
	// OpValueToSalesforce is a value that cannot be made fit for its
	// Salesforce field (too long, not in a restricted picklist, wrong type).
	// It is resolved per field, by a later write of that field.
	OpValueToSalesforce Operation = "convert_salesforce"
	// OpValueToIntercom is OpValueToSalesforce for an Intercom attribute.
	OpValueToIntercom Operation = "convert_intercom"
)

// ValueOp returns the operation under which a value that cannot be written
// by op (OpUpdateSalesforce or OpUpdateIntercom) is recorded.
func (op Operation) ValueOp() Operation {
	if op == OpUpdateIntercom {
		return OpValueToIntercom
	}
	return OpValueToSalesforce
}

// System names a party to a sync: one of the two vendors, or tandem itself
// for failures that are neither vendor's answer.
type System string

const (
	SystemSalesforce System = "salesforce"
	SystemIntercom   System = "intercom"
	SystemTandem     System = "tandem"
)

// Name is the system's name as shown to people.
func (s System) Name() string {
	switch s {
	case SystemIntercom:
		return "Intercom"
	case SystemTandem:
		return "tandem"
	}
	return "Salesforce"
}

// SyncError is a failure that outlived its retries. Errors with the same
// installation, object, record ids, field and code are one entry with a
// count.
type SyncError struct {
	ID             int64
	InstallationID string
	Object         Object
	Operation      Operation
	IntercomID     string
	SalesforceID   string
	Field          string
	System         System // whose answer the failure was
	Code           string // the vendor's error code, e.g. REQUIRED_FIELD_MISSING
	Message        string // the vendor's message
	Reason         string // plain-language reason for a human
	Payload        string // what is needed to retry, as JSON
	Count          int
	FirstSeen      time.Time
	LastSeen       time.Time
	ResolvedAt     *time.Time
}

// Error codes shared by every layer; web maps them to HTTP statuses in one
// table.
const (
	ECONFLICT      = "conflict"
	EINTERNAL      = "internal"
	EINVALID       = "invalid"
	ENOTFOUND      = "not_found"
	EUNAUTHORIZED  = "unauthorized"
	EUNPROCESSABLE = "unprocessable"
	EUNAVAILABLE   = "unavailable"
)

// Error is a domain error: a code from the list above and a message fit to
// show a user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("tandem error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Mapping maps one Intercom attribute to one Salesforce field of an object
// pair, in one direction.
//
// Intercom names a standard attribute by its API name ("phone", "name",
// "owner_id", "monthly_spend") and a custom one as "custom_attributes.NAME"
// (a bare name that is not standard is taken as custom). Salesforce names a
// field by its API name ("Phone", "Plan__c"); the pseudo-field "Name" on a
// Lead or Contact stands for FirstName + LastName.
type Mapping struct {
	Object     Object    `yaml:"object" json:"object"`
	Intercom   string    `yaml:"intercom" json:"intercom"`
	Salesforce string    `yaml:"salesforce" json:"salesforce"`
	Direction  Direction `yaml:"direction" json:"direction"`
	// Transform optionally names a conversion; empty means "by type" (the
	// Salesforce field's describe type and the Intercom attribute's data
	// type decide).
	Transform string `yaml:"transform,omitempty" json:"transform,omitempty"`
	// OnFirstLink says what the first alignment of a newly linked pair does
	// when both sides hold different, non-empty values: keep the target's
	// value (FillBlanks, the default) or replace it (Overwrite).
	OnFirstLink FirstLinkPolicy `yaml:"on_first_link,omitempty" json:"on_first_link,omitempty"`
	// SyncBlanks lets an empty value replace a non-empty one on the other
	// side. Off by default: clearing a field is never propagated.
	SyncBlanks bool `yaml:"sync_blanks,omitempty" json:"sync_blanks,omitempty"`
}

// FirstLinkPolicy is what a mapping does the first time a pair is aligned.
type FirstLinkPolicy string

const (
	// FillBlanks writes only where the target is empty; a differing
	// non-empty target value is kept and reported.
	FillBlanks FirstLinkPolicy = "fill_blanks"
	// Overwrite replaces the target's value with the owner's.
	Overwrite FirstLinkPolicy = "overwrite"
)

// Valid reports whether p is a known policy; empty means FillBlanks.
func (p FirstLinkPolicy) Valid() bool { return p == "" || p == FillBlanks || p == Overwrite }

// String describes the mapping for messages and logs.
func (m Mapping) String() string {
	arrow := "→"
	from, to := "Intercom "+m.Intercom, m.Object.SObject()+"."+m.Salesforce
	if m.Direction == ToIntercom {
		from, to = to, from
	}
	return fmt.Sprintf("%s %s %s", from, arrow, to)
}
