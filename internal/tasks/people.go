package tasks

import (
	"context"
	"errors"
	"strings"

	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/convo"
	"github.com/tandemhq/tandem/salesforce"
)

// person is a Salesforce Contact or Lead a Task goes on.
type person struct {
	object     string // "Contact" or "Lead"
	id         string
	intercomID string
}

// people returns the Salesforce records the conversation's person is: the
// linked Contact, or every unconverted Lead with the person's email (the
// linked Lead first). A person not in Salesforce yields none, unless
// createLead, in which case Create Lead makes the Lead first (an error
// when the person has no email).
func (s *Service) people(ctx context.Context, conv *intercom.Conversation, createLead bool) ([]person, error) {
	p, err := convo.PersonOf(ctx, s.store, s.cfg.Installation, conv)
	if err != nil {
		return nil, err
	}
	object, id := p.Link.Object.SObject(), p.Link.SalesforceID
	if !p.Linked {
		if !createLead {
			return nil, nil
		}
		res, err := s.syncer.CreateLead(ctx, p.IntercomID, nil)
		if err != nil {
			return nil, err
		}
		object, id = res.Object, res.SalesforceID
		s.log.Info("Lead made for a Task", "intercom_id", p.IntercomID, "salesforce_id", id, "created", res.Created)
	}
	if object == "Contact" {
		return []person{{object: "Contact", id: id, intercomID: p.IntercomID}}, nil
	}
	out := []person{{object: "Lead", id: id, intercomID: p.IntercomID}}
	contact, _, err := s.ic.Contacts.Get(ctx, p.IntercomID)
	if errors.Is(err, intercom.ErrNotFound) {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	email := strings.TrimSpace(contact.Email)
	if email == "" {
		return out, nil
	}
	soql := "SELECT Id FROM Lead WHERE IsConverted = false AND Email = " + salesforce.QuoteString(email) + " ORDER BY CreatedDate, Id LIMIT 50"
	for rec, err := range s.sf.Query(ctx, soql, nil) {
		if err != nil {
			return nil, err
		}
		if rec.ID() != id {
			out = append(out, person{object: "Lead", id: rec.ID(), intercomID: p.IntercomID})
		}
	}
	return out, nil
}
