package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

// FieldChoices are the fields and attributes the mapping table offers, from
// the schema the engine checked its mappings against.
type FieldChoices struct {
	// Intercom lists attribute names by data model ("contact", "company").
	Intercom map[string][]string
	// Salesforce lists field names by object ("Lead", "Contact", "Account").
	Salesforce map[string][]string
}

// settingField describes one input of the settings form.
type settingField struct {
	Key     string
	Label   string
	Kind    string // "bool", "text", "number", "select", "lines"
	Options []string
	Help    string
}

// settingSection is a fieldset of the settings form.
type settingSection struct {
	ID, Title, Help string
	Fields          []settingField
	Mappings        bool // the attribute mapping table goes here
}

// settingSections lay out every setting that can change at run time.
var settingSections = []settingSection{
	{ID: "ownership", Title: "Ownership", Help: "Keep Lead and Contact owners aligned with Intercom owners (teammates matched by email).", Fields: []settingField{
		{Key: "ownership.enabled", Label: "Maintain ownership", Kind: "bool"},
		{Key: "ownership.direction", Label: "Owner comes from", Kind: "select", Options: []string{"to_salesforce", "to_intercom"},
			Help: "to_salesforce: the Intercom owner wins; to_intercom: the Salesforce owner wins."},
		{Key: "ownership.fallback", Label: "Owner of a created Lead without a match", Kind: "select", Options: []string{"api_user", "assignment_rule"}},
		{Key: "ownership.on_first_link", Label: "First link", Kind: "select", Options: []string{"fill_blanks", "overwrite"}},
	}},
	{ID: "lead", Title: "Create Lead", Help: "Create Lead fills the Lead fields mapped towards Salesforce (see Attribute mappings); required fields still empty get the placeholder.", Fields: []settingField{
		{Key: "sync.placeholder", Label: "Placeholder", Kind: "text"},
	}},
	{ID: "mappings", Title: "Attribute mappings", Mappings: true,
		Help: "Each row copies one Intercom attribute to one Salesforce field, or back. Tick Remove to drop a row; fill the empty row to add one."},
	{ID: "cases", Title: "Cases", Help: "Salesforce Cases made from Intercom conversations.", Fields: []settingField{
		{Key: "cases.enabled", Label: "Cases on", Kind: "bool"},
		{Key: "cases.on_conversation_started", Label: "Create when a conversation starts", Kind: "bool"},
		{Key: "cases.on_conversation_closed", Label: "Create or refresh when it closes", Kind: "bool"},
		{Key: "cases.tag", Label: "Tag that asks for a Case", Kind: "text", Help: "- turns the tag trigger off."},
		{Key: "cases.note", Label: "Add a note with the Case number", Kind: "bool"},
		{Key: "cases.origin", Label: "Origin", Kind: "text"},
		{Key: "cases.priority", Label: "Priority map", Kind: "lines", Help: "One per line: intercom priority = Case Priority."},
		{Key: "cases.record_type", Label: "Record type", Kind: "text", Help: "DeveloperName or Id; empty: the integration user's default."},
		{Key: "cases.owner", Label: "Owner", Kind: "select", Options: []string{"assignment_rules", "integration_user", "teammate"}},
		{Key: "cases.external_id_field", Label: "External ID field", Kind: "text"},
		{Key: "cases.backstop_interval", Label: "Search for missed closes every", Kind: "text"},
		{Key: "cases.mappings", Label: "Conversation attribute mappings", Kind: "lines", Help: "One per line: conversation attribute = Case field."},
	}},
	{ID: "tasks", Title: "Tasks", Help: "Salesforce Tasks logging conversations.", Fields: []settingField{
		{Key: "tasks.enabled", Label: "Tasks on", Kind: "bool"},
		{Key: "tasks.on_conversation_started", Label: "A Task per conversation", Kind: "bool"},
		{Key: "tasks.tag", Label: "Tag that logs one part", Kind: "text", Help: "- turns the tag trigger off."},
		{Key: "tasks.type", Label: "Task Type", Kind: "text"},
		{Key: "tasks.external_id_field", Label: "External ID field", Kind: "text"},
	}},
	{ID: "budget", Title: "Budget and polling", Fields: []settingField{
		{Key: "budget.daily_salesforce_calls", Label: "Salesforce calls per 24 hours", Kind: "number", Help: "0 takes the org's daily limit."},
		{Key: "budget.bulk_share", Label: "Bulk work pauses at", Kind: "number", Help: "A share of the cap, such as 0.4."},
		{Key: "budget.event_share", Label: "Event sync pauses at", Kind: "number"},
		{Key: "sync.poll_interval", Label: "Poll Salesforce every", Kind: "text", Help: "A duration such as 60s or 5m."},
		{Key: "sync.reconcile_interval", Label: "Search Intercom for missed webhooks every", Kind: "text"},
	}},
}

// mappingRow is one row of the mapping table as the form holds it.
type mappingRow struct {
	Object, Intercom, Salesforce, Direction, OnFirstLink, Transform string
	SyncBlanks, Remove                                              bool
}

// settingsForm is the settings page's state: the values shown (saved or
// just submitted) and the problems found.
type settingsForm struct {
	Version  int64
	Values   map[string]string
	Checked  map[string]bool
	Rows     []mappingRow
	Problems map[string][]string // by key; "" for the general ones
	View     usecase.SettingsView
}

// formOf is the form of the saved settings.
func formOf(v usecase.SettingsView) settingsForm {
	f := settingsForm{Version: v.Version, Values: map[string]string{}, Checked: map[string]bool{}, View: v}
	for _, s := range v.Settings {
		switch s.Key {
		case "mappings":
			var ms []tandem.Mapping
			_ = json.Unmarshal(s.Value, &ms)
			for _, m := range ms {
				f.Rows = append(f.Rows, mappingRow{Object: string(m.Object), Intercom: m.Intercom, Salesforce: m.Salesforce,
					Direction: string(m.Direction), OnFirstLink: string(m.OnFirstLink), Transform: m.Transform, SyncBlanks: m.SyncBlanks})
			}
		case "cases.priority":
			var pm map[string]string
			_ = json.Unmarshal(s.Value, &pm)
			var lines []string
			for _, k := range sortedKeys(pm) {
				lines = append(lines, k+" = "+pm[k])
			}
			f.Values[s.Key] = strings.Join(lines, "\n")
		case "cases.mappings":
			var cms []struct{ Conversation, Salesforce string }
			_ = json.Unmarshal(s.Value, &cms)
			var lines []string
			for _, m := range cms {
				lines = append(lines, m.Conversation+" = "+m.Salesforce)
			}
			f.Values[s.Key] = strings.Join(lines, "\n")
		default:
			if s.Text == "true" || s.Text == "false" || s.Key == "cases.note" {
				f.Checked[s.Key] = s.Text == "true" || s.Key == "cases.note" && s.Text == ""
			}
			f.Values[s.Key] = s.Text
		}
	}
	return f
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// fieldKind returns the form kind of key.
func fieldKind(key string) string {
	for _, s := range settingSections {
		for _, f := range s.Fields {
			if f.Key == key {
				return f.Kind
			}
		}
	}
	return ""
}

// parseSettingsForm reads a submitted form: the change to save (only the
// keys the form sent) and the form to show again if it is refused.
func parseSettingsForm(r *http.Request, v usecase.SettingsView) (usecase.SettingsChange, settingsForm) {
	f := settingsForm{Values: map[string]string{}, Checked: map[string]bool{}, Problems: map[string][]string{}, View: v}
	f.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	ch := usecase.SettingsChange{Version: f.Version, Set: map[string]json.RawMessage{}}
	form := r.PostForm
	set := func(key string, val any) {
		b, _ := json.Marshal(val)
		ch.Set[key] = b
	}
	for _, s := range v.Settings {
		if s.Source == usecase.SettingConfigOnly {
			if form.Has(s.Key) {
				set(s.Key, form.Get(s.Key)) // refused by the use case, with its reason
			}
			continue
		}
		// A locked input is disabled, so the browser leaves it out; one
		// sent anyway is passed on, and refused.
		if !s.Editable && !form.Has(s.Key) && !(s.Key == "mappings" && form.Has("mappings.count")) {
			if s.Key != "mappings" {
				f.Values[s.Key], f.Checked[s.Key] = s.Text, s.Text == "true"
			} else {
				f.Rows = formOf(v).Rows
			}
			continue
		}
		switch kind := fieldKind(s.Key); {
		case s.Key == "mappings":
			ms := parseRows(form, &f)
			set(s.Key, ms)
		case kind == "bool":
			on := form.Get(s.Key) == "on"
			f.Checked[s.Key] = on
			set(s.Key, on)
		case s.Key == "cases.priority":
			text := form.Get(s.Key)
			f.Values[s.Key] = text
			pm := map[string]string{}
			for i, line := range lines(text) {
				k, val, ok := strings.Cut(line, "=")
				if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(val) == "" {
					f.Problems[s.Key] = append(f.Problems[s.Key], fmt.Sprintf("%s: line %d: write priority = Case Priority, such as urgent = High", s.Key, i+1))
					continue
				}
				pm[strings.TrimSpace(k)] = strings.TrimSpace(val)
			}
			set(s.Key, pm)
		case s.Key == "cases.mappings":
			text := form.Get(s.Key)
			f.Values[s.Key] = text
			cms := []map[string]string{}
			for i, line := range lines(text) {
				k, val, ok := strings.Cut(line, "=")
				if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(val) == "" {
					f.Problems[s.Key] = append(f.Problems[s.Key], fmt.Sprintf("%s: line %d: write conversation attribute = Case field, such as product_area = Product_Area__c", s.Key, i+1))
					continue
				}
				cms = append(cms, map[string]string{"conversation": strings.TrimSpace(k), "salesforce": strings.TrimSpace(val)})
			}
			set(s.Key, cms)
		case kind == "number":
			text := strings.TrimSpace(form.Get(s.Key))
			f.Values[s.Key] = text
			if n, err := strconv.ParseFloat(text, 64); err == nil {
				set(s.Key, json.Number(strconv.FormatFloat(n, 'f', -1, 64)))
			} else {
				set(s.Key, text) // refused with the setting's own message
			}
		default:
			text := strings.TrimSpace(form.Get(s.Key))
			f.Values[s.Key] = text
			set(s.Key, text)
		}
	}
	return ch, f
}

// parseRows reads the mapping table: rows ticked Remove and blank rows
// are left out.
func parseRows(form map[string][]string, f *settingsForm) []tandem.Mapping {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	n, _ := strconv.Atoi(get("mappings.count"))
	ms := []tandem.Mapping{}
	for i := range min(n, 1000) {
		p := fmt.Sprintf("m%d.", i)
		row := mappingRow{Object: get(p + "object"), Intercom: get(p + "intercom"), Salesforce: get(p + "salesforce"),
			Direction: get(p + "direction"), OnFirstLink: get(p + "on_first_link"), Transform: get(p + "transform"),
			SyncBlanks: get(p+"sync_blanks") == "on", Remove: get(p+"remove") == "on"}
		if row.Intercom == "" && row.Salesforce == "" {
			continue // the empty row, left empty
		}
		f.Rows = append(f.Rows, row)
		if row.Remove {
			continue
		}
		policy := tandem.FirstLinkPolicy(row.OnFirstLink)
		if policy == tandem.FillBlanks {
			policy = "" // the default, as the configuration file leaves it
		}
		ms = append(ms, tandem.Mapping{Object: tandem.Object(row.Object), Intercom: row.Intercom, Salesforce: row.Salesforce,
			Direction: tandem.Direction(row.Direction), OnFirstLink: policy,
			Transform: row.Transform, SyncBlanks: row.SyncBlanks})
	}
	return ms
}

// lines returns the non-blank lines of text.
func lines(text string) []string {
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// sourceText says where a setting's value comes from, as the page shows it.
func sourceText(s usecase.SettingView) string {
	switch s.Source {
	case usecase.SettingFile, usecase.SettingEnvironment:
		return "set in configuration (" + s.Source + ")"
	case usecase.SettingChanged:
		out := "changed in console"
		if s.By != "" {
			out += " by " + s.By
		}
		if !s.At.IsZero() {
			out += ", " + s.At.UTC().Format(time.DateTime) + " UTC"
		}
		return out
	case usecase.SettingConfigOnly:
		return "configuration only: change it in the file or the environment and restart"
	}
	return s.Source
}

// rowView is what the mapping row template receives.
type rowView struct {
	Index                         int
	Row                           mappingRow
	New, Lock                     bool
	Model, SObject                string // the datalists offered
	Objects, Directions, Policies []string
}

// rowOf builds a mapping row's view; row is a mappingRow, or nil for the
// empty row that adds a mapping.
func rowOf(i int, row any, lock bool, d map[string]any) rowView {
	v := rowView{Index: i, Lock: lock, Model: "all", SObject: "all"}
	v.Objects, _ = d["Objects"].([]string)
	v.Directions, _ = d["Directions"].([]string)
	v.Policies, _ = d["Policies"].([]string)
	r, ok := row.(mappingRow)
	if !ok {
		v.New = true
		return v
	}
	v.Row = r
	if o := tandem.Object(r.Object); o.Valid() {
		v.SObject = r.Object
		v.Model = "contact"
		if o == tandem.ObjectAccount {
			v.Model = "company"
		}
	}
	return v
}
