package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tasks"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// taskEnv is a demo with Tasks on, a teammate known to both systems and a
// record of every Task event.
type taskEnv struct {
	*env
	adminID string // Intercom admin with a Salesforce user
	userID  string // that Salesforce user
	strayID string // Intercom admin without a Salesforce user
	mu      sync.Mutex
	events  []tasks.Event
	counter atomic.Int64
}

func startTaskEnv(t *testing.T, dbURL string, configure func(*config.Config)) *taskEnv {
	t.Helper()
	te := &taskEnv{}
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: time.Hour,
		Options: app.Options{NoPeriodic: true, River: testQueue, OnTask: func(e tasks.Event) {
			te.mu.Lock()
			te.events = append(te.events, e)
			te.mu.Unlock()
		}},
		Configure: configure,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	te.env = &env{t: t, Demo: d}
	te.adminID = d.Intercom.AddAdmin("Priya Natarajan", "priya.natarajan@support.example")
	te.userID = d.Salesforce.AddUser("Priya Natarajan", "priya.natarajan@support.example")
	te.strayID = d.Intercom.AddAdmin("Sam Nobody", "sam@elsewhere.example")
	d.Intercom.AddCustomAction(intercomsim.CustomAction{Name: "log-task", URL: d.URL + "/intercom/actions/tasks", Token: app.DemoToken})
	return te
}

// unique returns a name no other test of this env uses.
func (te *taskEnv) unique(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, te.counter.Add(1))
}

// contact makes a Salesforce Contact and the Intercom user with its email,
// and waits for their link.
func (te *taskEnv) contact(name string) (icID, sfID string) {
	t := te.t
	email := strings.ToLower(name) + "@customer.example"
	sfID, err := te.Salesforce.Insert("Contact", map[string]any{"LastName": name, "Email": email})
	require.NoError(t, err)
	icID, err = te.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Name: name})
	require.NoError(t, err)
	te.linked(tandem.ObjectContact, icID)
	return icID, sfID
}

// opportunity makes an Opportunity in the given stage with a contact role
// for contactID.
func (te *taskEnv) opportunity(contactID, name, stage string) string {
	t := te.t
	id, err := te.Salesforce.Insert("Opportunity", map[string]any{"Name": name, "StageName": stage,
		"CloseDate": time.Now().AddDate(0, 1, 0).Format("2006-01-02")})
	require.NoError(t, err)
	_, err = te.Salesforce.Insert("OpportunityContactRole", map[string]any{"OpportunityId": id, "ContactId": contactID, "Role": "Decision Maker"})
	require.NoError(t, err)
	return id
}

// tasksOf returns the Tasks whose WhoId is who.
func (te *taskEnv) tasksOf(who string) []map[string]any {
	var out []map[string]any
	for _, r := range te.Salesforce.All("Task") {
		if r["WhoId"] == who {
			out = append(out, r)
		}
	}
	return out
}

// linkedLead creates an Intercom lead with email and waits until the
// bridge links it to a Salesforce Lead.
func (te *taskEnv) linkedLead(email, name string) string {
	te.t.Helper()
	icID, err := te.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email, Name: name})
	require.NoError(te.t, err)
	te.linked(tandem.ObjectLead, icID)
	return icID
}

// oneTask waits until who has a Task for which cond holds, and checks that
// it is the only one.
func (te *taskEnv) oneTask(who, what string, cond func(map[string]any) bool) map[string]any {
	te.t.Helper()
	var task map[string]any
	eventually(te.t, what, func() bool {
		list := te.tasksOf(who)
		if len(list) != 1 {
			return false
		}
		task = list[0]
		return cond(task)
	})
	te.idle()
	require.Len(te.t, te.tasksOf(who), 1, "exactly one Task on %s", who)
	return te.sf("Task", task["Id"].(string))
}

func (te *taskEnv) action(body map[string]any) (int, map[string]any) {
	te.t.Helper()
	res, err := te.Intercom.RunCustomAction(context.Background(), "log-task", body)
	require.NoError(te.t, err)
	var out map[string]any
	require.NoError(te.t, json.Unmarshal(res.Body, &out), string(res.Body))
	return res.Status, out
}

// partID returns the id of the last part of conv of the given type.
func (te *taskEnv) partID(conv, typ string) string {
	parts, err := te.Intercom.ConversationParts(conv)
	require.NoError(te.t, err)
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i][1] == typ {
			return parts[i][0]
		}
	}
	te.t.Fatalf("conversation %s has no %s part", conv, typ)
	return ""
}

func (te *taskEnv) intent(key string) store.Intent {
	in, err := te.App.Store.GetIntent(context.Background(), tandem.DefaultInstallation, "task", key)
	require.NoError(te.t, err)
	return in
}

func TestTaskAutomaticLifecycle(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)

		icID, sfID := te.contact(te.unique("Nora"))
		opp := te.opportunity(sfID, "Expansion", "Prospecting")
		te.opportunity(sfID, "Pilot", "Closed Won") // closed: does not count

		conv, err := te.Intercom.CreateConversation(icID, "Our invoice shows the wrong VAT rate.")
		require.NoError(t, err)
		require.NoError(t, te.Intercom.AssignConversation(conv, te.adminID, te.adminID))
		task := te.oneTask(sfID, "the automatic Task", func(map[string]any) bool { return true })

		require.Equal(t, opp, task["WhatId"], "related to the single open Opportunity")
		require.Equal(t, "Not Started", task["Status"], "open while the conversation is")
		require.Equal(t, "Task", task["TaskSubtype"])
		require.Equal(t, "Other", task["Type"])
		require.Equal(t, "Normal", task["Priority"])
		require.Equal(t, conv, task["Intercom_Conversation_Id__c"])
		require.Contains(t, task["Subject"], "Our invoice shows the wrong VAT rate.")
		require.Equal(t, time.Now().UTC().Format("2006-01-02"), dateOf(task["ActivityDate"]))
		require.Contains(t, task["Description"], "wrong VAT rate")
		require.Contains(t, task["Description"], "/conversation/"+conv)

		require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "Sorry about that, fixing it now.", false))
		require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "Refund approved by finance.", true))
		require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
		task = te.oneTask(sfID, "the Task completed at close", func(r map[string]any) bool { return r["Status"] == "Completed" })
		desc := task["Description"].(string)
		require.Contains(t, desc, "Sorry about that, fixing it now.")
		require.Contains(t, desc, "Priya Natarajan (teammate)")
		require.Contains(t, desc, "Refund approved by finance.")
		require.Contains(t, desc, "(teammate, internal note)")
		require.Contains(t, desc, " UTC — ")
		require.Equal(t, true, task["IsClosed"])

		// Reopened and closed again: the same Task, updated again.
		require.NoError(t, te.Intercom.OpenConversation(conv, te.adminID))
		require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "One more thing: the credit note is attached.", false))
		require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
		task = te.oneTask(sfID, "the Task updated at the second close", func(r map[string]any) bool {
			return strings.Contains(r["Description"].(string), "credit note is attached")
		})
		require.Equal(t, "Completed", task["Status"])
	})
}

// dateOf formats a date field as the simulator holds it.
func dateOf(v any) string {
	if d, ok := v.(time.Time); ok {
		return d.UTC().Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

// The owner is the assigned teammate's Salesforce user, or the integration
// user — said in the Task — when the teammate has none or nobody is
// assigned; an admin-started conversation gets its Task too.
func TestTaskOwner(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)

		t.Run("assigned teammate", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Olga"))
			conv, err := te.Intercom.StartAdminConversation(te.adminID, icID, "Your renewal is coming up.")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.AssignConversation(conv, te.adminID, te.adminID))
			te.oneTask(sfID, "the Task", func(map[string]any) bool { return true })
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			task := te.oneTask(sfID, "the closed Task", func(r map[string]any) bool { return r["Status"] == "Completed" })
			require.Equal(t, te.userID, task["OwnerId"])
			require.NotContains(t, task["Description"], "integration user")
		})
		t.Run("teammate without a Salesforce user", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Pia"))
			conv, err := te.Intercom.CreateConversation(icID, "Hello?")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.AssignConversation(conv, te.strayID, te.strayID))
			require.NoError(t, te.Intercom.CloseConversation(conv, te.strayID))
			task := te.oneTask(sfID, "the Task", func(r map[string]any) bool { return r["Status"] == "Completed" })
			require.Equal(t, te.Salesforce.DefaultUserID(), task["OwnerId"])
			require.Contains(t, task["Description"], "Assigned to the integration user: the assigned teammate sam@elsewhere.example has no active Salesforce user.")
		})
	})
}

// WhatId is the single open Opportunity the Contact has a role on; none
// with zero or several, never on a Lead; checked again at close.
func TestTaskOpportunity(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)
		start := func(icID string) string {
			conv, err := te.Intercom.CreateConversation(icID, "A question about our plan.")
			require.NoError(t, err)
			return conv
		}

		t.Run("none", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Zed"))
			start(icID)
			require.Nil(t, te.oneTask(sfID, "the Task", func(map[string]any) bool { return true })["WhatId"])
		})
		t.Run("several", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Theo"))
			te.opportunity(sfID, "Expansion", "Prospecting")
			te.opportunity(sfID, "Add-on", "Qualification")
			start(icID)
			require.Nil(t, te.oneTask(sfID, "the Task", func(map[string]any) bool { return true })["WhatId"])
		})
		t.Run("re-checked at close", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Una"))
			conv := start(icID)
			require.Nil(t, te.oneTask(sfID, "the Task", func(map[string]any) bool { return true })["WhatId"])
			opp := te.opportunity(sfID, "New deal", "Prospecting")
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			task := te.oneTask(sfID, "the closed Task", func(r map[string]any) bool { return r["Status"] == "Completed" })
			require.Equal(t, opp, task["WhatId"], "the Opportunity made since the start")

			// A second open Opportunity: the relation is no longer certain.
			te.opportunity(sfID, "Second deal", "Prospecting")
			require.NoError(t, te.Intercom.OpenConversation(conv, te.adminID))
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			eventually(t, "the relation dropped", func() bool { return te.sf("Task", task["Id"].(string))["WhatId"] == nil })
		})
	})
}

// A person linked to a Lead gets a Task on every unconverted Lead with
// their email, none related to an Opportunity; a person not in Salesforce
// gets no automatic Task and no Lead.
func TestTaskLeads(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)

		t.Run("several Leads", func(t *testing.T) {
			email := te.unique("lena") + "@prospect.example"
			var leads []string
			for i := range 2 {
				id, err := te.Salesforce.Insert("Lead", map[string]any{"LastName": fmt.Sprint("Lead", i), "Company": "Prospect", "Email": email})
				require.NoError(t, err)
				leads = append(leads, id)
			}
			converted, err := te.Salesforce.Insert("Lead", map[string]any{"LastName": "Old", "Company": "Prospect", "Email": email})
			require.NoError(t, err)
			_, err = te.Salesforce.ConvertLead(converted, sfsim.ConvertOptions{})
			require.NoError(t, err)
			icID := te.linkedLead(email, "Lena Prospect")

			conv, err := te.Intercom.CreateConversation(icID, "Do you offer a trial?")
			require.NoError(t, err)
			for _, id := range leads {
				task := te.oneTask(id, "a Task on Lead "+id, func(map[string]any) bool { return true })
				require.Nil(t, task["WhatId"], "never related on a Lead")
			}
			require.Empty(t, te.tasksOf(converted))
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			for _, id := range leads {
				te.oneTask(id, "the Task closed on Lead "+id, func(r map[string]any) bool { return r["Status"] == "Completed" })
			}
		})
		t.Run("a Lead converted while its conversation is open", func(t *testing.T) {
			// The conversion moves the Lead's Task to the new Contact: the
			// close completes that Task, and makes no second one.
			email := te.unique("cora") + "@prospect.example"
			lead, err := te.Salesforce.Insert("Lead", map[string]any{"LastName": "Cora", "Company": "Prospect", "Email": email})
			require.NoError(t, err)
			icID := te.linkedLead(email, "Cora Prospect")
			conv, err := te.Intercom.CreateConversation(icID, "Can I get a quote?")
			require.NoError(t, err)
			first := te.oneTask(lead, "a Task on the Lead", func(map[string]any) bool { return true })

			res, err := te.Salesforce.ConvertLead(lead, sfsim.ConvertOptions{})
			require.NoError(t, err)
			_, err = te.App.Syncer.Poll(context.Background(), tandem.ObjectLead) // the poll sees the conversion
			require.NoError(t, err)
			require.Equal(t, res.ContactID, te.linked(tandem.ObjectContact, icID).SalesforceID)
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			task := te.oneTask(res.ContactID, "the moved Task completed", func(r map[string]any) bool { return r["Status"] == "Completed" })
			require.Equal(t, first["Id"], task["Id"])
			require.Empty(t, te.tasksOf(lead))
		})
		t.Run("not in Salesforce", func(t *testing.T) {
			email := te.unique("walkin") + "@nowhere.example"
			icID, err := te.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email, Name: "Walk In"})
			require.NoError(t, err)
			leads := te.Salesforce.Count("Lead")
			tasks := te.Salesforce.Count("Task")
			conv, err := te.Intercom.CreateConversation(icID, "Hi there")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
			te.idle()
			require.Equal(t, leads, te.Salesforce.Count("Lead"), "no Lead for an automatic Task")
			require.Equal(t, tasks, te.Salesforce.Count("Task"))
		})
	})
}

// A tagged message or note, or the Custom Action, logs a completed Task
// with a snippet and a link; once per part and person however often asked.
func TestTaskManual(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, func(c *config.Config) { c.Tasks.OnStarted = false })

		t.Run("tag on a note", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Ivy"))
			opp := te.opportunity(sfID, "Deal", "Prospecting")
			conv, err := te.Intercom.CreateConversation(icID, "Can we add SSO to our plan?")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.AssignConversation(conv, te.adminID, te.adminID))
			require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "Customer wants SSO before renewal; loop in sales.", true))
			note := te.partID(conv, "note")
			require.NoError(t, te.Intercom.TagConversationPart(conv, note, "salesforce-task", te.adminID))
			task := te.oneTask(sfID, "the logged note", func(map[string]any) bool { return true })
			require.Equal(t, "Completed", task["Status"])
			require.Equal(t, "Intercom note: Customer wants SSO before renewal; loop in sales.", task["Subject"])
			require.Contains(t, task["Description"], "Customer wants SSO before renewal")
			require.Contains(t, task["Description"], "/conversation/"+conv+" (part "+note+")")
			require.NotContains(t, task["Description"], "Can we add SSO", "a snippet of the part, not the transcript")
			require.Equal(t, opp, task["WhatId"])
			require.Equal(t, te.userID, task["OwnerId"])
			require.Equal(t, conv+"#"+note, task["Intercom_Conversation_Id__c"])

			// Tagged again (untag/retag shows as a new event), and logged
			// through the action: still the one Task.
			status, out := te.action(map[string]any{"conversation_id": conv, "part_id": note})
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, []any{task["Id"]}, out["task_ids"])
			require.Len(t, te.tasksOf(sfID), 1)

			// Another tag on another part is not the reserved one.
			require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "FYI only", true))
			require.NoError(t, te.Intercom.TagConversationPart(conv, te.partID(conv, "note"), "vip", te.adminID))
			te.idle()
			require.Len(t, te.tasksOf(sfID), 1)
		})

		t.Run("action: token required", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Jan"))
			conv, err := te.Intercom.CreateConversation(icID, "Hello")
			require.NoError(t, err)
			for _, auth := range []string{"", "Bearer wrong", "Basic ZGVtbzpkZW1v"} {
				req, err := http.NewRequest(http.MethodPost, te.URL+"/intercom/actions/tasks", strings.NewReader(`{"conversation_id":"`+conv+`"}`))
				require.NoError(t, err)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				res, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				res.Body.Close()
				require.Equal(t, http.StatusUnauthorized, res.StatusCode, auth)
			}
			te.idle()
			require.Empty(t, te.tasksOf(sfID))
		})

		t.Run("action: a message, double-clicked", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Kai"))
			conv, err := te.Intercom.CreateConversation(icID, "Hello")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "We shipped the fix in 4.2.", false))
			part := te.partID(conv, "comment")
			var wg sync.WaitGroup
			ids := make([][]any, 5)
			for i := range ids {
				wg.Go(func() {
					status, out := te.action(map[string]any{"conversation_id": conv, "part_id": part})
					require.Equal(t, http.StatusOK, status, out)
					ids[i], _ = out["task_ids"].([]any)
				})
			}
			wg.Wait()
			task := te.oneTask(sfID, "the logged message", func(map[string]any) bool { return true })
			for _, got := range ids {
				require.Equal(t, []any{task["Id"]}, got)
			}
			require.Equal(t, "Intercom message: We shipped the fix in 4.2.", task["Subject"])
			require.Equal(t, "Completed", task["Status"])
			require.Nil(t, task["WhatId"])
			require.Equal(t, te.Salesforce.DefaultUserID(), task["OwnerId"], "unassigned: the integration user")
			require.Contains(t, task["Description"], "no teammate is assigned to the conversation")

			// Deleted in Salesforce, it is logged again when asked for again.
			require.NoError(t, te.Salesforce.Delete("Task", task["Id"].(string)))
			status, out := te.action(map[string]any{"conversation_id": conv, "part_id": part})
			require.Equal(t, http.StatusOK, status, out)
			again := te.oneTask(sfID, "the message logged again", func(map[string]any) bool { return true })
			require.NotEqual(t, task["Id"], again["Id"])
			require.Equal(t, []any{again["Id"]}, out["task_ids"])
		})

		t.Run("action: the whole conversation", func(t *testing.T) {
			icID, sfID := te.contact(te.unique("Lia"))
			conv, err := te.Intercom.CreateConversation(icID, "Where is my invoice?")
			require.NoError(t, err)
			require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "Sent it again just now.", false))
			status, out := te.action(map[string]any{"conversation_id": conv})
			require.Equal(t, http.StatusOK, status, out)
			task := te.oneTask(sfID, "the logged conversation", func(map[string]any) bool { return true })
			require.Equal(t, []any{task["Id"]}, out["task_ids"])
			require.Equal(t, "Completed", task["Status"])
			require.Contains(t, task["Description"], "Where is my invoice?")
			require.Contains(t, task["Description"], "Sent it again just now.")
			require.Equal(t, conv, task["Intercom_Conversation_Id__c"])

			// Deleted in Salesforce, it is made again when asked for again.
			require.NoError(t, te.Salesforce.Delete("Task", task["Id"].(string)))
			status, out = te.action(map[string]any{"conversation_id": conv})
			require.Equal(t, http.StatusOK, status, out)
			again := te.oneTask(sfID, "the Task made again", func(map[string]any) bool { return true })
			require.NotEqual(t, task["Id"], again["Id"])
			require.Equal(t, []any{again["Id"]}, out["task_ids"])
		})

		t.Run("action: a person not in Salesforce becomes a Lead first", func(t *testing.T) {
			email := te.unique("mo") + "@newco.example"
			icID, err := te.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: email, Name: "Mo Newco"})
			require.NoError(t, err)
			conv, err := te.Intercom.CreateConversation(icID, "Pricing for 50 seats?")
			require.NoError(t, err)
			status, out := te.action(map[string]any{"conversation_id": conv})
			require.Equal(t, http.StatusOK, status, out)
			l := te.linked(tandem.ObjectLead, icID)
			require.Equal(t, email, te.sf("Lead", l.SalesforceID)["Email"])
			task := te.oneTask(l.SalesforceID, "the Task on the new Lead", func(map[string]any) bool { return true })
			require.Nil(t, task["WhatId"])
		})

		t.Run("action: no email, nothing created", func(t *testing.T) {
			icID, err := te.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Name: "Anonymous Visitor"})
			require.NoError(t, err)
			conv, err := te.Intercom.CreateConversation(icID, "Is anyone there?")
			require.NoError(t, err)
			leads, tasks := te.Salesforce.Count("Lead"), te.Salesforce.Count("Task")
			status, out := te.action(map[string]any{"conversation_id": conv})
			require.Equal(t, http.StatusUnprocessableEntity, status, out)
			msg := out["error"].(map[string]any)["message"].(string)
			require.Contains(t, msg, "has no email address")
			te.idle()
			require.Equal(t, leads, te.Salesforce.Count("Lead"))
			require.Equal(t, tasks, te.Salesforce.Count("Task"))
		})

		t.Run("action: unknown conversation or part", func(t *testing.T) {
			status, out := te.action(map[string]any{"conversation_id": "999999999"})
			require.Equal(t, http.StatusNotFound, status, out)
			icID, _ := te.contact(te.unique("Ned"))
			conv, err := te.Intercom.CreateConversation(icID, "Hi")
			require.NoError(t, err)
			status, out = te.action(map[string]any{"conversation_id": conv, "part_id": "424242"})
			require.Equal(t, http.StatusNotFound, status, out)
		})
	})
}

// Duplicated and reordered webhooks make one Task per conversation and
// person, which ends completed.
func TestTaskWebhooksDuplicatedAndReordered(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)
		type pair struct{ conv, sfID string }
		var pairs []pair
		for range 4 {
			icID, sfID := te.contact(te.unique("Dup"))
			pairs = append(pairs, pair{sfID: sfID, conv: func() string {
				conv, err := te.Intercom.CreateConversation(icID, "Help with the export")
				require.NoError(t, err)
				return conv
			}()})
		}
		te.idle()
		// Now every notification is sent twice, in shuffled batches: a
		// close may arrive before the start of a new conversation.
		te.Intercom.SetWebhookDuplication(1)
		te.Intercom.SetWebhookReorder(true)
		for range 4 {
			icID, sfID := te.contact(te.unique("Dup"))
			conv, err := te.Intercom.CreateConversation(icID, "Help with the import")
			require.NoError(t, err)
			pairs = append(pairs, pair{conv: conv, sfID: sfID})
		}
		for _, p := range pairs {
			require.NoError(t, te.Intercom.ReplyAsAdmin(p.conv, te.adminID, "Looking into it.", false))
			require.NoError(t, te.Intercom.CloseConversation(p.conv, te.adminID))
		}
		for _, p := range pairs {
			task := te.oneTask(p.sfID, "one completed Task", func(r map[string]any) bool { return r["Status"] == "Completed" })
			require.Contains(t, task["Description"], "Looking into it.")
		}
	})
}

// A crash between the Salesforce create and the intent's completion: the
// next attempt finds the Task by its external id instead of making another,
// once the intent is stale or at once when its holder is known to be dead.
func TestTaskRecoversAfterCrash(t *testing.T) {
	t.Parallel()
	for _, abandon := range []struct {
		how, sql string
		arg      any
	}{
		{"stale", `UPDATE tandem_intents SET updated_at = 0 WHERE id = $1`, nil},
		{"holder died", `UPDATE tandem_intents SET holder = $2 WHERE id = $1`, deadProcess(t)},
	} {
		t.Run(abandon.how, func(t *testing.T) {
			t.Parallel()
			taskRecoversAfterCrash(t, abandon.sql, abandon.arg)
		})
	}
}

func taskRecoversAfterCrash(t *testing.T, abandon string, arg any) {
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, func(c *config.Config) { c.Tasks.OnStarted = false })
		ctx := context.Background()
		icID, sfID := te.contact(te.unique("Cal"))
		conv, err := te.Intercom.CreateConversation(icID, "Crash me")
		require.NoError(t, err)

		// The state a crashed attempt leaves: the Task exists, the intent
		// is pending without its id, and its owner stopped touching it.
		made, err := te.Salesforce.Insert("Task", map[string]any{"WhoId": sfID, "Subject": "Intercom chat: Crash me",
			"Intercom_Conversation_Id__c": conv})
		require.NoError(t, err)
		key := "conv:" + conv + ":" + sfID
		in, created, err := te.App.Store.ClaimIntent(ctx, store.ClaimIntentParams{Installation: tandem.DefaultInstallation, Kind: "task", Key: key})
		require.NoError(t, err)
		require.True(t, created)

		// While the intent is fresh, its attempt may still be running.
		status, out := te.action(map[string]any{"conversation_id": conv})
		require.Equal(t, http.StatusConflict, status, out)

		args := []any{in.ID}
		if arg != nil {
			args = append(args, arg)
		}
		_, err = te.App.Store.SQL().ExecContext(ctx, abandon, args...)
		require.NoError(t, err)
		status, out = te.action(map[string]any{"conversation_id": conv})
		require.Equal(t, http.StatusOK, status, out)
		require.Equal(t, []any{made}, out["task_ids"])
		require.Len(t, te.tasksOf(sfID), 1)
		done := te.intent(key)
		require.Equal(t, store.IntentDone, done.State)
		require.Equal(t, made, done.RemoteID)
	})
}

// A Task Salesforce refuses is a sync error in the tasks category with a
// plain reason; once the cause is gone, retrying it makes the Task.
func TestTaskErrorsListedAndRetried(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)
		var refuse atomic.Bool
		refuse.Store(true)
		te.Salesforce.AddValidationRule("Task", func(map[string]any) (string, string, bool) {
			if refuse.Load() {
				return "Tasks need a Region.", "Region__c", false
			}
			return "", "", true
		})
		icID, sfID := te.contact(te.unique("Err"))
		conv, err := te.Intercom.CreateConversation(icID, "Refused")
		require.NoError(t, err)

		var list struct {
			Errors []struct {
				ID         int64  `json:"id"`
				Object     string `json:"object"`
				Operation  string `json:"operation"`
				IntercomID string `json:"intercom_id"`
				Code       string `json:"code"`
				Reason     string `json:"reason"`
			} `json:"errors"`
		}
		eventually(t, "a tasks sync error", func() bool {
			te.apiGet("/api/v1/sync-errors?category=tasks", &list)
			return len(list.Errors) == 1
		})
		e := list.Errors[0]
		require.Equal(t, "task", e.Object)
		require.Equal(t, "create_task", e.Operation)
		require.Equal(t, conv, e.IntercomID)
		require.Equal(t, "FIELD_CUSTOM_VALIDATION_EXCEPTION", e.Code)
		require.Equal(t, "A validation rule in your Salesforce org rejected the change to the Task: Tasks need a Region.", e.Reason)
		te.apiGet("/api/v1/sync-errors?category=people", &list)
		require.Empty(t, list.Errors)
		require.Empty(t, te.tasksOf(sfID))

		refuse.Store(false)
		te.apiPost(fmt.Sprintf("/api/v1/sync-errors/%d/retry", e.ID), http.StatusAccepted)
		te.oneTask(sfID, "the Task made by the retry", func(map[string]any) bool { return true })
		eventually(t, "the error resolved", func() bool {
			te.apiGet("/api/v1/sync-errors?category=tasks", &list)
			return len(list.Errors) == 0
		})

		// The Custom Action answers a refusal with the same plain reason.
		refuse.Store(true)
		require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "Noted.", true))
		note := te.partID(conv, "note")
		status, out := te.action(map[string]any{"conversation_id": conv, "part_id": note})
		require.Equal(t, http.StatusUnprocessableEntity, status, out)
		require.Equal(t, "A validation rule in your Salesforce org rejected the change to the Task: Tasks need a Region.", errMessage(out))
		te.apiGet("/api/v1/sync-errors?category=tasks", &list)
		require.Len(t, list.Errors, 1)
		require.Equal(t, "log_task", list.Errors[0].Operation)
		require.Equal(t, conv+"#"+note, list.Errors[0].IntercomID)
	})
}

// The closed status is the org's, read from TaskStatus.
func TestTaskClosedStatusFromOrg(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)
		for _, st := range te.Salesforce.All("TaskStatus") {
			if st["IsClosed"] == true {
				require.NoError(t, te.Salesforce.Update("TaskStatus", st["Id"].(string), map[string]any{"IsClosed": false}))
			}
		}
		_, err := te.Salesforce.AddTaskStatus("Logged", true, false)
		require.NoError(t, err)
		icID, sfID := te.contact(te.unique("Org"))
		conv, err := te.Intercom.CreateConversation(icID, "Hi")
		require.NoError(t, err)
		require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
		task := te.oneTask(sfID, "the Task closed with the org's status", func(r map[string]any) bool { return r["Status"] == "Logged" })
		require.Equal(t, true, task["IsClosed"])
	})
}

// A long conversation keeps its newest messages within Salesforce's 32,000
// characters.
func TestTaskLongTranscript(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		te := startTaskEnv(t, dbURL, nil)
		icID, sfID := te.contact(te.unique("Long"))
		conv, err := te.Intercom.CreateConversation(icID, "The first message.")
		require.NoError(t, err)
		for i := range 6 {
			require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, fmt.Sprintf("Reply %d: %s", i, strings.Repeat("é", 3000)), false))
		}
		require.NoError(t, te.Intercom.ReplyAsAdmin(conv, te.adminID, "The last word.", false))
		require.NoError(t, te.Intercom.CloseConversation(conv, te.adminID))
		task := te.oneTask(sfID, "the closed Task", func(r map[string]any) bool { return r["Status"] == "Completed" })
		desc := task["Description"].(string)
		require.LessOrEqual(t, len([]rune(desc)), 32000)
		require.Contains(t, desc, "The last word.")
		require.Contains(t, desc, "earlier messages not shown")
		require.NotContains(t, desc, "The first message.")
		require.Contains(t, desc, "Intercom conversation: ")
	})
}

func (te *taskEnv) apiGet(path string, v any) {
	te.t.Helper()
	req, err := http.NewRequest(http.MethodGet, te.URL+path, nil)
	require.NoError(te.t, err)
	req.Header.Set("Authorization", "Bearer "+app.DemoToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(te.t, err)
	defer res.Body.Close()
	require.Equal(te.t, http.StatusOK, res.StatusCode)
	require.NoError(te.t, json.NewDecoder(res.Body).Decode(v))
}

func (te *taskEnv) apiPost(path string, want int) {
	te.t.Helper()
	req, err := http.NewRequest(http.MethodPost, te.URL+path, nil)
	require.NoError(te.t, err)
	req.Header.Set("Authorization", "Bearer "+app.DemoToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(te.t, err)
	res.Body.Close()
	require.Equal(te.t, want, res.StatusCode)
}
