package usecase

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem"
)

// CaseFromFormParams name a conversation and the Case field values a
// teammate chose in the inbox panel's New Case form.
type CaseFromFormParams struct {
	ConversationID string
	// Fields are Salesforce Case fields (API name → value).
	Fields map[string]any
}

// CaseFromForm creates the Salesforce Case of a conversation with the
// teammate's field values. A conversation has one Case: when it has one
// already, that Case is returned with Created false.
func (s *Service) CaseFromForm(ctx context.Context, p CaseFromFormParams) (CaseResult, error) {
	if s.cfg.Cases == nil {
		return CaseResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Cases are not enabled in this installation (cases.enabled).")
	}
	id := strings.TrimSpace(p.ConversationID)
	if id == "" {
		return CaseResult{}, tandem.Errorf(tandem.EINVALID, "conversation_id is required.")
	}
	return s.cfg.Cases.CreateFromForm(ctx, id, p.Fields)
}

// CasesEnabled reports whether this installation creates Cases.
func (s *Service) CasesEnabled() bool { return s.cfg.Cases != nil }

// CaseOwnerDescription says who will own a Case created now ("" when Cases
// are off).
func (s *Service) CaseOwnerDescription() string {
	if s.cfg.Cases == nil {
		return ""
	}
	return s.cfg.Cases.OwnerDescription()
}

// CaseFormExclusions are the Case fields a form must not offer (the
// External ID field the bridge keys Cases on).
func (s *Service) CaseFormExclusions() []string {
	if s.cfg.Cases == nil || s.cfg.Cases.ExternalIDField() == "" {
		return nil
	}
	return []string{s.cfg.Cases.ExternalIDField()}
}

// CaseRecordTypeID is the configured Case record type ("" for the
// integration user's default).
func (s *Service) CaseRecordTypeID() string {
	if s.cfg.Cases == nil {
		return ""
	}
	return s.cfg.Cases.RecordTypeID()
}

// LogPartParams name one message or note of a conversation to log to
// Salesforce as a completed Task.
type LogPartParams struct {
	ConversationID string
	PartID         string
}

// LogPartResult is the Task a logged part became.
type LogPartResult struct {
	TaskID string `json:"task_id"`
	URL    string `json:"url"`
}

// LogConversationPartAsTask logs one conversation part as a completed
// Salesforce Task on the person's Lead or Contact. Salesforce Tasks are not
// part of this build yet, so it always fails with EUNAVAILABLE and a
// message saying so; it never reports a Task it did not make.
func (s *Service) LogConversationPartAsTask(_ context.Context, p LogPartParams) (LogPartResult, error) {
	if strings.TrimSpace(p.ConversationID) == "" || strings.TrimSpace(p.PartID) == "" {
		return LogPartResult{}, tandem.Errorf(tandem.EINVALID, "conversation_id and part_id are required.")
	}
	return LogPartResult{}, tandem.Errorf(tandem.EUNAVAILABLE, "Logging a message as a Salesforce Task is not available in this version of tandem yet.")
}
