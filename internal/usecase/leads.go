package usecase

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer"
)

// CreateLeadParams name the Intercom lead or user to send to Salesforce.
type CreateLeadParams struct {
	IntercomContactID string
	// Fields are Salesforce field edits (API name → value) on top of the
	// mapped attributes.
	Fields map[string]any
}

// LeadResult is the Salesforce Lead (or Contact) an Intercom contact is
// linked to after CreateLead.
type LeadResult = syncer.LeadResult

// CreateLead sends an Intercom lead or user to Salesforce as a Lead (see
// syncer.CreateLead): a Lead that exists already is linked, never created
// twice. LeadResult.Created tells which happened.
func (s *Service) CreateLead(ctx context.Context, p CreateLeadParams) (LeadResult, error) {
	id := strings.TrimSpace(p.IntercomContactID)
	if id == "" {
		return LeadResult{}, tandem.Errorf(tandem.EINVALID, "intercom_contact_id is required.")
	}
	eng, err := s.engine("Create Lead")
	if err != nil {
		return LeadResult{}, err
	}
	return eng.CreateLead(ctx, id, p.Fields)
}
