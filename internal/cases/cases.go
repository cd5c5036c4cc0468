// Package cases turns Intercom conversations into Salesforce Cases: one
// Case per conversation, created when a trigger fires (conversation
// started or closed, a reserved tag, a Custom Action, the close backstop)
// and refreshed at every later trigger — transcript and mapped
// conversation attributes; the Case status is never touched.
//
// Exactly one Case per conversation: an intent (kind "case", key the
// conversation id) is claimed before the create and completed with the
// Case id; with an External ID field on Case the create is an upsert on
// it, so even a crash between Salesforce's answer and our own write cannot
// make a second Case.
package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/convo"
	"github.com/tandemhq/tandem/internal/keylock"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce"
)

// Trigger says why a Case is created or refreshed.
type Trigger string

// Triggers.
const (
	TriggerStarted  Trigger = "conversation_started"
	TriggerClosed   Trigger = "conversation_closed"
	TriggerTag      Trigger = "tag"
	TriggerAction   Trigger = "action"   // a Custom Action or a teammate
	TriggerBackstop Trigger = "backstop" // a close found by search
	TriggerRetry    Trigger = "retry"    // an operator retried a sync error
)

// Operations recorded on sync errors.
const (
	OpCreate tandem.Operation = "create_case"
	OpUpdate tandem.Operation = "update_case"
)

// Owners of a new Case.
const (
	OwnerAssignmentRules = "assignment_rules"
	OwnerIntegrationUser = "integration_user"
	OwnerTeammate        = "teammate"
)

// Mapping copies a conversation attribute to a Case field.
type Mapping struct {
	Conversation string
	Salesforce   string
}

// Config is what the Case engine needs to know.
type Config struct {
	Installation string
	// Tag is the reserved conversation tag that asks for a Case.
	Tag string
	// Note adds a note with the Case number and link to the conversation
	// after an automatic creation; manual ones always get it.
	Note bool
	// Origin and Priority fill the Case's picklists; Priority maps
	// Intercom's conversation priority to a Case Priority value.
	Origin   string
	Priority map[string]string
	// RecordType is a Case record type's DeveloperName or Id, "" for the
	// integration user's default. Check resolves it.
	RecordType string
	// Owner is OwnerAssignmentRules, OwnerIntegrationUser or OwnerTeammate.
	Owner string
	// ExternalIDField, when set, is the Case field holding the
	// conversation id; Cases are upserted on it.
	ExternalIDField string
	Mappings        []Mapping
}

// Result is the Case of a conversation.
type Result struct {
	ConversationID string  `json:"conversation_id"`
	CaseID         string  `json:"case_id"`
	CaseNumber     string  `json:"case_number"`
	URL            string  `json:"case_url"`
	Created        bool    `json:"created"`
	Trigger        Trigger `json:"trigger"`
}

// Failures records sync errors (the engine's recorder).
type Failures interface {
	RecordSyncError(ctx context.Context, e tandem.SyncError) (tandem.SyncError, error)
}

// Service creates and refreshes Cases. It is safe for concurrent use.
type Service struct {
	cfg     Config
	db      *store.DB
	ic      *intercom.Client
	sf      *salesforce.Client
	log     *slog.Logger
	OnCase  func(Result)           // optional: a Case was created or refreshed
	OnError func(tandem.SyncError) // optional: a failure was recorded
	// IntentTimeout is how long a pending Case intent belongs to the
	// attempt that claimed it; after that another attempt looks for the
	// Case it may have made before creating one (default two minutes).
	IntentTimeout time.Duration

	convs keylock.Map // one Sync per conversation at a time in this process

	mu           sync.Mutex
	fields       map[string]mapping.SFField // Case fields by name, from Check
	recordTypeID string
	adminID      string
	admins       map[string]*intercom.Admin
	adminsAt     time.Time
}

// New returns a Service; call Check before use.
func New(cfg Config, db *store.DB, ic *intercom.Client, sf *salesforce.Client, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, db: db, ic: ic, sf: sf, log: log.With(slog.String("component", "cases")), IntentTimeout: 2 * time.Minute}
}

// Check reads what Cases need from both systems and validates the
// configuration against it: Case describe (createable, the mapped fields,
// the External ID field), the record type (it must exist and be available
// to the integration user) and the conversation data attributes the
// mappings name. A configuration problem is an error that stops start-up;
// a missing permission is a warning (every attempt also becomes a sync
// error saying so).
func (s *Service) Check(ctx context.Context) (warnings []string, err error) {
	d, _, err := s.sf.SObjects.Describe(ctx, "Case")
	if err != nil {
		return nil, fmt.Errorf("describe Salesforce Case: %w", err)
	}
	if !d.Createable {
		warnings = append(warnings, "the Salesforce user tandem signs in as may not create Cases: every Case attempt will be a sync error until it is granted")
	}
	fields := syncer.SchemaFields(d)
	var problems []string
	if s.cfg.ExternalIDField != "" {
		f, ok := d.Field(s.cfg.ExternalIDField)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("cases.external_id_field: Case has no field %s", s.cfg.ExternalIDField))
		case !f.ExternalID:
			problems = append(problems, fmt.Sprintf("cases.external_id_field: Case.%s is not an External ID field", f.Name))
		}
	}
	rt, err := resolveRecordType(d, s.cfg.RecordType)
	if err != nil {
		problems = append(problems, err.Error())
	}
	attrs, err := s.conversationAttributes(ctx)
	if err != nil {
		return warnings, err
	}
	for i, m := range s.cfg.Mappings {
		f, ok := fields[m.Salesforce]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("cases.mappings[%d]: Case has no field %s", i, m.Salesforce))
		case !f.Createable || !f.Updateable:
			problems = append(problems, fmt.Sprintf("cases.mappings[%d]: Case.%s cannot be written by the integration user", i, m.Salesforce))
		}
		if !attrs[strings.TrimPrefix(m.Conversation, "custom_attributes.")] {
			problems = append(problems, fmt.Sprintf("cases.mappings[%d]: conversation attribute %s is neither built in (%s) nor a conversation data attribute",
				i, m.Conversation, strings.Join(convo.BuiltinAttributes, ", ")))
		}
	}
	if len(problems) > 0 {
		return warnings, errors.New(strings.Join(problems, "\n"))
	}
	s.mu.Lock()
	s.fields, s.recordTypeID = fields, rt
	s.mu.Unlock()
	return warnings, nil
}

// conversationAttributes lists the attribute names a mapping may use.
func (s *Service) conversationAttributes(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	for _, n := range convo.BuiltinAttributes {
		out[n] = true
	}
	list, _, err := s.ic.DataAttributes.ListConversation(ctx)
	if err != nil {
		return nil, fmt.Errorf("list Intercom conversation data attributes: %w", err)
	}
	for _, a := range list {
		name := a.Name
		out[strings.TrimPrefix(name, "custom_attributes.")] = true
	}
	return out, nil
}

// resolveRecordType finds the configured record type (by DeveloperName,
// name or id) among those describe lists; "" keeps the org's default for
// the integration user (no RecordTypeId is sent).
func resolveRecordType(d *salesforce.DescribeSObject, want string) (string, error) {
	if want == "" {
		return "", nil
	}
	for _, rt := range d.RecordTypeInfos {
		if rt.Master {
			continue
		}
		if strings.EqualFold(rt.DeveloperName, want) || strings.EqualFold(rt.Name, want) || rt.RecordTypeID == want {
			if !rt.Available {
				return "", fmt.Errorf("cases.record_type: Case record type %s is not available to the Salesforce user tandem signs in as", want)
			}
			return rt.RecordTypeID, nil
		}
	}
	var names []string
	for _, rt := range d.RecordTypeInfos {
		if !rt.Master {
			names = append(names, rt.DeveloperName)
		}
	}
	return "", fmt.Errorf("cases.record_type: Case has no record type %s (it has: %s)", want, strings.Join(names, ", "))
}

// Sync creates the conversation's Case, or refreshes it when it exists.
func (s *Service) Sync(ctx context.Context, conversationID string, t Trigger) (Result, error) {
	defer s.convs.Lock(conversationID)()
	res := Result{ConversationID: conversationID, Trigger: t}
	conv, _, err := s.ic.Conversations.Get(ctx, conversationID, &intercom.GetConversationOptions{DisplayAs: "plaintext"})
	if errors.Is(err, intercom.ErrNotFound) {
		return res, tandem.Errorf(tandem.ENOTFOUND, "Intercom conversation %s does not exist.", conversationID)
	} else if err != nil {
		return res, err
	}
	if t == TriggerTag && !convo.HasTag(conv, s.cfg.Tag) {
		return res, nil // another tag
	}
	intent, err := s.db.GetIntent(ctx, s.cfg.Installation, "case", conversationID)
	if err == nil && intent.State == store.IntentDone && intent.RemoteID != "" {
		res, err := s.refresh(ctx, conv, intent.RemoteID, t)
		if err == nil && res.CaseID != "" && s.cfg.Note {
			// A crash between the Case and its note left the note out; a
			// note added before is found and not added again.
			s.note(ctx, conv, res)
		}
		return res, err
	} else if err != nil && !store.IsNotFound(err) {
		return res, err
	}
	return s.create(ctx, conv, t, nil)
}

// CreateFromForm creates the conversation's Case with field values a
// teammate chose (Salesforce field API name → value), on top of what an
// automatic Case gets (Contact, Account, subject, transcript, mapped
// attributes, owner). A conversation has one Case: when it has one
// already, that Case is returned (Created false) and nothing is written.
func (s *Service) CreateFromForm(ctx context.Context, conversationID string, form map[string]any) (Result, error) {
	defer s.convs.Lock(conversationID)()
	res := Result{ConversationID: conversationID, Trigger: TriggerAction}
	conv, _, err := s.ic.Conversations.Get(ctx, conversationID, &intercom.GetConversationOptions{DisplayAs: "plaintext"})
	if errors.Is(err, intercom.ErrNotFound) {
		return res, tandem.Errorf(tandem.ENOTFOUND, "Intercom conversation %s does not exist.", conversationID)
	} else if err != nil {
		return res, err
	}
	intent, err := s.db.GetIntent(ctx, s.cfg.Installation, "case", conversationID)
	if err == nil && intent.State == store.IntentDone && intent.RemoteID != "" {
		return s.describe(ctx, conversationID, intent.RemoteID, TriggerAction)
	} else if err != nil && !store.IsNotFound(err) {
		return res, err
	}
	if form == nil {
		form = map[string]any{}
	}
	return s.create(ctx, conv, TriggerAction, form)
}

// OwnerDescription says, in a sentence, who will own a new Case.
func (s *Service) OwnerDescription() string {
	switch s.cfg.Owner {
	case OwnerAssignmentRules:
		return "Salesforce's Case assignment rules choose the owner."
	case OwnerTeammate:
		return "Owned by the Salesforce user with the email of the teammate assigned to the conversation (else by the integration user)."
	}
	return "Owned by the Salesforce user tandem signs in as."
}

// ExternalIDField is the Case field holding the conversation id ("" when
// Cases are created without one); a form must not offer it.
func (s *Service) ExternalIDField() string { return s.cfg.ExternalIDField }

// RecordTypeID is the configured Case record type's id, "" for the
// integration user's default.
func (s *Service) RecordTypeID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordTypeID
}

// create makes the Case once. form, when not nil, holds a teammate's field
// values (CreateFromForm): they win over the automatic ones, and a Case
// the conversation already has is returned as it is instead of refreshed.
func (s *Service) create(ctx context.Context, conv *intercom.Conversation, t Trigger, form map[string]any) (Result, error) {
	res := Result{ConversationID: conv.ID, Trigger: t}
	person, err := convo.PersonOf(ctx, s.db, s.cfg.Installation, conv)
	if err != nil {
		return res, err
	}
	if !person.Linked || person.Link.Object != tandem.ObjectContact {
		reason := fmt.Sprintf("The person of conversation %s (Intercom contact %s) is not a Salesforce Contact, and a Case needs one.", conv.ID, person.IntercomID)
		if person.Linked {
			reason = fmt.Sprintf("The person of conversation %s (Intercom contact %s) is linked to Salesforce Lead %s, and a Case needs a Contact: convert the Lead in Salesforce, then retry.",
				conv.ID, person.IntercomID, person.Link.SalesforceID)
		}
		return res, s.record(ctx, tandem.SyncError{Operation: OpCreate, IntercomID: conv.ID, SalesforceID: person.Link.SalesforceID,
			System: "tandem", Code: "NOT_A_CONTACT", Message: "no linked Salesforce Contact", Reason: reason})
	}
	intent, created, err := s.db.ClaimIntent(ctx, store.ClaimIntentParams{Installation: s.cfg.Installation, Kind: "case", Key: conv.ID, Note: string(t)})
	if err != nil {
		return res, err
	}
	if !created {
		switch intent.State {
		case store.IntentDone:
			if form != nil {
				return s.describe(ctx, conv.ID, intent.RemoteID, t)
			}
			return s.refresh(ctx, conv, intent.RemoteID, t)
		case store.IntentPending:
			// Another attempt holds it, or one died after the create: once it
			// is stale (or its holder is known to be dead), look for the Case
			// it may have made.
			var ok bool
			if intent, ok, err = s.db.RetryIntent(ctx, intent.ID, s.IntentTimeout); err != nil {
				return res, err
			} else if !ok {
				return res, tandem.Errorf(tandem.ECONFLICT, "A Case is being created for conversation %s right now.", conv.ID)
			}
			if id, found, err := s.findCase(ctx, conv, person.Link.SalesforceID, intent.CreatedAt); err != nil {
				return res, err
			} else if found {
				if _, err := s.db.CompleteIntent(ctx, intent.ID, id); err != nil {
					return res, err
				}
				return s.refresh(ctx, conv, id, t)
			}
		case store.IntentFailed:
			// Take the failed attempt over; of several callers at once, one
			// does (the others find it pending and fresh).
			var ok bool
			if intent, ok, err = s.db.RetryIntent(ctx, intent.ID, s.IntentTimeout); err != nil {
				return res, err
			} else if !ok {
				return res, tandem.Errorf(tandem.ECONFLICT, "A Case is being created for conversation %s right now.", conv.ID)
			}
		}
	}
	fields, opts, err := s.newCaseFields(ctx, conv, person.Link.SalesforceID)
	if err != nil {
		_, _ = s.db.FailIntent(context.WithoutCancel(ctx), intent.ID, err.Error())
		return res, err
	}
	for k, v := range form {
		if k != s.cfg.ExternalIDField && k != "ContactId" {
			fields[k] = v
		}
	}
	var id string
	if s.cfg.ExternalIDField != "" {
		var up *salesforce.UpsertResult
		if up, _, err = s.sf.SObjects.Upsert(ctx, "Case", s.cfg.ExternalIDField, conv.ID, fields, opts...); err == nil {
			id = up.ID
		}
	} else {
		id, _, err = s.sf.SObjects.Create(ctx, "Case", fields, opts...)
	}
	if err != nil {
		if !transient(err) {
			_, _ = s.db.FailIntent(context.WithoutCancel(ctx), intent.ID, err.Error())
		}
		return res, s.fail(ctx, conv.ID, person.Link.SalesforceID, OpCreate, err)
	}
	if id == "" { // an upsert that updated on an old API version answers 204
		if id, _, err = s.findCase(ctx, conv, person.Link.SalesforceID, intent.CreatedAt); err != nil {
			return res, err
		}
	}
	if _, err := s.db.CompleteIntent(ctx, intent.ID, id); err != nil {
		return res, err
	}
	res, err = s.describe(ctx, conv.ID, id, t)
	res.Created = true
	if err != nil {
		return res, err
	}
	if err := s.resolve(ctx, conv.ID); err != nil {
		return res, err
	}
	if s.cfg.Note || t == TriggerAction {
		s.note(ctx, conv, res)
	}
	s.log.Info("case created", "conversation_id", conv.ID, "case_id", id, "case_number", res.CaseNumber, "trigger", string(t))
	if s.OnCase != nil {
		s.OnCase(res)
	}
	return res, nil
}

// refresh writes the transcript and the mapped attributes to an existing
// Case. The status is left alone, and so is the owner (the update says
// Sforce-Auto-Assign: FALSE, without which Salesforce would hand the Case
// to the default case owner).
func (s *Service) refresh(ctx context.Context, conv *intercom.Conversation, caseID string, t Trigger) (Result, error) {
	fields, err := s.mapped(ctx, conv)
	if err != nil {
		return Result{ConversationID: conv.ID, Trigger: t}, err
	}
	fields["Description"] = s.transcript(conv)
	if _, err := s.sf.SObjects.Update(ctx, "Case", caseID, fields, salesforce.AutoAssign(false)); err != nil {
		if errors.Is(err, salesforce.ErrNotFound) || errors.Is(err, salesforce.ErrEntityDeleted) {
			// The Case was deleted in Salesforce. Someone meant it: an
			// automatic trigger leaves it deleted; a teammate asking for the
			// Case (the Custom Action) gets a new one.
			if t != TriggerAction {
				s.log.Info("case deleted in Salesforce; not made again", "conversation_id", conv.ID, "case_id", caseID, "trigger", string(t))
				return Result{ConversationID: conv.ID, Trigger: t}, nil
			}
			// Only the intent of the deleted Case goes: another call may
			// have replaced it with its own claim for the new one already.
			if in, gerr := s.db.GetIntent(ctx, s.cfg.Installation, "case", conv.ID); gerr == nil &&
				in.State == store.IntentDone && in.RemoteID == caseID {
				_ = s.db.DeleteIntent(ctx, in.ID)
			}
			return s.create(ctx, conv, t, nil)
		}
		return Result{ConversationID: conv.ID, Trigger: t}, s.fail(ctx, conv.ID, caseID, OpUpdate, err)
	}
	res, err := s.describe(ctx, conv.ID, caseID, t)
	if err != nil {
		return res, err
	}
	if err := s.resolve(ctx, conv.ID); err != nil {
		return res, err
	}
	s.log.Info("case updated", "conversation_id", conv.ID, "case_id", caseID, "trigger", string(t))
	if s.OnCase != nil {
		s.OnCase(res)
	}
	return res, nil
}

// newCaseFields assembles a new Case and the request options that choose
// its owner.
func (s *Service) newCaseFields(ctx context.Context, conv *intercom.Conversation, contactID string) (map[string]any, []salesforce.RequestOption, error) {
	fields, err := s.mapped(ctx, conv)
	if err != nil {
		return nil, nil, err
	}
	fields["ContactId"] = contactID
	fields["Subject"] = convo.Subject(conv, s.length("Subject", 255))
	fields["Description"] = s.transcript(conv)
	if s.cfg.Origin != "" {
		fields["Origin"] = s.cfg.Origin
	}
	if p := s.cfg.Priority[strings.ToLower(conv.Priority)]; p != "" {
		fields["Priority"] = p
	}
	s.mu.Lock()
	rt := s.recordTypeID
	s.mu.Unlock()
	if rt != "" {
		fields["RecordTypeId"] = rt
	}
	if s.cfg.ExternalIDField != "" {
		delete(fields, s.cfg.ExternalIDField) // the upsert's key
	}
	contact, err := s.queryOne(ctx, "SELECT AccountId FROM Contact WHERE Id = "+salesforce.QuoteString(contactID))
	if err != nil {
		return nil, nil, err
	}
	if account := contact.String("AccountId"); account != "" {
		fields["AccountId"] = account
	}
	switch s.cfg.Owner {
	case OwnerAssignmentRules:
		return fields, []salesforce.RequestOption{salesforce.AutoAssign(true)}, nil
	case OwnerTeammate:
		if owner, err := s.teammateUser(ctx, conv); err != nil {
			return nil, nil, err
		} else if owner != "" {
			fields["OwnerId"] = owner
		}
	}
	return fields, []salesforce.RequestOption{salesforce.AutoAssign(false)}, nil
}

// mapped converts the mapped conversation attributes for their Case
// fields. An attribute the conversation does not have is left out (never
// written as a blank).
func (s *Service) mapped(ctx context.Context, conv *intercom.Conversation) (map[string]any, error) {
	fields := map[string]any{}
	if len(s.cfg.Mappings) == 0 {
		return fields, nil
	}
	admins, err := s.adminDirectory(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defs := s.fields
	s.mu.Unlock()
	for _, m := range s.cfg.Mappings {
		raw, ok := convo.Attribute(conv, m.Conversation, admins)
		if !ok {
			continue
		}
		f, known := defs[m.Salesforce]
		if !known {
			f = mapping.SFField{Name: m.Salesforce, Type: "string", Createable: true, Updateable: true, Nillable: true}
		}
		v, err := mapping.ToSalesforce(raw, f)
		if err != nil {
			return nil, s.record(ctx, tandem.SyncError{Operation: OpCreate, IntercomID: conv.ID, Field: m.Salesforce, System: "salesforce",
				Code: "VALUE_NOT_CONVERTIBLE", Message: err.Error(),
				Reason: fmt.Sprintf("The conversation attribute %s of conversation %s cannot be written to Case.%s: %v.", m.Conversation, conv.ID, m.Salesforce, err)})
		}
		fields[m.Salesforce] = v
	}
	return fields, nil
}

// transcript is the Case description: the conversation in plain text, the
// newest messages kept within the field's length.
func (s *Service) transcript(conv *intercom.Conversation) string {
	return convo.Transcript(convo.Lines(conv), s.length("Description", 32000))
}

func (s *Service) length(field string, def int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.fields[field]; ok && f.Length > 0 {
		return f.Length
	}
	return def
}

// findCase looks for a Case this conversation may already have in
// Salesforce: by the External ID field when there is one, else the
// Contact's Case with the conversation's subject created since the intent.
func (s *Service) findCase(ctx context.Context, conv *intercom.Conversation, contactID string, since time.Time) (string, bool, error) {
	var soql string
	if s.cfg.ExternalIDField != "" {
		soql = fmt.Sprintf("SELECT Id FROM Case WHERE %s = %s LIMIT 1", s.cfg.ExternalIDField, salesforce.QuoteString(conv.ID))
	} else {
		soql = fmt.Sprintf("SELECT Id FROM Case WHERE ContactId = %s AND Subject = %s AND CreatedDate >= %s ORDER BY CreatedDate LIMIT 1",
			salesforce.QuoteString(contactID), salesforce.QuoteString(convo.Subject(conv, s.length("Subject", 255))),
			salesforce.FormatDateTime(since.Add(-time.Minute)))
	}
	rec, err := s.queryOne(ctx, soql)
	if err != nil {
		return "", false, err
	}
	return rec.ID(), rec.ID() != "", nil
}

// describe reads the Case's number and builds its result.
func (s *Service) describe(ctx context.Context, conversationID, caseID string, t Trigger) (Result, error) {
	res := Result{ConversationID: conversationID, CaseID: caseID, Trigger: t}
	rec, err := s.queryOne(ctx, "SELECT CaseNumber FROM Case WHERE Id = "+salesforce.QuoteString(caseID))
	if err != nil {
		return res, err
	}
	res.CaseNumber = rec.String("CaseNumber")
	if base, err := s.sf.InstanceURL(ctx); err == nil {
		res.URL = base + "/lightning/r/Case/" + caseID + "/view"
	}
	return res, nil
}

// queryOne runs soql and returns its first record (nil when there is
// none; its accessors then answer empty values).
func (s *Service) queryOne(ctx context.Context, soql string) (salesforce.Record, error) {
	page, _, err := s.sf.QueryPage(ctx, soql, nil)
	if err != nil || len(page.Records) == 0 {
		return nil, err
	}
	return page.Records[0], nil
}

// note tells the conversation which Case it has. A note is added once per
// conversation; a failure to add it is logged, not a failed Case. conv is
// the conversation as read before the Case was made or refreshed.
func (s *Service) note(ctx context.Context, conv *intercom.Conversation, res Result) {
	conversationID := conv.ID
	in, created, err := s.db.ClaimIntent(ctx, store.ClaimIntentParams{Installation: s.cfg.Installation, Kind: "case_note", Key: conversationID})
	if err != nil {
		return
	}
	body := fmt.Sprintf("Salesforce Case %s: %s", res.CaseNumber, res.URL)
	if !created {
		// A note exists (done), or another attempt is adding it (pending,
		// fresh): leave it. A failed or abandoned attempt is taken over;
		// it may have added the note before it could record it.
		var ok bool
		if in.State == store.IntentDone {
			return
		} else if in, ok, err = s.db.RetryIntent(ctx, in.ID, s.IntentTimeout); err != nil || !ok {
			return
		}
	}
	if hasNote(conv, res.CaseNumber) {
		_, _ = s.db.CompleteIntent(ctx, in.ID, res.CaseID)
		return
	}
	admin, err := s.noteAuthor(ctx)
	if err == nil {
		_, _, err = s.ic.Conversations.Reply(ctx, conversationID, &intercom.ReplyRequest{MessageType: intercom.MessageTypeNote, Type: "admin", AdminID: admin, Body: body})
	}
	if err != nil {
		s.log.Warn("could not add the case note to the conversation", "conversation_id", conversationID, "err", err)
		_, _ = s.db.FailIntent(context.WithoutCancel(ctx), in.ID, err.Error())
		return
	}
	_, _ = s.db.CompleteIntent(ctx, in.ID, res.CaseID)
}

// hasNote reports whether conv has the note naming Case caseNumber.
func hasNote(conv *intercom.Conversation, caseNumber string) bool {
	if conv.Parts == nil || caseNumber == "" {
		return false
	}
	for _, p := range conv.Parts.Parts {
		if p != nil && p.PartType == "note" && strings.Contains(p.Body, "Salesforce Case "+caseNumber+":") {
			return true
		}
	}
	return false
}

// noteAuthor is the teammate the access token belongs to.
func (s *Service) noteAuthor(ctx context.Context) (string, error) {
	s.mu.Lock()
	id := s.adminID
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	me, _, err := s.ic.Admins.Me(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.adminID = me.ID
	s.mu.Unlock()
	return me.ID, nil
}

// adminDirectory returns Intercom's teammates by id, refreshed every five
// minutes.
func (s *Service) adminDirectory(ctx context.Context) (map[string]*intercom.Admin, error) {
	s.mu.Lock()
	if s.admins != nil && time.Since(s.adminsAt) < 5*time.Minute {
		defer s.mu.Unlock()
		return s.admins, nil
	}
	s.mu.Unlock()
	list, _, err := s.ic.Admins.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*intercom.Admin, len(list))
	for _, a := range list {
		m[a.ID] = a
	}
	s.mu.Lock()
	s.admins, s.adminsAt = m, time.Now()
	s.mu.Unlock()
	return m, nil
}

// teammateUser is the active Salesforce user with the email of the
// teammate assigned to the conversation, or "" (the integration user then
// owns the Case).
func (s *Service) teammateUser(ctx context.Context, conv *intercom.Conversation) (string, error) {
	if conv.AdminAssigneeID == 0 {
		return "", nil
	}
	admins, err := s.adminDirectory(ctx)
	if err != nil {
		return "", err
	}
	a, ok := admins[fmt.Sprint(conv.AdminAssigneeID)]
	if !ok || a.Email == "" {
		return "", nil
	}
	u, err := s.queryOne(ctx, "SELECT Id FROM User WHERE Email = "+salesforce.QuoteString(a.Email)+" AND IsActive = true LIMIT 1")
	return u.ID(), err
}

// fail decides what a failed Salesforce call becomes: transient errors go
// back to the job queue; anything else is a sync error in the cases
// category, with a reason that says what would fix it.
func (s *Service) fail(ctx context.Context, conversationID, salesforceID string, op tandem.Operation, err error) error {
	if transient(err) {
		return err
	}
	code, msg, fields := "", err.Error(), ""
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) && len(sfe.Errors) > 0 {
		code, msg, fields = sfe.Errors[0].ErrorCode, sfe.Errors[0].Message, strings.Join(sfe.Errors[0].Fields, ", ")
	}
	reason := fmt.Sprintf("Salesforce refused the Case of conversation %s: %s: %s", conversationID, code, msg)
	switch {
	case code == "REQUIRED_FIELD_MISSING":
		reason = fmt.Sprintf("Salesforce requires Case field %s and tandem had no value for it. Map a conversation attribute to it (cases.mappings) or give the field a default value in Salesforce, then retry.", fields)
	case strings.HasPrefix(code, "INSUFFICIENT_ACCESS") || code == "INVALID_TYPE":
		reason = fmt.Sprintf("The Salesforce user tandem signs in as may not create or edit Cases (%s). Grant it access to Cases, then retry.", msg)
	case code == "FIELD_CUSTOM_VALIDATION_EXCEPTION":
		reason = fmt.Sprintf("A validation rule on Case rejected the Case of conversation %s: %s", conversationID, msg)
	case code == "INVALID_CROSS_REFERENCE_KEY" && strings.Contains(fields, "RecordTypeId"):
		reason = "The configured Case record type is not available to the Salesforce user tandem signs in as: " + msg
	}
	return s.record(ctx, tandem.SyncError{Operation: op, IntercomID: conversationID, SalesforceID: salesforceID, Field: fields,
		System: "salesforce", Code: code, Message: msg, Reason: reason})
}

// record stores a sync error of the cases category and returns it as a
// permanent error.
func (s *Service) record(ctx context.Context, e tandem.SyncError) error {
	e.InstallationID, e.Object = s.cfg.Installation, tandem.ObjectCase
	saved, err := s.db.RecordSyncError(ctx, e)
	if err != nil {
		return err
	}
	s.log.Warn("case sync error", "conversation_id", e.IntercomID, "code", e.Code, "reason", e.Reason)
	if s.OnError != nil {
		s.OnError(saved)
	}
	return &syncer.PermanentError{Err: tandem.Errorf(tandem.EUNPROCESSABLE, "%s", e.Reason)}
}

// GiveUp records a failure that outlived its retries (Salesforce or
// Intercom unreachable) as a sync error of the conversation, so that it is
// listed and can be retried.
func (s *Service) GiveUp(ctx context.Context, conversationID string, err error) {
	op := OpCreate
	if in, gerr := s.db.GetIntent(ctx, s.cfg.Installation, "case", conversationID); gerr == nil && in.State == store.IntentDone {
		op = OpUpdate
	}
	_ = s.record(ctx, tandem.SyncError{Operation: op, IntercomID: conversationID, System: "tandem", Code: "GAVE_UP",
		Message: err.Error(), Reason: fmt.Sprintf("The Case of conversation %s could not be written after several attempts: %v. Retry once Salesforce and Intercom answer.", conversationID, err)})
}

// resolve marks the conversation's open case errors as resolved.
func (s *Service) resolve(ctx context.Context, conversationID string) error {
	_, err := s.db.ResolveSyncErrors(ctx, store.ResolveParams{Installation: s.cfg.Installation, Object: tandem.ObjectCase, IntercomID: conversationID})
	return err
}

// transient reports whether err is worth retrying: what the engine retries
// (network trouble, 5xx, row locks, limits), except tandem's own refusals.
func transient(err error) bool {
	var te *tandem.Error
	return !errors.As(err, &te) && syncer.Transient(err)
}
