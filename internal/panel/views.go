package panel

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/intercom"
)

// maxListed is how many open Cases the cases view lists.
const maxListed = 25

// respond wraps components into a canvas remembering st.
func respond(st state, comps []intercom.Component) *intercom.CanvasResponse {
	stored := map[string]any{"view": st.View}
	if st.Opportunity != "" {
		stored["opportunity"] = st.Opportunity
	}
	return &intercom.CanvasResponse{Canvas: &intercom.Canvas{
		Content:    &intercom.CanvasContent{Components: comps},
		StoredData: stored,
	}}
}

// errorView says what went wrong in plain words, with a way to try again.
func errorView(st state, what string, err error) *intercom.CanvasResponse {
	return respond(st, []intercom.Component{
		intercom.TextComponent("", "**Salesforce**", "header"),
		intercom.TextComponent("error", what+" "+plain(err), "error"),
		intercom.ButtonComponent("retry", "Try again", "primary", intercom.SubmitAction()),
	})
}

// notice is a line shown above a view after an action.
type notice struct {
	text, linkLabel, url string
}

// home is the panel's main view: Contact, Account, Opportunities, or Lead,
// or Create Lead for a person not in Salesforce.
func (s *Service) home(ctx context.Context, p person, st state, msg string, ns ...notice) *intercom.CanvasResponse {
	st.View = viewHome
	recs, err := s.records(ctx, p)
	if err != nil {
		s.cfg.Log.Warn("panel lookup failed", "intercom_contact_id", p.intercomID, "err", err)
		return errorView(st, "Could not read this person's Salesforce records.", err)
	}
	base := s.instanceURL(ctx)
	var comps []intercom.Component
	for _, n := range ns {
		comps = append(comps, intercom.TextComponent("notice", n.text, "paragraph"))
		if n.url != "" {
			comps = append(comps, intercom.ButtonComponent("notice_open", n.linkLabel, "link", intercom.URLAction(n.url)))
		}
	}
	if msg != "" {
		comps = append(comps, intercom.TextComponent("message", msg, "error"))
	}
	switch {
	case recs.Contact != nil:
		comps = append(comps, contactComponents(recs, base)...)
		if recs.Account != nil {
			comps = append(comps, intercom.DividerComponent())
			comps = append(comps, accountComponents(recs.Account, base)...)
		}
		if len(recs.Opportunities) > 0 {
			comps = append(comps, intercom.DividerComponent())
			var sel []intercom.Component
			sel, st.Opportunity = opportunityComponents(recs.Opportunities, st.Opportunity, base)
			comps = append(comps, sel...)
		}
		comps = append(comps, intercom.DividerComponent())
		if s.cfg.UseCases != nil && s.cfg.UseCases.CasesEnabled() {
			comps = append(comps, intercom.ButtonComponent("new_case", "New Case", "primary", intercom.SubmitAction()))
		}
		comps = append(comps, intercom.ButtonComponent("log", "Log to Salesforce", "secondary", intercom.SubmitAction()))
	case recs.Lead != nil:
		comps = append(comps, leadComponents(recs.Lead, base)...)
		comps = append(comps, intercom.DividerComponent(),
			intercom.ButtonComponent("log", "Log to Salesforce", "secondary", intercom.SubmitAction()))
	default:
		name := p.name
		if name == "" {
			name = "This person"
		}
		comps = append(comps, intercom.TextComponent("", "**Salesforce**", "header"),
			intercom.TextComponent("not_found", name+" is not in Salesforce yet: no Contact or Lead has their email.", "paragraph"))
		if p.email == "" {
			comps = append(comps,
				intercom.Component{Type: "button", ID: "create_lead", Label: "Create Lead", Style: "primary", Action: intercom.SubmitAction(), Disabled: true},
				intercom.TextComponent("no_email", "A Lead needs an email address. Add one to this person in Intercom first.", "muted"))
		} else {
			comps = append(comps, intercom.ButtonComponent("create_lead", "Create Lead", "primary", intercom.SubmitAction()))
		}
	}
	return respond(st, comps)
}

func contactComponents(recs *Records, base string) []intercom.Component {
	c := recs.Contact
	comps := []intercom.Component{
		intercom.TextComponent("", "**Contact**", "header"),
		intercom.DataTableComponent(row("Name", c.Name), row("Email", c.Email), row("Owner", c.Owner)),
	}
	switch n := recs.OpenCaseCount; {
	case n == 0:
		comps = append(comps, intercom.TextComponent("open_cases", "No open cases", "muted"))
	case n > maxCases:
		comps = append(comps, intercom.ButtonComponent("show_cases", fmt.Sprintf("%d+ open cases", maxCases), "secondary", intercom.SubmitAction()))
	default:
		comps = append(comps, intercom.ButtonComponent("show_cases", plural(n, "open case", "open cases"), "secondary", intercom.SubmitAction()))
	}
	if base != "" {
		comps = append(comps, intercom.ButtonComponent("open_contact", "Open in Salesforce", "link", intercom.URLAction(recordURL(base, "Contact", c.ID))))
	}
	return comps
}

func accountComponents(a *Account, base string) []intercom.Component {
	comps := []intercom.Component{
		intercom.TextComponent("", "**Account**", "header"),
		intercom.DataTableComponent(row("Name", a.Name), row("Domain", domain(a.Website)), row("Owner", a.Owner), row("Country", a.Country)),
	}
	if base != "" {
		comps = append(comps, intercom.ButtonComponent("open_account", "Open in Salesforce", "link", intercom.URLAction(recordURL(base, "Account", a.ID))))
	}
	return comps
}

// opportunityComponents shows the selected Opportunity, with a switcher
// when there are several: a single-select up to ten, a list beyond (Canvas
// Kit allows at most ten options). It returns the selection it showed.
func opportunityComponents(opps []Opportunity, selected, base string) ([]intercom.Component, string) {
	cur := opps[0]
	for _, o := range opps {
		if o.ID == selected {
			cur = o
		}
	}
	comps := []intercom.Component{intercom.TextComponent("", "**"+plural(len(opps), "open Opportunity", "open Opportunities")+"**", "header")}
	switch {
	case len(opps) > 10:
		var items []intercom.ComponentItem
		for _, o := range opps {
			it := intercom.ListItem("opp-"+o.ID, o.Name, o.Stage, intercom.SubmitAction())
			if o.ID == cur.ID {
				it.Subtitle = "Shown below · " + o.Stage
			}
			items = append(items, it)
		}
		comps = append(comps, intercom.ListComponent(items...))
	case len(opps) > 1:
		var options []intercom.SelectOption
		for _, o := range opps {
			options = append(options, intercom.NewSelectOption(o.ID, o.Name))
		}
		sel := intercom.SingleSelectComponent("opportunity", "", cur.ID, options...)
		sel.Action = intercom.SubmitAction()
		comps = append(comps, sel)
	}
	rows := []intercom.ComponentItem{row("Name", cur.Name), row("Owner", cur.Owner), row("Stage", cur.Stage),
		row("Close date", closeDate(cur.CloseDate)), row("Amount", money(cur.Amount))}
	if cur.Role != "" {
		rows = append(rows, row("Contact's role", cur.Role))
	}
	comps = append(comps, intercom.DataTableComponent(rows...))
	if base != "" {
		comps = append(comps, intercom.ButtonComponent("open_opportunity", "Open in Salesforce", "link", intercom.URLAction(recordURL(base, "Opportunity", cur.ID))))
	}
	return comps, cur.ID
}

func leadComponents(l *Lead, base string) []intercom.Component {
	comps := []intercom.Component{
		intercom.TextComponent("", "**Lead**", "header"),
		intercom.DataTableComponent(row("Name", l.Name), row("Email", l.Email), row("Company", l.Company), row("Owner", l.Owner), row("Status", l.Status)),
	}
	if l.Converted {
		comps = append(comps, intercom.TextComponent("converted", "This Lead was converted in Salesforce.", "muted"))
	}
	if base != "" {
		comps = append(comps, intercom.ButtonComponent("open_lead", "Open in Salesforce", "link", intercom.URLAction(recordURL(base, "Lead", l.ID))))
	}
	return comps
}

// casesView lists the Contact's open Cases, each opening in Salesforce.
func (s *Service) casesView(ctx context.Context, p person, st state) *intercom.CanvasResponse {
	st.View = viewCases
	recs, err := s.records(ctx, p)
	if err != nil {
		return errorView(st, "Could not read the open cases.", err)
	}
	if recs.Contact == nil || len(recs.OpenCases) == 0 {
		return s.home(ctx, p, st, "")
	}
	base := s.instanceURL(ctx)
	comps := []intercom.Component{intercom.TextComponent("", "**"+plural(recs.OpenCaseCount, "open case", "open cases")+"** of "+recs.Contact.Name, "header")}
	var items []intercom.ComponentItem
	for i, c := range recs.OpenCases {
		if i == maxListed {
			break
		}
		it := intercom.ListItem("case-"+c.ID, c.Number+" · "+orDash(c.Subject), "Status: "+orDash(c.Status)+" · Priority: "+orDash(c.Priority), nil)
		if base != "" {
			it.Action = intercom.URLAction(recordURL(base, "Case", c.ID))
		}
		items = append(items, it)
	}
	comps = append(comps, intercom.ListComponent(items...))
	if more := recs.OpenCaseCount - min(len(recs.OpenCases), maxListed); more > 0 {
		comps = append(comps, intercom.TextComponent("more_cases", fmt.Sprintf("and %d more in Salesforce", more), "muted"))
	}
	comps = append(comps, intercom.ButtonComponent("back", "Back", "secondary", intercom.SubmitAction()))
	return respond(st, comps)
}

func row(field, value string) intercom.ComponentItem {
	return intercom.FieldValue(field, orDash(value))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// domain is a website without its scheme and path.
func domain(website string) string {
	d := strings.TrimSpace(website)
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	d, _, _ = strings.Cut(d, "/")
	return strings.TrimPrefix(d, "www.")
}

func closeDate(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("2 Jan 2006")
	}
	return s
}

// money formats an amount with thousands separators.
func money(f *float64) string {
	if f == nil {
		return ""
	}
	cents := int64(*f*100 + 0.5)
	whole, frac := cents/100, cents%100
	s := strconv.FormatInt(whole, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if frac != 0 {
		s += fmt.Sprintf(".%02d", frac)
	}
	return s
}
