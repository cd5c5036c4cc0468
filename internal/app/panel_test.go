package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/panel"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// panelEnv is a demo with the inbox conversations, Cases on (manual only)
// and the people linked.
type panelEnv struct {
	*app.Demo
	t     *testing.T
	admin string
}

func startPanel(t *testing.T) *panelEnv {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: 200 * time.Millisecond, Seed: true, Inbox: true, Cases: true,
		Ownership: true, NoWebhooks: true, Options: app.Options{River: testQueue},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	e := &panelEnv{Demo: d, t: t, admin: d.Intercom.Admins()[0]["id"].(string)}
	// New Case needs the person linked to their Contact; the first polls
	// make the links.
	for _, email := range []string{sfsim.SeedTwoOpportunitiesEmail, sfsim.SeedSingleOpportunityEmail} {
		e.waitLinked(email)
	}
	return e
}

func (e *panelEnv) waitLinked(email string) {
	e.t.Helper()
	var id string
	for _, c := range e.Intercom.Contacts() {
		if c["email"] == email {
			id = c["id"].(string)
		}
	}
	require.NotEmpty(e.t, id, email)
	require.Eventually(e.t, func() bool {
		_, err := e.App.Store.LinkByIntercomID(context.Background(), tandem.DefaultInstallation, tandem.ObjectContact, id)
		return err == nil
	}, 20*time.Second, 50*time.Millisecond, "link of %s", email)
}

// canvas decodes and validates a canvas the simulator got from the app.
func canvasOf(t *testing.T, raw json.RawMessage) *intercom.CanvasResponse {
	t.Helper()
	var c intercom.Canvas
	require.NoError(t, json.Unmarshal(raw, &c))
	resp := &intercom.CanvasResponse{Canvas: &c}
	require.NoError(t, panel.ValidateCanvas(resp))
	return resp
}

func (e *panelEnv) initialize(convID string) *intercom.CanvasResponse {
	e.t.Helper()
	raw, err := e.Intercom.CanvasInitialize(context.Background(), e.URL+"/intercom/canvas/initialize", convID, e.admin)
	require.NoError(e.t, err)
	return canvasOf(e.t, raw)
}

func (e *panelEnv) submit(convID string, cur *intercom.CanvasResponse, component string, inputs map[string]any) *intercom.CanvasResponse {
	e.t.Helper()
	prev, err := json.Marshal(cur.Canvas)
	require.NoError(e.t, err)
	raw, err := e.Intercom.CanvasSubmit(context.Background(), e.URL+"/intercom/canvas/submit", convID, e.admin, component, inputs, prev)
	require.NoError(e.t, err)
	return canvasOf(e.t, raw)
}

// find returns the component with the given id.
func find(t *testing.T, c *intercom.CanvasResponse, id string) intercom.Component {
	t.Helper()
	for _, comp := range c.Canvas.Content.Components {
		if comp.ID == id {
			return comp
		}
	}
	require.Failf(t, "no component", "%s in %s", id, text(c))
	return intercom.Component{}
}

// text is everything a canvas shows, for assertions.
func text(c *intercom.CanvasResponse) string {
	var b strings.Builder
	for _, comp := range c.Canvas.Content.Components {
		b.WriteString(comp.Text + comp.Label + "|")
		for _, it := range comp.Items {
			b.WriteString(it.Field + "=" + it.Value + " " + it.Title + " " + it.Subtitle + "|")
		}
		for _, o := range comp.Options {
			b.WriteString(o.Text + "|")
		}
	}
	return b.String()
}

func TestPanelContactOpportunitiesAndCases(t *testing.T) {
	t.Parallel()
	e := startPanel(t)
	theo := e.InboxConversations[sfsim.SeedTwoOpportunitiesEmail]

	c := e.initialize(theo)
	s := text(c)
	require.Contains(t, s, "Theo Double")
	require.Contains(t, s, "Owner=Priya Natarajan")
	require.Contains(t, s, "Domain=northwind.example")
	require.Contains(t, s, "Country=United Kingdom")
	require.Contains(t, s, "No open cases")
	sel := find(t, c, "opportunity")
	require.Equal(t, "single-select", sel.Type)
	require.Len(t, sel.Options, 2)
	require.Equal(t, "submit", sel.Action.Type)
	require.Contains(t, s, "Name=Northwind platform expansion")
	require.Contains(t, s, "Contact's role=Technical Buyer")
	require.Contains(t, find(t, c, "open_contact").Action.URL, "/lightning/r/Contact/")

	// Switch to the other Opportunity.
	other := sel.Options[1].ID
	c = e.submit(theo, c, "opportunity", map[string]any{"opportunity": other})
	s = text(c)
	require.Contains(t, s, "Name=Northwind support add-on")
	require.Contains(t, s, "Amount=9,600")
	require.Contains(t, s, "Contact's role=Economic Buyer")
	require.Equal(t, other, c.Canvas.StoredData["opportunity"])
	require.Contains(t, find(t, c, "open_opportunity").Action.URL, "/lightning/r/Opportunity/"+other+"/view")

	// Nora's open case opens the list, each Case opening in Salesforce.
	nora := e.InboxConversations[sfsim.SeedSingleOpportunityEmail]
	c = e.initialize(nora)
	require.Equal(t, "1 open case", find(t, c, "show_cases").Label)
	c = e.submit(nora, c, "show_cases", nil)
	require.Equal(t, "cases", c.Canvas.StoredData["view"])
	list := c.Canvas.Content.Components[1]
	require.Equal(t, "list", list.Type)
	require.Len(t, list.Items, 1)
	require.Contains(t, list.Items[0].Title, "Invoice shows the wrong VAT rate")
	require.Contains(t, list.Items[0].Subtitle, "Status: Working · Priority: High")
	require.Equal(t, "url", list.Items[0].Action.Type)
	require.Contains(t, list.Items[0].Action.URL, "/lightning/r/Case/")
	c = e.submit(nora, c, "back", nil)
	require.Equal(t, "home", c.Canvas.StoredData["view"])
}

func TestPanelNewCase(t *testing.T) {
	t.Parallel()
	e := startPanel(t)
	theo := e.InboxConversations[sfsim.SeedTwoOpportunitiesEmail]
	c := e.initialize(theo)
	c = e.submit(theo, c, "new_case", nil)
	require.Equal(t, "case_form", c.Canvas.StoredData["view"])
	s := text(c)
	require.Contains(t, s, "Salesforce's Case assignment rules choose the owner.")
	require.Equal(t, "Can we add SSO to our plan?", find(t, c, "f_Subject").Value)
	require.Equal(t, "dropdown", find(t, c, "f_Priority").Type)
	require.Equal(t, "dropdown", find(t, c, "record_type").Type)
	require.NotContains(t, s, "Intercom Conversation Id", "the External ID field is the bridge's")

	// A required field left empty is refused before Salesforce sees it.
	c = e.submit(theo, c, "case_submit", map[string]any{"f_Subject": " "})
	require.Contains(t, text(c), "Fill in the required fields: Subject")
	for _, k := range e.Salesforce.All("Case") {
		require.NotEqual(t, theo, k["Intercom_Conversation_Id__c"])
	}

	// A validation rule's message comes back in the form, which can be sent again.
	e.Salesforce.AddValidationRule("Case", func(rec map[string]any) (string, string, bool) {
		if rec["Priority"] == "Low" && rec["Intercom_Conversation_Id__c"] != nil {
			return "Low priority cases need a product area.", "Priority", false
		}
		return "", "", true
	})
	in := map[string]any{"f_Subject": "SSO for Northwind", "f_Priority": "Low", "f_Description": "Wants SAML."}
	c = e.submit(theo, c, "case_submit", in)
	require.Contains(t, text(c), "Low priority cases need a product area.")
	require.Equal(t, "case_form", c.Canvas.StoredData["view"])
	require.Equal(t, "SSO for Northwind", find(t, c, "f_Subject").Value, "the form keeps what was typed")

	in["f_Priority"] = "High"
	c = e.submit(theo, c, "case_submit", in)
	require.Equal(t, "home", c.Canvas.StoredData["view"])
	var made map[string]any
	for _, k := range e.Salesforce.All("Case") {
		if k["Intercom_Conversation_Id__c"] == theo {
			made = k
		}
	}
	require.NotNil(t, made)
	require.Equal(t, "SSO for Northwind", made["Subject"])
	require.Equal(t, "High", made["Priority"])
	require.Equal(t, "Wants SAML.", made["Description"])
	s = text(c)
	require.Contains(t, s, "Case "+made["CaseNumber"].(string)+" created")
	require.Contains(t, s, "1 open case", "the cache was dropped after the action")
	require.Contains(t, find(t, c, "notice_open").Action.URL, "/lightning/r/Case/"+made["Id"].(string)+"/view")
	conv, ok := e.Intercom.Conversation(theo)
	require.True(t, ok)
	b, _ := json.Marshal(conv)
	require.Contains(t, string(b), "Salesforce Case "+made["CaseNumber"].(string))

	// A second New Case does not make a second Case.
	c = e.submit(theo, c, "case_submit", in)
	require.Contains(t, text(c), "already has Case "+made["CaseNumber"].(string))
}

func TestPanelCreateLead(t *testing.T) {
	t.Parallel()
	e := startPanel(t)
	const email = "sophie.boyd@prospect8.example.com"
	conv := e.InboxConversations[email]
	c := e.initialize(conv)
	require.Contains(t, text(c), "not in Salesforce")
	c = e.submit(conv, c, "create_lead", nil)
	require.Equal(t, "lead_form", c.Canvas.StoredData["view"])
	require.Equal(t, "Sophie", find(t, c, "f_FirstName").Value)
	require.Equal(t, "Boyd", find(t, c, "f_LastName").Value)
	require.Equal(t, email, find(t, c, "f_Email").Value)
	c = e.submit(conv, c, "lead_submit", map[string]any{"f_FirstName": "Sophie", "f_LastName": "Boyd", "f_Email": email, "f_Company": "Boyd & Daughters"})
	s := text(c)
	require.Contains(t, s, "Lead created in Salesforce.")
	require.Contains(t, s, "Company=Boyd & Daughters")
	var lead map[string]any
	for _, l := range e.Salesforce.All("Lead") {
		if l["Email"] == email {
			lead = l
		}
	}
	require.NotNil(t, lead)
	require.Equal(t, "Boyd & Daughters", lead["Company"])

	// Without an email, Create Lead is disabled and says why.
	c = e.initialize(e.InboxConversations["visitor"])
	require.True(t, find(t, c, "create_lead").Disabled)
	require.Contains(t, text(c), "needs an email address")
}

func TestPanelLogAndErrors(t *testing.T) {
	t.Parallel()
	e := startPanel(t)
	theo := e.InboxConversations[sfsim.SeedTwoOpportunitiesEmail]
	c := e.initialize(theo)
	c = e.submit(theo, c, "log", nil)
	require.Equal(t, "log", c.Canvas.StoredData["view"])
	var list intercom.Component
	for _, comp := range c.Canvas.Content.Components {
		if comp.Type == "list" {
			list = comp
		}
	}
	require.GreaterOrEqual(t, len(list.Items), 3, "the message, the reply and the note")
	require.Contains(t, list.Items[0].Title, "Note")
	partID := strings.TrimPrefix(list.Items[0].ID, "log-")
	c = e.submit(theo, c, list.Items[0].ID, nil)
	require.Contains(t, text(c), "Logged to Salesforce as a completed Task.")
	var task map[string]any
	for _, k := range e.Salesforce.All("Task") {
		if k["Intercom_Conversation_Id__c"] == theo+"#"+partID {
			task = k
		}
	}
	require.NotNil(t, task, "the Task is in Salesforce")
	require.Contains(t, find(t, c, "notice_open").Action.URL, "/lightning/r/Task/"+task["Id"].(string)+"/view")

	// Salesforce down: plain words and a retry, never an empty panel.
	nora := e.InboxConversations[sfsim.SeedSingleOpportunityEmail]
	e.Salesforce.Faults().SetFailRate(1, sfsim.Fault503)
	c = e.initialize(nora)
	e.Salesforce.Faults().Reset()
	s := text(c)
	require.Contains(t, s, "Salesforce is not answering right now")
	require.Equal(t, "Try again", find(t, c, "retry").Label)
	c = e.submit(nora, c, "retry", nil)
	require.Contains(t, text(c), "Nora Single")
}

// signed posts body to the panel with a signature made with secret.
func (e *panelEnv) signed(path, secret string, body []byte) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, bytes.NewReader(body))
	require.NoError(e.t, err)
	if secret != "" {
		req.Header.Set(intercom.CanvasSignatureHeader, intercom.SignCanvasBody(body, secret))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestPanelSignatureAndShapes(t *testing.T) {
	t.Parallel()
	e := startPanel(t)
	var contactID string
	for _, c := range e.Intercom.Contacts() {
		if c["email"] == "sophie.boyd@prospect8.example.com" {
			contactID = c["id"].(string)
		}
	}
	conv := e.InboxConversations["sophie.boyd@prospect8.example.com"]
	// The older "customer" key and a bare current_canvas.
	submit := []byte(`{"workspace_id":"tandemsim","component_id":"lead_submit","context":{"conversation_id":` + conv + `},
		"customer":{"type":"contact","id":"` + contactID + `","role":"lead","email":"sophie.boyd@prospect8.example.com","name":"Sophie Boyd"},
		"input_values":{"f_Email":"sophie.boyd@prospect8.example.com"},
		"current_canvas":{"content":{"components":[{"type":"text","text":"x"}]},"stored_data":{"view":"lead_form"}}}`)

	for _, secret := range []string{"", "wrong"} {
		status, body := e.signed("/intercom/canvas/submit", secret, submit)
		require.Equal(t, http.StatusUnauthorized, status, string(body))
		status, _ = e.signed("/intercom/canvas/initialize", secret, submit)
		require.Equal(t, http.StatusUnauthorized, status)
	}
	for _, l := range e.Salesforce.All("Lead") {
		require.NotEqual(t, "sophie.boyd@prospect8.example.com", l["Email"], "an unsigned submit has no effect")
	}

	status, body := e.signed("/intercom/canvas/submit", app.DemoToken, submit)
	require.Equal(t, http.StatusOK, status, string(body))
	var resp intercom.CanvasResponse
	require.NoError(t, json.Unmarshal(body, &resp))
	require.NoError(t, panel.ValidateCanvas(&resp))
	require.Contains(t, text(&resp), "Lead created in Salesforce.")

	// The wrapped current_canvas (as Intercom's submit schema has it)
	// carries stored_data too.
	wrapped := []byte(`{"component_id":"opportunity","contact":{"id":"x1","email":"theo.double@northwind.example","role":"user"},
		"input_values":{"opportunity":"none"},"current_canvas":{"current_canvas":{"content":{"components":[]},"stored_data":{"view":"home","opportunity":"kept"}}}}`)
	status, body = e.signed("/intercom/canvas/submit", app.DemoToken, wrapped)
	require.Equal(t, http.StatusOK, status, string(body))
	resp = intercom.CanvasResponse{}
	require.NoError(t, json.Unmarshal(body, &resp))
	require.NoError(t, panel.ValidateCanvas(&resp))
	require.Contains(t, text(&resp), "Theo Double")
}
