package syncer

import (
	"context"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// leadConverted hands a converted Lead's link to the Contact it became
// (and links the contact's Intercom company to the converted Account), then
// aligns the new pair so that mapped attributes keep flowing.
func (s *Syncer) leadConverted(ctx context.Context, lead salesforce.Record, cause tandem.Cause) error {
	l, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, tandem.ObjectLead, lead.ID())
	if store.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	contactID := lead.String("ConvertedContactId")
	if contactID == "" {
		return nil
	}
	var moved tandem.Link
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteLink(ctx, l.ID); err != nil {
			return err
		}
		moved, err = tx.UpsertLink(ctx, tandem.Link{
			InstallationID: s.cfg.Installation, Object: tandem.ObjectContact,
			IntercomID: l.IntercomID, SalesforceID: contactID,
			MatchedBy: "converted", MatchKey: l.MatchKey, Note: "Lead " + lead.ID() + " was converted",
		})
		return err
	})
	if err != nil {
		return err
	}
	s.linkEvent("moved", moved)

	icObj, err := s.icGetContact(ctx, l.IntercomID)
	if err != nil {
		return s.intercomGone(ctx, moved, err)
	}
	if accountID := lead.String("ConvertedAccountId"); accountID != "" {
		if err := s.linkConvertedAccount(ctx, icObj, accountID, cause); err != nil {
			return err
		}
	}
	rec, err := s.sfGet(ctx, tandem.ObjectContact, contactID)
	if err != nil {
		return s.salesforceGone(ctx, moved, err)
	}
	if err := s.pushToSalesforce(ctx, moved, icObj, rec, cause); err != nil {
		return err
	}
	return s.pushToIntercom(ctx, moved, rec, icObj, cause)
}

// followConversion is called when a write to a linked Lead failed because
// the Lead was converted: it reads the Lead and moves the link.
func (s *Syncer) followConversion(ctx context.Context, l tandem.Link, cause tandem.Cause) error {
	lead, err := s.sfGet(ctx, tandem.ObjectLead, l.SalesforceID)
	if err != nil {
		return s.salesforceGone(ctx, l, err)
	}
	return s.leadConverted(ctx, lead, cause)
}

// linkConvertedAccount links the Intercom contact's first company to the
// Account its Lead was converted into, unless one of them is linked
// already, and aligns the new pair.
func (s *Syncer) linkConvertedAccount(ctx context.Context, icObj map[string]any, accountID string, cause tandem.Cause) error {
	companies, _ := icObj["companies"].(map[string]any)
	data := objects(companies["data"])
	if len(data) == 0 {
		return nil
	}
	companyID := str(data[0]["id"])
	defer s.locks.Lock("ic:" + companyID)()
	if _, found, err := s.linkForIntercom(ctx, tandem.ObjectAccount, companyID); err != nil || found {
		return err
	}
	if _, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, tandem.ObjectAccount, accountID); err == nil {
		return nil
	} else if !store.IsNotFound(err) {
		return err
	}
	l, err := s.store.UpsertLink(ctx, tandem.Link{
		InstallationID: s.cfg.Installation, Object: tandem.ObjectAccount,
		IntercomID: companyID, SalesforceID: accountID, MatchedBy: "converted",
	})
	if err != nil {
		return err
	}
	s.linkEvent("made", l)
	company, err := s.icGetCompany(ctx, companyID)
	if err != nil {
		return s.intercomGone(ctx, l, err)
	}
	account, err := s.sfGet(ctx, tandem.ObjectAccount, accountID)
	if err != nil {
		return s.salesforceGone(ctx, l, err)
	}
	if err := s.pushToSalesforce(ctx, l, company, account, cause); err != nil {
		return err
	}
	return s.pushToIntercom(ctx, l, account, company, cause)
}
