package usecase

import (
	"context"
	"errors"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/tasks"
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
	if s.cases() == nil {
		return CaseResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Cases are not enabled in this installation (cases.enabled).")
	}
	id := strings.TrimSpace(p.ConversationID)
	if id == "" {
		return CaseResult{}, tandem.Errorf(tandem.EINVALID, "conversation_id is required.")
	}
	return s.cases().CreateFromForm(ctx, id, p.Fields)
}

// CasesEnabled reports whether this installation creates Cases.
func (s *Service) CasesEnabled() bool { return s.cases() != nil }

// CaseOwnerDescription says who will own a Case created now ("" when Cases
// are off).
func (s *Service) CaseOwnerDescription() string {
	if s.cases() == nil {
		return ""
	}
	return s.cases().OwnerDescription()
}

// CaseFormExclusions are the Case fields a form must not offer (the
// External ID field the bridge keys Cases on).
func (s *Service) CaseFormExclusions() []string {
	if s.cases() == nil || s.cases().ExternalIDField() == "" {
		return nil
	}
	return []string{s.cases().ExternalIDField()}
}

// CaseRecordTypeID is the configured Case record type ("" for the
// integration user's default).
func (s *Service) CaseRecordTypeID() string {
	if s.cases() == nil {
		return ""
	}
	return s.cases().RecordTypeID()
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
// Salesforce Task on the person's Lead or Contact (see package tasks; a
// second call for the same part finds the same Task). A refusal by
// Salesforce is recorded as a sync error and returned in plain words.
func (s *Service) LogConversationPartAsTask(ctx context.Context, p LogPartParams) (LogPartResult, error) {
	if strings.TrimSpace(p.ConversationID) == "" || strings.TrimSpace(p.PartID) == "" {
		return LogPartResult{}, tandem.Errorf(tandem.EINVALID, "conversation_id and part_id are required.")
	}
	if s.tasks() == nil {
		return LogPartResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Tasks are turned off in this installation (tasks.enabled).")
	}
	req := tasks.Request{Trigger: tasks.Part, ConversationID: strings.TrimSpace(p.ConversationID), PartID: strings.TrimSpace(p.PartID)}
	res, err := s.tasks().Handle(ctx, req)
	switch {
	case err == nil:
		_ = s.tasks().Resolve(ctx, req)
	case errors.Is(err, tasks.ErrBusy):
		return LogPartResult{}, err
	case tasks.Permanent(err):
		if code := tandem.ErrorCode(err); code != tandem.EINVALID && code != tandem.ENOTFOUND {
			e := s.tasks().RecordFailure(ctx, req, err)
			return LogPartResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "%s", e.Reason)
		}
		return LogPartResult{}, err
	default:
		return LogPartResult{}, tandem.Errorf(tandem.EUNAVAILABLE, "Salesforce could not be reached to make the Task (%v); try again.", err)
	}
	if len(res) == 0 {
		return LogPartResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "No Task was made: the person is neither a Salesforce Contact nor a Lead.")
	}
	return LogPartResult{TaskID: res[0].TaskID}, nil
}
