package syncer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// LeadResult is the answer to Create Lead.
type LeadResult struct {
	SalesforceID string `json:"salesforce_id"`
	// Object is "Lead", or "Contact" when the contact was already linked to
	// one (its Lead was converted).
	Object     string `json:"object"`
	IntercomID string `json:"intercom_contact_id"`
	URL        string `json:"url"`
	// Created is false when the Lead existed already (linked before, or
	// found by email) and was linked instead of created.
	Created bool           `json:"created"`
	Fields  map[string]any `json:"fields,omitempty"`
	OwnerID string         `json:"owner_id,omitempty"`
}

// CreateLead sends an Intercom lead or user to Salesforce as a Lead, with
// the to_salesforce mapped attributes plus edits (Salesforce field → value),
// placeholders in required fields that are still empty, and the owner of
// the contact when ownership is maintained. The Lead is linked at once so
// that later Intercom edits reach it.
//
// It is idempotent: an existing link, or an unconverted Lead with the same
// email, is returned (and linked) instead of creating a second Lead. Errors
// are *tandem.Error values fit to show the user.
func (s *Syncer) CreateLead(ctx context.Context, intercomID string, edits map[string]any) (LeadResult, error) {
	defer s.locks.Lock("ic:" + intercomID)()
	res := LeadResult{IntercomID: intercomID}
	if ok, _ := s.Allow(budget.Action); !ok {
		return res, tandem.Errorf(tandem.EUNAVAILABLE, "The Salesforce API budget for the last 24 hours is used up; try again later.")
	}
	// Replicas do not share the lock above: an intent row makes a second
	// Create Lead for the same contact wait its turn.
	intent, release, err := s.leadIntent(ctx, intercomID)
	if err != nil {
		return res, err
	}
	defer release()
	icObj, err := s.icGetContact(ctx, intercomID)
	if isIntercomGone(err) {
		return res, tandem.Errorf(tandem.ENOTFOUND, "Intercom contact %s does not exist.", intercomID)
	} else if err != nil {
		return res, remoteError("read the Intercom contact", err)
	}
	email := strings.TrimSpace(str(icObj["email"]))
	if email == "" {
		return res, tandem.Errorf(tandem.EUNPROCESSABLE, "The Intercom %s %s has no email address. A Lead can only be sent to Salesforce once the contact has an email.", str(icObj["role"]), intercomID)
	}
	desc, _, err := s.sf.SObjects.Describe(ctx, "Lead")
	if err != nil {
		return res, remoteError("describe Salesforce Leads", err)
	}
	if err := checkEdits(desc, edits); err != nil {
		return res, err
	}

	// Already linked? Then there is nothing to create.
	for _, obj := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact} {
		if l, found, err := s.linkForIntercom(ctx, obj, intercomID); err != nil {
			return res, err
		} else if found {
			res.SalesforceID, res.Object, res.URL = l.SalesforceID, l.Object.SObject(), s.recordURL(ctx, l.Object.SObject(), l.SalesforceID)
			return res, nil
		}
	}
	// A Lead with this email exists (an earlier attempt that crashed before
	// linking, or a Lead made by someone else): link it instead.
	if cands, err := s.findSalesforce(ctx, tandem.ObjectLead, strings.ToLower(email)); err != nil {
		return res, remoteError("look for an existing Lead", err)
	} else {
		for _, rec := range cands {
			if _, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, tandem.ObjectLead, rec.ID()); err == nil {
				continue
			}
			l, err := s.store.UpsertLink(ctx, tandem.Link{InstallationID: s.cfg.Installation, Object: tandem.ObjectLead,
				IntercomID: intercomID, SalesforceID: rec.ID(), MatchedBy: "email", MatchKey: strings.ToLower(email),
				Note: "existing Lead found by Create Lead"})
			if err != nil {
				return res, err
			}
			s.linkEvent("made", l)
			res.SalesforceID, res.Object, res.URL = rec.ID(), "Lead", s.recordURL(ctx, "Lead", rec.ID())
			return res, s.pushToSalesforce(ctx, l, icObj, rec, tandem.CauseAction)
		}
	}

	fields, shadows, err := s.leadFields(ctx, icObj, desc, edits)
	if err != nil {
		return res, err
	}
	autoAssign := false
	if s.settings(ctx).Ownership.Enabled {
		owner, err := s.owners.salesforceOwnerFor(ctx, str(icObj["owner_id"]))
		if err != nil {
			return res, remoteError("find the Salesforce owner", err)
		}
		if owner != "" {
			fields["OwnerId"] = owner
			res.OwnerID = owner
		} else if s.settings(ctx).Ownership.Fallback == "assignment_rule" {
			autoAssign = true
		}
	}
	id, err := s.createLead(ctx, fields, autoAssign)
	if err != nil {
		l := tandem.Link{Object: tandem.ObjectLead, IntercomID: intercomID}
		if Transient(err) {
			return res, remoteError("create the Lead", err)
		}
		e, rerr := s.RecordFailure(ctx, l, tandem.OpCreateLead, tandem.SystemSalesforce, errorFields(err), fields, err)
		if rerr != nil {
			return res, rerr
		}
		return res, tandem.Errorf(tandem.EUNPROCESSABLE, "Salesforce did not create the Lead: %s", e.Reason)
	}
	if _, err := s.store.CompleteIntent(ctx, intent.ID, id); err != nil {
		return res, err
	}
	l, err := s.store.UpsertLink(ctx, tandem.Link{InstallationID: s.cfg.Installation, Object: tandem.ObjectLead,
		IntercomID: intercomID, SalesforceID: id, MatchedBy: "created", MatchKey: strings.ToLower(email)})
	if err != nil {
		return res, err
	}
	s.linkEvent("made", l)
	if err := s.store.SetShadows(ctx, l.ID, shadows); err != nil {
		return res, err
	}
	if err := s.resolve(ctx, tandem.Link{Object: tandem.ObjectLead, IntercomID: intercomID}, tandem.OpCreateLead); err != nil {
		return res, err
	}
	res.SalesforceID, res.Object, res.URL, res.Created, res.Fields = id, "Lead", s.recordURL(ctx, "Lead", id), true, fields
	return res, nil
}

// createLead creates the Lead. Sforce-Auto-Assign is always explicit: TRUE
// only when the org's assignment rule is to choose the owner.
func (s *Syncer) createLead(ctx context.Context, fields map[string]any, autoAssign bool) (string, error) {
	id, _, err := s.sf.SObjects.Create(ctx, "Lead", fields, salesforce.AutoAssign(autoAssign))
	return id, err
}

// errorFields lists the fields a Salesforce error names.
func errorFields(err error) string {
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) && len(sfe.Errors) > 0 {
		return strings.Join(sfe.Errors[0].Fields, ", ")
	}
	return ""
}

// leadFields assembles the new Lead: mapped attributes, name and email,
// the company's name, the edits, then placeholders for required fields that
// are still empty. It returns the shadows of the mapped fields written.
func (s *Syncer) leadFields(ctx context.Context, icObj map[string]any, desc *salesforce.DescribeSObject, edits map[string]any) (map[string]any, map[string]string, error) {
	fields := map[string]any{"Email": str(icObj["email"])}
	first, last := mapping.NameToFields(str(icObj["name"]))
	if first != "" {
		fields["FirstName"] = first
	}
	if last != "" {
		fields["LastName"] = last
	}
	if company, err := s.contactCompanyName(ctx, icObj); err != nil {
		return nil, nil, remoteError("read the contact's company", err)
	} else if company != "" {
		fields["Company"] = company
	}
	// Every mapped value Intercom has goes into the new Lead, whichever
	// side owns it: a field Salesforce owns would otherwise come back empty
	// and, polled, clear the Intercom value it was created from.
	shadows := map[string]string{alignedKey(tandem.ToSalesforce): "1", alignedKey(tandem.ToIntercom): "1"}
	for _, m := range s.mappings(ctx, tandem.ObjectLead, tandem.ToSalesforce) {
		raw, _ := mapping.IntercomValue(icObj, icAttrName(m))
		v, err := s.toSalesforce(ctx, tandem.ObjectLead, m, raw)
		if errors.Is(err, errNoCounterpart) {
			continue
		} else if err != nil {
			return nil, nil, tandem.Errorf(tandem.EUNPROCESSABLE, "%s: %v", m.String(), err)
		}
		if v != nil {
			maps.Copy(fields, mapping.SalesforceWrite(m.Salesforce, v))
		}
		shadows[sfShadowKey(m)] = mapping.Canonical(v)
	}
	for _, m := range s.mappings(ctx, tandem.ObjectLead, tandem.ToIntercom) {
		if f, ok := desc.Field(m.Salesforce); m.Transform == ownerTransform || ok && !f.Createable {
			continue // the owner is chosen below; a field the API user cannot set stays to Salesforce
		}
		raw, _ := mapping.IntercomValue(icObj, icAttrName(m))
		v, err := s.toSalesforce(ctx, tandem.ObjectLead, m, raw)
		if err != nil || v == nil {
			continue // nothing Salesforce can take: the value stays in Intercom, guarded from blanks
		}
		back, err := s.toIntercom(ctx, tandem.ObjectLead, m, v)
		if err != nil {
			continue
		}
		maps.Copy(fields, mapping.SalesforceWrite(m.Salesforce, v))
		shadows[icShadowKey(m)] = mapping.Canonical(back)
	}
	maps.Copy(fields, edits)
	for _, f := range desc.Fields {
		if !f.RequiredOnCreate() || f.Type == "boolean" {
			continue
		}
		if v, ok := fields[f.Name]; ok && v != nil && v != "" {
			continue
		}
		switch f.Type {
		case "picklist":
			for _, p := range f.PicklistValues {
				if p.DefaultValue {
					fields[f.Name] = p.Value
				}
			}
			if fields[f.Name] == nil && len(f.PicklistValues) > 0 {
				fields[f.Name] = f.PicklistValues[0].Value
			}
		case "string", "textarea", "phone", "url", "combobox":
			ph := s.settings(ctx).Placeholder
			if f.Length > 0 && len(ph) > f.Length {
				ph = ph[:f.Length]
			}
			fields[f.Name] = ph
		}
	}
	return fields, shadows, nil
}

// contactCompanyName returns the name of the contact's first company.
func (s *Syncer) contactCompanyName(ctx context.Context, icObj map[string]any) (string, error) {
	companies, _ := icObj["companies"].(map[string]any)
	data := objects(companies["data"])
	if len(data) == 0 {
		return "", nil
	}
	if name := str(data[0]["name"]); name != "" {
		return name, nil
	}
	c, err := s.icGetCompany(ctx, str(data[0]["id"]))
	if isIntercomGone(err) {
		return "", nil
	}
	return str(c["name"]), err
}

// checkEdits rejects edits naming fields the Lead does not have or the API
// user may not set.
func checkEdits(desc *salesforce.DescribeSObject, edits map[string]any) error {
	var problems []string
	for name := range edits {
		f, ok := desc.Field(name)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("Lead has no field %s", name))
		case !f.Createable:
			problems = append(problems, fmt.Sprintf("Lead.%s cannot be set when a Lead is created", f.Name))
		case f.Name != name:
			problems = append(problems, fmt.Sprintf("Lead field %s is spelled %s", name, f.Name))
		}
	}
	if len(problems) > 0 {
		return tandem.Errorf(tandem.EINVALID, "Invalid fields: %s.", strings.Join(problems, "; "))
	}
	return nil
}

// recordURL links to a record in Salesforce's UI.
func (s *engine) recordURL(ctx context.Context, sobject, id string) string {
	base, err := s.sf.InstanceURL(ctx)
	if err != nil {
		return ""
	}
	return base + "/lightning/r/" + sobject + "/" + id + "/view"
}

// remoteError turns a failed call into a user-facing domain error.
func remoteError(what string, err error) error {
	var te *tandem.Error
	if errors.As(err, &te) {
		return err
	}
	code, msg := errorCode(err)
	if Transient(err) {
		return tandem.Errorf(tandem.EUNAVAILABLE, "Could not %s right now (%s: %s); try again.", what, code, msg)
	}
	return tandem.Errorf(tandem.EUNPROCESSABLE, "Could not %s: %s: %s", what, code, msg)
}

// leadIntent claims the intent to create a Lead for an Intercom contact.
// A pending intent touched in the last two minutes belongs to a call still
// running; an older one to a process that died, and it is taken over like
// a failed or done one. release marks an attempt that created no Lead as
// failed (it leaves a completed intent alone).
func (s *Syncer) leadIntent(ctx context.Context, intercomID string) (store.Intent, func(), error) {
	intent, created, err := s.store.ClaimIntent(ctx, store.ClaimIntentParams{
		Installation: s.cfg.Installation, Kind: "lead", Key: intercomID})
	if err != nil {
		return intent, nil, err
	}
	if !created {
		var ok bool
		if intent, ok, err = s.store.RetryIntent(ctx, intent.ID, 2*time.Minute); err != nil {
			return intent, nil, err
		} else if !ok {
			return intent, nil, tandem.Errorf(tandem.ECONFLICT, "A Lead is being created for Intercom contact %s right now; try again in a moment.", intercomID)
		}
	}
	return intent, func() {
		_, _ = s.store.FailIntent(context.WithoutCancel(ctx), intent.ID, "the attempt ended without creating a Lead")
	}, nil
}
