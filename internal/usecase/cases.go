package usecase

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/cases"
)

// CaseResult is the Case of a conversation.
type CaseResult = cases.Result

// CaseForConversation creates the Salesforce Case of an Intercom
// conversation, or refreshes the one it has (a teammate's or a workflow's
// request: the conversation always gets a note with the Case number). It
// is idempotent: however often it is called, the conversation has one
// Case.
func (s *Service) CaseForConversation(ctx context.Context, conversationID string) (CaseResult, error) {
	if s.cases() == nil {
		return CaseResult{}, tandem.Errorf(tandem.EUNPROCESSABLE, "Cases are not enabled in this installation (cases.enabled).")
	}
	conversationID = strings.TrimSpace(conversationID)
	if conversationID == "" {
		return CaseResult{}, tandem.Errorf(tandem.EINVALID, "conversation_id is required.")
	}
	return s.cases().Sync(ctx, conversationID, cases.TriggerAction)
}
