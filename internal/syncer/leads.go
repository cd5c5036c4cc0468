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
	return s.leads.create(ctx, intercomID, edits)
}

// leadCreator is Create Lead. It shares the engine's dependencies and its
// sync errors, and asks the rest of the engine only for what leadSync names.
type leadCreator struct {
	*engine
	errs syncErrors
	sync leadSync
}

// leadSync is what Create Lead needs of sync itself (Syncer implements it):
// the link lookups, and the sync of an existing Lead it links instead of
// creating one.
type leadSync interface {
	linkForIntercom(ctx context.Context, obj tandem.Object, id string) (tandem.Link, bool, error)
	findSalesforce(ctx context.Context, obj tandem.Object, key string) ([]salesforce.Record, error)
	pushToSalesforce(ctx context.Context, l tandem.Link, icObj map[string]any, rec salesforce.Record, cause tandem.Cause) error
}

// create is CreateLead, step by step. res is returned with what is known
// so far even when a later step fails.
func (c *leadCreator) create(ctx context.Context, intercomID string, edits map[string]any) (LeadResult, error) {
	defer c.locks.Lock("ic:" + intercomID)()
	res := LeadResult{IntercomID: intercomID}
	if ok, _ := c.budget.Allow(budget.Action); !ok {
		return res, tandem.Errorf(tandem.EUNAVAILABLE, "The Salesforce API budget for the last 24 hours is used up; try again later.")
	}
	// Replicas do not share the lock above: an intent row makes a second
	// Create Lead for the same contact wait its turn.
	intent, release, err := c.leadIntent(ctx, intercomID)
	if err != nil {
		return res, err
	}
	defer release()
	in, err := c.readRequest(ctx, intercomID, edits)
	if err != nil {
		return res, err
	}
	if done, err := c.alreadyLinked(ctx, &res, intercomID); done || err != nil {
		return res, err
	}
	if done, err := c.linkCreated(ctx, &res, intent, in); done || err != nil {
		return res, err
	}
	if done, err := c.linkByEmail(ctx, &res, in); done || err != nil {
		return res, err
	}
	return res, c.createAndLink(ctx, &res, intent, in)
}

// leadRequest is what Create Lead was asked for, checked: the Intercom
// contact as it is now, its email, Salesforce's description of a Lead and
// the edits.
type leadRequest struct {
	intercomID string
	icObj      map[string]any
	email      string
	desc       *salesforce.DescribeSObject
	edits      map[string]any
}

// readRequest reads the contact and describes the Lead. It guarantees that
// the contact exists and has an email, and that every edit names a field a
// new Lead can take.
func (c *leadCreator) readRequest(ctx context.Context, intercomID string, edits map[string]any) (leadRequest, error) {
	in := leadRequest{intercomID: intercomID, edits: edits}
	icObj, err := c.icGetContact(ctx, intercomID)
	if isIntercomGone(err) {
		return in, tandem.Errorf(tandem.ENOTFOUND, "Intercom contact %s does not exist.", intercomID)
	} else if err != nil {
		return in, remoteError("read the Intercom contact", err)
	}
	in.icObj = icObj
	in.email = strings.TrimSpace(str(icObj["email"]))
	if in.email == "" {
		return in, tandem.Errorf(tandem.EUNPROCESSABLE, "The Intercom %s %s has no email address. A Lead can only be sent to Salesforce once the contact has an email.", str(icObj["role"]), intercomID)
	}
	if in.desc, _, err = c.sf.SObjects.Describe(ctx, "Lead"); err != nil {
		return in, remoteError("describe Salesforce Leads", err)
	}
	return in, checkEdits(in.desc, edits)
}

// alreadyLinked reports done when the contact is linked already, to a Lead
// or (its Lead converted) to a Contact: that record is the answer and
// nothing is created or written.
func (c *leadCreator) alreadyLinked(ctx context.Context, res *LeadResult, intercomID string) (done bool, err error) {
	for _, obj := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact} {
		if l, found, err := c.sync.linkForIntercom(ctx, obj, intercomID); err != nil {
			return false, err
		} else if found {
			res.SalesforceID, res.Object, res.URL = l.SalesforceID, l.Object.SObject(), c.recordURL(ctx, l.Object.SObject(), l.SalesforceID)
			return true, nil
		}
	}
	return false, nil
}

// linkByEmail reports done when an unconverted Lead with the contact's
// email exists that no link claims (an earlier attempt that crashed before
// linking, or a Lead made by someone else): it is linked and synced like any
// linked pair instead of a second Lead being created.
func (c *leadCreator) linkByEmail(ctx context.Context, res *LeadResult, in leadRequest) (done bool, err error) {
	key := strings.ToLower(in.email)
	cands, err := c.sync.findSalesforce(ctx, tandem.ObjectLead, key)
	if err != nil {
		return false, remoteError("look for an existing Lead", err)
	}
	// The form may give the Lead another email: an attempt whose create
	// Salesforce applied but whose answer was lost made the Lead with it.
	if sent, _ := in.edits["Email"].(string); sent != "" && !strings.EqualFold(strings.TrimSpace(sent), in.email) {
		more, err := c.sync.findSalesforce(ctx, tandem.ObjectLead, strings.ToLower(strings.TrimSpace(sent)))
		if err != nil {
			return false, remoteError("look for an existing Lead", err)
		}
		cands = append(cands, more...)
	}
	for _, rec := range cands {
		if _, err := c.store.LinkBySalesforceID(ctx, c.cfg.Installation, tandem.ObjectLead, rec.ID()); err == nil {
			continue
		}
		l, err := c.store.UpsertLink(ctx, tandem.Link{InstallationID: c.cfg.Installation, Object: tandem.ObjectLead,
			IntercomID: in.intercomID, SalesforceID: rec.ID(), MatchedBy: "email", MatchKey: key,
			Note: "existing Lead found by Create Lead"})
		if err != nil {
			return true, err
		}
		c.linkEvent("made", l)
		res.SalesforceID, res.Object, res.URL = rec.ID(), "Lead", c.recordURL(ctx, "Lead", rec.ID())
		return true, c.sync.pushToSalesforce(ctx, l, in.icObj, rec, tandem.CauseAction)
	}
	return false, nil
}

// createAndLink builds the new Lead's fields, creates it and links it. The
// intent is completed with the Lead's id before the link is written; the
// link then gets the shadows of the mapped fields the Lead was created
// with, so that the next sync of the pair writes nothing back, and the
// contact's open Create Lead errors are resolved.
func (c *leadCreator) createAndLink(ctx context.Context, res *LeadResult, intent store.Intent, in leadRequest) error {
	fields, shadows, err := c.leadFields(ctx, in.icObj, in.desc, in.edits)
	if err != nil {
		return err
	}
	autoAssign, err := c.chooseOwner(ctx, res, in.icObj, fields)
	if err != nil {
		return err
	}
	id, err := c.createLead(ctx, fields, autoAssign)
	if err != nil {
		return c.createFailed(ctx, in.intercomID, fields, err)
	}
	if err := c.linkNew(ctx, intent, in, id, shadows); err != nil {
		return err
	}
	res.SalesforceID, res.Object, res.URL, res.Created, res.Fields = id, "Lead", c.recordURL(ctx, "Lead", id), true, fields
	return nil
}

// linkNew completes the intent with the Lead's id, links the Lead, gives
// the link shadows (the mapped values the Lead was made with) and resolves
// the contact's open Create Lead errors.
func (c *leadCreator) linkNew(ctx context.Context, intent store.Intent, in leadRequest, id string, shadows map[string]string) error {
	if _, err := c.store.CompleteIntent(ctx, intent.ID, id); err != nil {
		return err
	}
	l, err := c.store.UpsertLink(ctx, tandem.Link{InstallationID: c.cfg.Installation, Object: tandem.ObjectLead,
		IntercomID: in.intercomID, SalesforceID: id, MatchedBy: "created", MatchKey: strings.ToLower(in.email)})
	if err != nil {
		return err
	}
	c.linkEvent("made", l)
	if err := c.store.SetShadows(ctx, l.ID, shadows); err != nil {
		return err
	}
	return c.errs.resolve(ctx, tandem.Link{Object: tandem.ObjectLead, IntercomID: in.intercomID}, tandem.OpCreateLead)
}

// linkCreated reports done when an earlier attempt created the Lead the
// intent names and stopped before linking it (a crash between the two):
// that Lead is linked, whatever email the form gave it, instead of a
// second one being created. A Lead deleted since, or linked to another
// contact, is left alone.
func (c *leadCreator) linkCreated(ctx context.Context, res *LeadResult, intent store.Intent, in leadRequest) (bool, error) {
	if intent.RemoteID == "" {
		return false, nil
	}
	if _, err := c.sfGet(ctx, tandem.ObjectLead, intent.RemoteID); isSalesforceGone(err) {
		return false, nil
	} else if err != nil {
		return false, remoteError("read the Lead made by the last attempt", err)
	}
	if _, err := c.store.LinkBySalesforceID(ctx, c.cfg.Installation, tandem.ObjectLead, intent.RemoteID); err == nil {
		return false, nil
	} else if !store.IsNotFound(err) {
		return false, err
	}
	_, shadows, err := c.leadFields(ctx, in.icObj, in.desc, in.edits)
	if err != nil {
		return false, err
	}
	if err := c.linkNew(ctx, intent, in, intent.RemoteID, shadows); err != nil {
		return true, err
	}
	res.SalesforceID, res.Object, res.URL = intent.RemoteID, "Lead", c.recordURL(ctx, "Lead", intent.RemoteID)
	return true, nil
}

// chooseOwner sets the new Lead's OwnerId to the Salesforce User matching
// the contact's Intercom owner when ownership is maintained. It returns
// autoAssign true when there is no such User and the fallback is the org's
// assignment rule; the API user owns the Lead otherwise.
func (c *leadCreator) chooseOwner(ctx context.Context, res *LeadResult, icObj map[string]any, fields map[string]any) (autoAssign bool, err error) {
	ow := c.settings(ctx).Ownership
	if !ow.Enabled {
		return false, nil
	}
	owner, err := c.owners.salesforceOwnerFor(ctx, str(icObj["owner_id"]))
	if err != nil {
		return false, remoteError("find the Salesforce owner", err)
	}
	if owner != "" {
		fields["OwnerId"] = owner
		res.OwnerID = owner
		return false, nil
	}
	return ow.Fallback == "assignment_rule", nil
}

// createFailed answers a create Salesforce refused: a transient failure is
// returned to be tried again; anything else is recorded as a Create Lead
// sync error of the contact and told in its plain reason.
func (c *leadCreator) createFailed(ctx context.Context, intercomID string, fields map[string]any, err error) error {
	if Transient(err) {
		return remoteError("create the Lead", err)
	}
	l := tandem.Link{Object: tandem.ObjectLead, IntercomID: intercomID}
	e, rerr := c.errs.RecordFailure(ctx, l, tandem.OpCreateLead, tandem.SystemSalesforce, errorFields(err), fields, err)
	if rerr != nil {
		return rerr
	}
	return tandem.Errorf(tandem.EUNPROCESSABLE, "Salesforce did not create the Lead: %s", e.Reason)
}

// createLead creates the Lead. Sforce-Auto-Assign is always explicit: TRUE
// only when the org's assignment rule is to choose the owner.
func (c *leadCreator) createLead(ctx context.Context, fields map[string]any, autoAssign bool) (string, error) {
	id, _, err := c.sf.SObjects.Create(ctx, "Lead", fields, salesforce.AutoAssign(autoAssign))
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
func (c *leadCreator) leadFields(ctx context.Context, icObj map[string]any, desc *salesforce.DescribeSObject, edits map[string]any) (map[string]any, map[string]string, error) {
	fields := map[string]any{"Email": str(icObj["email"])}
	first, last := mapping.NameToFields(str(icObj["name"]))
	if first != "" {
		fields["FirstName"] = first
	}
	if last != "" {
		fields["LastName"] = last
	}
	if company, err := c.contactCompanyName(ctx, icObj); err != nil {
		return nil, nil, remoteError("read the contact's company", err)
	} else if company != "" {
		fields["Company"] = company
	}
	shadows, err := c.mappedFields(ctx, icObj, desc, fields)
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(fields, edits)
	c.fillRequired(ctx, desc, fields)
	return fields, shadows, nil
}

// mappedFields adds every mapped value Intercom has to fields, whichever
// side owns it: a field Salesforce owns would otherwise come back empty
// and, polled, clear the Intercom value it was created from. It returns
// the shadows of what it added, with both directions marked aligned (a
// field it leaves out, the owner say, must not make the first poll a first
// link).
func (c *leadCreator) mappedFields(ctx context.Context, icObj map[string]any, desc *salesforce.DescribeSObject, fields map[string]any) (map[string]string, error) {
	shadows := map[string]string{alignedMark(tandem.ToSalesforce): "1", alignedMark(tandem.ToIntercom): "1"}
	for _, m := range c.mappings(ctx, tandem.ObjectLead, tandem.ToSalesforce) {
		raw, _ := mapping.IntercomValue(icObj, icAttrName(m))
		v, err := c.toSalesforce(ctx, tandem.ObjectLead, m, raw)
		if errors.Is(err, errNoCounterpart) {
			continue
		} else if err != nil {
			return nil, tandem.Errorf(tandem.EUNPROCESSABLE, "%s: %v", m.String(), err)
		}
		if v != nil {
			maps.Copy(fields, mapping.SalesforceWrite(m.Salesforce, v))
		}
		shadows[sfShadowKey(m)] = mapping.Canonical(v)
	}
	for _, m := range c.mappings(ctx, tandem.ObjectLead, tandem.ToIntercom) {
		if f, ok := desc.Field(m.Salesforce); m.Transform == ownerTransform || ok && !f.Createable {
			continue // the owner is chosen by chooseOwner; a field the API user cannot set stays to Salesforce
		}
		raw, _ := mapping.IntercomValue(icObj, icAttrName(m))
		v, err := c.toSalesforce(ctx, tandem.ObjectLead, m, raw)
		if err != nil || v == nil {
			continue // nothing Salesforce can take: the value stays in Intercom, guarded from blanks
		}
		back, err := c.toIntercom(ctx, tandem.ObjectLead, m, v)
		if err != nil {
			continue
		}
		maps.Copy(fields, mapping.SalesforceWrite(m.Salesforce, v))
		shadows[icShadowKey(m)] = mapping.Canonical(back)
	}
	return shadows, nil
}

// fillRequired gives every field required on create that is still empty a
// value: a picklist its default (or first) value, a text field the
// placeholder, cut to the field's length. Booleans are never required.
func (c *leadCreator) fillRequired(ctx context.Context, desc *salesforce.DescribeSObject, fields map[string]any) {
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
			ph := c.settings(ctx).Placeholder
			if f.Length > 0 && len(ph) > f.Length {
				ph = ph[:f.Length]
			}
			fields[f.Name] = ph
		}
	}
}

// contactCompanyName returns the name of the contact's first company.
func (c *leadCreator) contactCompanyName(ctx context.Context, icObj map[string]any) (string, error) {
	companies, _ := icObj["companies"].(map[string]any)
	data := objects(companies["data"])
	if len(data) == 0 {
		return "", nil
	}
	if name := str(data[0]["name"]); name != "" {
		return name, nil
	}
	company, err := c.icGetCompany(ctx, str(data[0]["id"]))
	if isIntercomGone(err) {
		return "", nil
	}
	return str(company["name"]), err
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
// running, unless its holder is known to have died; an older one to a
// process that died, and it is taken over like a failed or done one.
// release marks an attempt that created no Lead as failed (it leaves a
// completed intent alone).
func (c *leadCreator) leadIntent(ctx context.Context, intercomID string) (store.Intent, func(), error) {
	intent, created, err := c.store.ClaimIntent(ctx, store.ClaimIntentParams{
		Installation: c.cfg.Installation, Kind: "lead", Key: intercomID})
	if err != nil {
		return intent, nil, err
	}
	if !created {
		var ok bool
		if intent, ok, err = c.store.RetryIntent(ctx, intent.ID, 2*time.Minute); err != nil {
			return intent, nil, err
		} else if !ok {
			return intent, nil, tandem.Errorf(tandem.ECONFLICT, "A Lead is being created for Intercom contact %s right now; try again in a moment.", intercomID)
		}
	}
	return intent, func() {
		_, _ = c.store.FailIntent(context.WithoutCancel(ctx), intent.ID, "the attempt ended without creating a Lead")
	}, nil
}
