package sfsim

import (
	"net/http"
	"time"
)

// ConvertOptions tunes ConvertLead.
type ConvertOptions struct {
	// AccountID merges the lead into this existing Account instead of
	// creating one from the lead's Company.
	AccountID string
	// CreateOpportunity also creates an Opportunity on the account.
	CreateOpportunity bool
}

// ConvertResult holds the records a lead conversion produced or used.
type ConvertResult struct {
	ContactID, AccountID, OpportunityID string
}

// ConvertLead converts a Lead as Salesforce's convertLead does (there is no
// REST endpoint for it): it creates a Contact (and an Account unless
// opts.AccountID is set, and an Opportunity if asked), copies the lead's
// person fields and same-named custom fields, and marks the Lead converted
// (IsConverted, ConvertedContactId, ConvertedAccountId,
// ConvertedOpportunityId, ConvertedDate, Status "Closed - Converted"). The
// Lead's Tasks move to the Contact (and the Opportunity, else the
// Account). The Lead is read-only afterwards.
func (s *Server) ConvertLead(leadID string, opts ConvertOptions) (ConvertResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	leads := s.objects["lead"]
	lead, err := s.findRecord(leads, leadID)
	if err != nil {
		return ConvertResult{}, err
	}
	if lead.deleted {
		return ConvertResult{}, apiErr(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted")
	}
	if lead.vals[leads.field("IsConverted").idx] == true {
		return ConvertResult{}, badRequest("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
	}
	wc := writeCtx{user: s.defaultUser, ui: true}
	lv := func(name string) any { return lead.vals[leads.field(name).idx] }
	owner := lv("OwnerId")
	if id, ok := owner.(string); !ok || len(id) < 3 || id[:3] != "005" {
		owner = s.defaultUser
	}
	var res ConvertResult
	var created []*record
	rollback := func() {
		for _, r := range created {
			r.obj.tbl.remove(r)
		}
	}
	if opts.AccountID != "" {
		acct, err := s.findRecord(s.objects["account"], opts.AccountID)
		if err != nil || acct.deleted {
			return ConvertResult{}, badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", "AccountId")
		}
		res.AccountID = acct.id
	} else {
		acct, e := s.insert(s.objects["account"], map[string]any{
			"Name": lv("Company"), "Website": lv("Website"), "Industry": lv("Industry"), "Phone": lv("Phone"),
			"NumberOfEmployees": lv("NumberOfEmployees"), "AnnualRevenue": lv("AnnualRevenue"),
			"BillingStreet": lv("Street"), "BillingCity": lv("City"), "BillingState": lv("State"),
			"BillingPostalCode": lv("PostalCode"), "BillingCountry": lv("Country"), "OwnerId": owner,
		}, wc)
		if e != nil {
			return ConvertResult{}, e
		}
		created = append(created, acct)
		res.AccountID = acct.id
	}
	contacts := s.objects["contact"]
	cf := map[string]any{
		"AccountId": res.AccountID, "Salutation": lv("Salutation"), "FirstName": lv("FirstName"), "LastName": lv("LastName"),
		"Email": lv("Email"), "Phone": lv("Phone"), "MobilePhone": lv("MobilePhone"), "Title": lv("Title"),
		"LeadSource": lv("LeadSource"), "Description": lv("Description"), "OwnerId": owner,
		"MailingStreet": lv("Street"), "MailingCity": lv("City"), "MailingState": lv("State"),
		"MailingPostalCode": lv("PostalCode"), "MailingCountry": lv("Country"),
	}
	for _, f := range leads.fields {
		if f.custom && contacts.field(f.name) != nil {
			cf[f.name] = lead.vals[f.idx]
		}
	}
	contact, e := s.insert(contacts, cf, wc)
	if e != nil {
		rollback()
		return ConvertResult{}, e
	}
	created = append(created, contact)
	res.ContactID = contact.id
	if opts.CreateOpportunity {
		company, _ := lv("Company").(string)
		opp, e := s.insert(s.objects["opportunity"], map[string]any{
			"Name": company + "-", "AccountId": res.AccountID, "StageName": "Prospecting",
			"CloseDate": s.now().AddDate(0, 0, 30), "LeadSource": lv("LeadSource"), "OwnerId": owner,
		}, wc)
		if e != nil {
			rollback()
			return ConvertResult{}, e
		}
		res.OpportunityID = opp.id
	}
	now := s.now()
	vals := append([]any(nil), lead.vals...)
	set := func(name string, v any) { vals[leads.field(name).idx] = v }
	set("IsConverted", true)
	set("ConvertedContactId", res.ContactID)
	set("ConvertedAccountId", res.AccountID)
	if res.OpportunityID != "" {
		set("ConvertedOpportunityId", res.OpportunityID)
	}
	set("ConvertedDate", time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	set("Status", "Closed - Converted")
	set("LastModifiedDate", now)
	set("LastModifiedById", s.defaultUser)
	set("SystemModstamp", now)
	s.commitVals(lead, vals)
	// The Lead's activities move to the new Contact, and to the
	// Opportunity if one was made, else the Account.
	tasks := s.objects["task"]
	what := res.OpportunityID
	if what == "" {
		what = res.AccountID
	}
	who, whatID := tasks.field("WhoId"), tasks.field("WhatId")
	for _, t := range append([]*record(nil), tasks.tbl.lookup(who, lead.id)...) { // the loop re-indexes WhoId
		if t.deleted {
			continue
		}
		tv := append([]any(nil), t.vals...)
		tv[who.idx] = res.ContactID
		if w, _ := tv[whatID.idx].(string); w == "" {
			tv[whatID.idx] = what
		}
		tv[tasks.field("LastModifiedDate").idx] = now
		tv[tasks.field("SystemModstamp").idx] = now
		s.commitVals(t, tv)
	}
	return res, nil
}
