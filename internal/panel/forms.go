package panel

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/convo"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/usecase"
	"github.com/tandemhq/tandem/salesforce"
)

// caseFormFields are the Case fields the New Case form offers besides
// those Salesforce requires, in this order.
var caseFormFields = []string{"Subject", "Description", "Status", "Priority", "Origin", "Type", "Reason"}

// caseFieldsSet are the Case fields the bridge always sets itself.
var caseFieldsSet = []string{"ContactId", "AccountId", "OwnerId", "RecordTypeId"}

// formField is one field of a form.
type formField struct {
	name, label string
	required    bool
	kind        string // "input", "textarea", "dropdown" or "fixed"
	options     []salesforce.PicklistValue
	value       string
}

// caseFields builds the New Case form from Case describe (cached by the
// Salesforce client): the usual fields, then any other field Salesforce
// requires on create.
func (s *Service) caseFields(ctx context.Context) ([]formField, *salesforce.DescribeSObject, error) {
	d, _, err := s.cfg.Salesforce.SObjects.Describe(ctx, "Case")
	if err != nil {
		return nil, nil, err
	}
	skip := append(slices.Clone(caseFieldsSet), s.cfg.UseCases.CaseFormExclusions()...)
	var out []formField
	add := func(f *salesforce.Field) {
		if !f.Createable || f.AutoNumber || f.Calculated || f.Type == "reference" || f.Type == "boolean" || slices.Contains(skip, f.Name) {
			return
		}
		for _, have := range out {
			if have.name == f.Name {
				return
			}
		}
		// Subject is required here even where Salesforce lets it be empty: a
		// Case without one cannot be told apart in the cases list.
		ff := formField{name: f.Name, label: f.Label, required: f.RequiredOnCreate() || f.Name == "Subject", kind: "input"}
		switch f.Type {
		case "textarea":
			ff.kind = "textarea"
		case "picklist":
			for _, p := range f.PicklistValues {
				if p.Active {
					ff.options = append(ff.options, p)
					if p.DefaultValue {
						ff.value = p.Value
					}
				}
			}
			switch n := len(ff.options); {
			case n == 1:
				ff.kind, ff.value = "fixed", ff.options[0].Value
			case n >= 2 && n <= 10:
				ff.kind = "dropdown"
			}
		}
		out = append(out, ff)
	}
	for _, name := range caseFormFields {
		if f, ok := d.Field(name); ok {
			add(f)
		}
	}
	for i := range d.Fields {
		if d.Fields[i].RequiredOnCreate() {
			add(&d.Fields[i])
		}
	}
	return out, d, nil
}

// recordTypes are the Case record types a teammate may pick (not the
// master), and the one preselected.
func (s *Service) recordTypes(d *salesforce.DescribeSObject) ([]salesforce.RecordTypeInfo, string) {
	var out []salesforce.RecordTypeInfo
	def := s.cfg.UseCases.CaseRecordTypeID()
	for _, rt := range d.RecordTypeInfos {
		if rt.Master || !rt.Available {
			continue
		}
		out = append(out, rt)
		if def == "" && rt.DefaultRecordTypeMapping {
			def = rt.RecordTypeID
		}
	}
	if def == "" && len(out) > 0 {
		def = out[0].RecordTypeID
	}
	return out, def
}

// caseForm is the New Case form. values are what the teammate entered
// (nil: the defaults); msg an error to show above it.
func (s *Service) caseForm(ctx context.Context, r *Request, p person, st state, values map[string]any, msg string) *intercom.CanvasResponse {
	st.View = viewCaseForm
	if s.cfg.UseCases == nil || !s.cfg.UseCases.CasesEnabled() {
		return s.home(ctx, p, st, "Cases are not enabled in this installation.")
	}
	recs, err := s.records(ctx, p)
	if err != nil {
		return errorView(st, "Could not read this person's Salesforce records.", err)
	}
	if recs.Contact == nil {
		return s.home(ctx, p, st, "A Case needs a Salesforce Contact, and this person is not one.")
	}
	fields, d, err := s.caseFields(ctx)
	if err != nil {
		return errorView(st, "Could not read the Case fields from Salesforce.", err)
	}
	comps := []intercom.Component{
		intercom.TextComponent("", "**New Case** for "+recs.Contact.Name, "header"),
		intercom.TextComponent("owner", s.cfg.UseCases.CaseOwnerDescription(), "muted"),
	}
	if msg != "" {
		comps = append(comps, intercom.TextComponent("form_error", msg, "error"))
	}
	if rts, def := s.recordTypes(d); len(rts) >= 2 && len(rts) <= 10 {
		var opts []intercom.SelectOption
		for _, rt := range rts {
			opts = append(opts, intercom.NewSelectOption(rt.RecordTypeID, rt.Name))
		}
		if v, ok := values["record_type"].(string); ok && v != "" {
			def = v
		}
		comps = append(comps, intercom.DropdownComponent("record_type", "Record type", def, opts...))
	} else if len(rts) == 1 {
		comps = append(comps, intercom.DataTableComponent(row("Record type", rts[0].Name)))
	}
	subject := ""
	if r.Conversation != nil {
		// Canvas Kit requests carry message bodies as HTML.
		conv := *r.Conversation
		if conv.Source != nil {
			src := *conv.Source
			src.Body, src.Subject = plainText(src.Body), plainText(src.Subject)
			conv.Source = &src
		}
		conv.Parts = nil
		subject = convo.Subject(&conv, 255)
	}
	missing := values != nil
	for _, f := range fields {
		v := f.value
		if f.name == "Subject" && subject != "" {
			v = subject
		}
		if values != nil {
			v, _ = values["f_"+f.name].(string)
		}
		label := f.label
		if f.required {
			label += " *"
		}
		empty := missing && f.required && strings.TrimSpace(v) == ""
		switch f.kind {
		case "textarea":
			c := intercom.Component{Type: "textarea", ID: "f_" + f.name, Label: label, Error: empty}
			if f.name == "Description" {
				c.Placeholder = "Empty: the conversation's transcript"
			}
			if v != "" {
				c.Value = v
			}
			comps = append(comps, c)
		case "dropdown":
			var opts []intercom.SelectOption
			for _, o := range f.options {
				opts = append(opts, intercom.NewSelectOption(o.Value, o.Label))
			}
			comps = append(comps, intercom.DropdownComponent("f_"+f.name, label, v, opts...))
		case "fixed":
			comps = append(comps, intercom.DataTableComponent(row(f.label, v)))
		default:
			c := intercom.InputComponent("f_"+f.name, label, "", v)
			if empty {
				c.SaveState = "failed"
			}
			comps = append(comps, c)
		}
	}
	comps = append(comps,
		intercom.TextComponent("required_note", "* required", "muted"),
		intercom.ButtonComponent("case_submit", "Create Case", "primary", intercom.SubmitAction()),
		intercom.ButtonComponent("back", "Cancel", "secondary", intercom.SubmitAction()))
	return respond(st, comps)
}

// submitCase checks the New Case form and creates the Case.
func (s *Service) submitCase(ctx context.Context, r *Request, p person, st state) *intercom.CanvasResponse {
	if s.cfg.UseCases == nil || !s.cfg.UseCases.CasesEnabled() {
		return s.home(ctx, p, st, "Cases are not enabled in this installation.")
	}
	fields, d, err := s.caseFields(ctx)
	if err != nil {
		return errorView(st, "Could not read the Case fields from Salesforce.", err)
	}
	values := r.InputValues
	if values == nil {
		values = map[string]any{}
	}
	out := map[string]any{}
	var missing []string
	for _, f := range fields {
		v, _ := values["f_"+f.name].(string)
		if f.kind == "fixed" {
			v = f.value
		}
		v = strings.TrimSpace(v)
		if v == "" {
			if f.required {
				missing = append(missing, f.label)
			}
			continue
		}
		out[f.name] = v
	}
	if len(missing) > 0 {
		return s.caseForm(ctx, r, p, st, values, "Fill in the required fields: "+strings.Join(missing, ", ")+".")
	}
	if rts, _ := s.recordTypes(d); len(rts) > 0 {
		if v, _ := values["record_type"].(string); v != "" {
			out["RecordTypeId"] = v
		}
	}
	res, err := s.cfg.UseCases.CaseFromForm(ctx, usecase.CaseFromFormParams{ConversationID: conversationID(r), Fields: out})
	s.Forget(p.intercomID)
	if err != nil {
		s.cfg.Log.Warn("panel: new case failed", "conversation_id", conversationID(r), "err", err)
		return s.caseForm(ctx, r, p, st, values, "The Case was not created. "+plain(err)+" Change the form and try again.")
	}
	n := notice{text: fmt.Sprintf("Case %s created. A note with its link was added to the conversation.", res.CaseNumber),
		linkLabel: "Open Case " + res.CaseNumber, url: res.URL}
	if !res.Created {
		n.text = fmt.Sprintf("This conversation already has Case %s; no second Case was made.", res.CaseNumber)
	}
	return s.home(ctx, p, state{Opportunity: st.Opportunity}, "", n)
}

// leadFields are the Create Lead form's fields, prefilled from the
// Intercom contact: name, email, company, then the attributes mapped to
// Lead fields.
func (s *Service) leadFields(ctx context.Context, p person) ([]formField, error) {
	d, _, err := s.cfg.Salesforce.SObjects.Describe(ctx, "Lead")
	if err != nil {
		return nil, err
	}
	first, last := mapping.NameToFields(p.name)
	company := ""
	if cs, ok := p.attrs["companies"].(map[string]any); ok {
		if list, ok := cs["data"].([]any); ok && len(list) > 0 {
			if c, ok := list[0].(map[string]any); ok {
				company, _ = c["name"].(string)
			}
		}
	}
	var out []formField
	add := func(name, value string) {
		f, ok := d.Field(name)
		if !ok || !f.Createable || slices.ContainsFunc(out, func(x formField) bool { return x.name == f.Name }) {
			return
		}
		out = append(out, formField{name: f.Name, label: f.Label, required: f.RequiredOnCreate() || f.Name == "Email", kind: "input", value: value})
	}
	add("FirstName", first)
	add("LastName", last)
	add("Email", p.email)
	add("Company", company)
	for _, m := range *s.mappings.Load() {
		if m.Object != tandem.ObjectLead || m.Direction != tandem.ToSalesforce || strings.Contains(m.Salesforce, ".") {
			continue
		}
		ic, _ := mapping.Resolve(m)
		v, _ := mapping.IntercomValue(p.attrs, ic)
		s := ""
		if v != nil {
			s = fmt.Sprint(v)
		}
		add(m.Salesforce, s)
	}
	return out, nil
}

// leadForm is the Create Lead form.
func (s *Service) leadForm(ctx context.Context, p person, st state, values map[string]any, msg string) *intercom.CanvasResponse {
	st.View = viewLeadForm
	if p.email == "" {
		return s.home(ctx, p, st, "A Lead needs an email address. Add one to this person in Intercom first.")
	}
	fields, err := s.leadFields(ctx, p)
	if err != nil {
		return errorView(st, "Could not read the Lead fields from Salesforce.", err)
	}
	comps := []intercom.Component{intercom.TextComponent("", "**Create Lead**", "header"),
		intercom.TextComponent("lead_help", "Prefilled from Intercom; edit before sending. Required fields left empty get a placeholder.", "muted")}
	if msg != "" {
		comps = append(comps, intercom.TextComponent("form_error", msg, "error"))
	}
	for _, f := range fields {
		v := f.value
		if values != nil {
			v, _ = values["f_"+f.name].(string)
		}
		label := f.label
		if f.required {
			label += " *"
		}
		comps = append(comps, intercom.InputComponent("f_"+f.name, label, "", v))
	}
	comps = append(comps,
		intercom.ButtonComponent("lead_submit", "Send to Salesforce", "primary", intercom.SubmitAction()),
		intercom.ButtonComponent("back", "Cancel", "secondary", intercom.SubmitAction()))
	return respond(st, comps)
}

// submitLead sends the person to Salesforce as a Lead through the Create
// Lead use case, with the fields the teammate changed as edits.
func (s *Service) submitLead(ctx context.Context, r *Request, p person, st state) *intercom.CanvasResponse {
	fields, err := s.leadFields(ctx, p)
	if err != nil {
		return errorView(st, "Could not read the Lead fields from Salesforce.", err)
	}
	values := r.InputValues
	if values == nil {
		values = map[string]any{}
	}
	edits := map[string]any{}
	for _, f := range fields {
		v, _ := values["f_"+f.name].(string)
		v = strings.TrimSpace(v)
		if f.name == "Email" && v == "" {
			return s.leadForm(ctx, p, st, values, "A Lead needs an email address.")
		}
		if v != "" && v != f.value {
			edits[f.name] = v
		}
	}
	res, err := s.cfg.UseCases.CreateLead(ctx, usecase.CreateLeadParams{IntercomContactID: p.intercomID, Fields: edits})
	s.Forget(p.intercomID)
	if err != nil {
		s.cfg.Log.Warn("panel: create lead failed", "intercom_contact_id", p.intercomID, "err", err)
		return s.leadForm(ctx, p, st, values, "The Lead was not created. "+plain(err))
	}
	text := "Lead created in Salesforce."
	if !res.Created {
		text = "This person was already in Salesforce; they are linked now."
	}
	return s.home(ctx, p, state{}, "", notice{text: text})
}

// maxLogParts is how many recent messages and notes Log to Salesforce
// offers.
const maxLogParts = 10

// logView lists the conversation's recent messages and notes; a click logs
// one as a Salesforce Task.
func (s *Service) logView(ctx context.Context, r *Request, p person, st state, msg string) *intercom.CanvasResponse {
	st.View = viewLog
	id := conversationID(r)
	conv, _, err := s.cfg.Intercom.Conversations.Get(ctx, id, &intercom.GetConversationOptions{DisplayAs: "plaintext"})
	if err != nil {
		return respond(st, []intercom.Component{
			intercom.TextComponent("error", "Could not read the conversation from Intercom: "+err.Error(), "error"),
			intercom.ButtonComponent("log", "Try again", "primary", intercom.SubmitAction()),
			intercom.ButtonComponent("back", "Back", "secondary", intercom.SubmitAction())})
	}
	comps := []intercom.Component{intercom.TextComponent("", "**Log to Salesforce**", "header"),
		intercom.TextComponent("log_help", "Pick a message or note to log as a completed Task.", "muted")}
	if msg != "" {
		comps = append(comps, intercom.TextComponent("log_error", msg, "error"))
	}
	var items []intercom.ComponentItem
	if conv.Parts != nil {
		parts := conv.Parts.Parts
		for i := len(parts) - 1; i >= 0 && len(items) < maxLogParts; i-- {
			pt := parts[i]
			if (pt.PartType != "comment" && pt.PartType != "note") || pt.Redacted || pt.AppPackageCode == convo.AppPackageCode {
				continue
			}
			body := convo.Trim(pt.Body, 90)
			if body == "" {
				continue
			}
			who := "unknown"
			if pt.Author != nil {
				who = orDash(pt.Author.Name)
			}
			kind := "Message"
			if pt.PartType == "note" {
				kind = "Note"
			}
			title := fmt.Sprintf("%s · %s · %s", kind, who, time.Unix(pt.CreatedAt, 0).UTC().Format("2 Jan 15:04"))
			items = append(items, intercom.ListItem("log-"+string(pt.ID), title, body, intercom.SubmitAction()))
		}
	}
	if len(items) < maxLogParts && conv.Source != nil && !conv.Source.Redacted && conv.Source.ID != "" {
		if body := convo.Trim(conv.Source.Body, 90); body != "" {
			who := "unknown"
			if conv.Source.Author != nil {
				who = orDash(conv.Source.Author.Name)
			}
			items = append(items, intercom.ListItem("log-"+conv.Source.ID, "Message · "+who+" · "+time.Unix(conv.CreatedAt, 0).UTC().Format("2 Jan 15:04"),
				body, intercom.SubmitAction()))
		}
	}
	if len(items) == 0 {
		comps = append(comps, intercom.TextComponent("log_empty", "This conversation has no messages or notes to log yet.", "muted"))
	} else {
		comps = append(comps, intercom.ListComponent(items...))
	}
	comps = append(comps, intercom.ButtonComponent("back", "Back", "secondary", intercom.SubmitAction()))
	return respond(st, comps)
}

// logPart logs one part as a Task through the Tasks use case.
func (s *Service) logPart(ctx context.Context, r *Request, p person, st state, partID string) *intercom.CanvasResponse {
	res, err := s.cfg.UseCases.LogConversationPartAsTask(ctx, usecase.LogPartParams{ConversationID: conversationID(r), PartID: partID})
	s.Forget(p.intercomID)
	if err != nil {
		return s.logView(ctx, r, p, st, "Not logged. "+plain(err))
	}
	n := notice{text: "Logged to Salesforce as a completed Task."}
	if base := s.instanceURL(ctx); base != "" && res.TaskID != "" {
		n.linkLabel, n.url = "Open Task", recordURL(base, "Task", res.TaskID)
	}
	return s.home(ctx, p, state{Opportunity: st.Opportunity}, "", n)
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainText turns a message body's HTML into text.
func plainText(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n").Replace(s)
	return strings.TrimSpace(html.UnescapeString(tags.ReplaceAllString(s, "")))
}

// conversationID is the conversation the request is about.
func conversationID(r *Request) string {
	if r.Context != nil && r.Context.ConversationID != "" {
		return string(r.Context.ConversationID)
	}
	if r.Conversation != nil {
		return r.Conversation.ID
	}
	return ""
}
