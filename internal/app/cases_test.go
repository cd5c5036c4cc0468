package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/usecase"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

func startCases(t *testing.T, dbURL string, configure func(*config.Config)) *env {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond, Cases: true,
		Options: app.Options{River: testQueue}, Configure: configure,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return &env{Demo: d, t: t}
}

// casesOf returns the Cases whose Intercom_Conversation_Id__c is convID.
func (e *env) casesOf(convID string) []map[string]any {
	var out []map[string]any
	for _, c := range e.Salesforce.All("Case") {
		if c["Intercom_Conversation_Id__c"] == convID {
			out = append(out, c)
		}
	}
	return out
}

// oneCase waits for the conversation's Case and returns it.
func (e *env) oneCase(t *testing.T, convID string) map[string]any {
	t.Helper()
	eventually(t, "the Case of "+convID, func() bool { return len(e.casesOf(convID)) > 0 })
	e.idle()
	cs := e.casesOf(convID)
	require.Len(t, cs, 1, "one Case per conversation")
	return cs[0]
}

func (e *env) caseAction(token, body string) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/intercom/actions/cases", strings.NewReader(body))
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func TestCases(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startCases(t, dbURL, nil)
		ctx := context.Background()
		admin := e.Intercom.AddAdmin("Priya Natarajan", "priya@support.example")

		t.Run("a conversation started by a Contact becomes a Case, refreshed at close, status untouched", func(t *testing.T) {
			icID, sfID, _ := e.aUser("case.one@example.com")
			accID, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Case One Inc"})
			require.NoError(t, err)
			require.NoError(t, e.Salesforce.Update("Contact", sfID, map[string]any{"AccountId": accID}))
			convID, err := e.Intercom.CreateConversation(icID, "The export to CSV fails with error 42.")
			require.NoError(t, err)
			c := e.oneCase(t, convID)
			require.Equal(t, sfID, c["ContactId"])
			require.Equal(t, accID, c["AccountId"])
			require.Equal(t, "The export to CSV fails with error 42.", c["Subject"])
			require.Contains(t, c["Description"], "(customer)\nThe export to CSV fails with error 42.")
			require.Equal(t, "Chat", c["Origin"])
			require.Equal(t, e.Salesforce.DefaultCaseOwnerID(), c["OwnerId"], "assignment rules: the default case owner")
			require.NotEmpty(t, c["CaseNumber"])
			caseID := c["Id"].(string)
			eventually(t, "the note with the Case number", func() bool {
				conv, _ := e.Intercom.Conversation(convID)
				b, _ := json.Marshal(conv)
				return strings.Contains(string(b), "Salesforce Case "+c["CaseNumber"].(string))
			})

			// A teammate sets the product area, moves the Case along in
			// Salesforce, replies and closes: the transcript and the area
			// follow; the status stays Salesforce's.
			require.NoError(t, e.Salesforce.Update("Case", caseID, map[string]any{"Status": "Working"}))
			require.NoError(t, e.Intercom.SetConversationAttribute(convID, "product_area", "Billing"))
			require.NoError(t, e.Intercom.ReplyAsAdmin(convID, admin, "Fixed in 4.2, please update.", false))
			require.NoError(t, e.Intercom.CloseConversation(convID, admin))
			eventually(t, "the transcript refreshed at close", func() bool {
				c := e.sf("Case", caseID)
				return strings.Contains(c["Description"].(string), "Fixed in 4.2") && c["Product_Area__c"] == "Billing"
			})
			require.Equal(t, "Working", e.sf("Case", caseID)["Status"], "tandem never changes the status")
			require.NotContains(t, e.sf("Case", caseID)["Description"], "Salesforce Case ", "tandem's own note is not in the transcript")

			// Reopen, change the attribute, close again: the field follows.
			require.NoError(t, e.Intercom.OpenConversation(convID, admin))
			require.NoError(t, e.Intercom.SetConversationAttribute(convID, "product_area", "Integrations"))
			require.NoError(t, e.Intercom.CloseConversation(convID, admin))
			eventually(t, "the mapping re-applied", func() bool { return e.sf("Case", caseID)["Product_Area__c"] == "Integrations" })
			e.idle()
			require.Len(t, e.casesOf(convID), 1)
		})

		t.Run("a person who is not a Contact gets a cases sync error, not a Case", func(t *testing.T) {
			leadIC, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "lead", Email: "nocase@prospect.example"})
			require.NoError(t, err)
			convID, err := e.Intercom.CreateConversation(leadIC, "Do you ship to Norway?")
			require.NoError(t, err)
			eventually(t, "a cases sync error", func() bool {
				errs, err := e.App.UseCases.ListSyncErrors(ctx, usecaseCases())
				require.NoError(t, err)
				for _, se := range errs.Errors {
					if se.IntercomID == convID && se.Code == "NOT_A_CONTACT" && strings.Contains(se.Reason, "Salesforce Contact") {
						return true
					}
				}
				return false
			})
			require.Empty(t, e.casesOf(convID))
		})

		t.Run("duplicated, reordered and racing triggers make one Case", func(t *testing.T) {
			icID, _, _ := e.aUser("case.race@example.com")
			convID, err := e.Intercom.CreateConversation(icID, "Race me.")
			require.NoError(t, err)
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i%2 == 0 {
						status, out := e.caseAction(app.DemoToken, `{"conversation_id":"`+convID+`"}`)
						assert.Contains(t, []int{200, 201, 409}, status, "%v", out)
						return
					}
					_, err := e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
					if err != nil {
						assert.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "%v", err)
					}
				}()
			}
			require.NoError(t, e.Intercom.TagConversation(convID, "salesforce-case", admin))
			wg.Wait()
			c := e.oneCase(t, convID)
			status, out := e.caseAction(app.DemoToken, `{"conversation_id":"`+convID+`"}`)
			require.Equal(t, http.StatusOK, status, "%v", out)
			require.Equal(t, c["Id"], out["case_id"])
			require.Equal(t, c["CaseNumber"], out["case_number"])
			require.Contains(t, out["case_url"], "/lightning/r/Case/"+c["Id"].(string)+"/view")
		})

		t.Run("a crash between the create and our own write makes no second Case", func(t *testing.T) {
			icID, _, _ := e.aUser("case.crash@example.com")
			convID, err := e.Intercom.CreateConversation(icID, "Crash me.")
			require.NoError(t, err)
			first := e.oneCase(t, convID)
			// As if the process had died right after Salesforce answered: the
			// intent is pending with no Case id, and old.
			in, err := e.App.Store.GetIntent(ctx, tandem.DefaultInstallation, "case", convID)
			require.NoError(t, err)
			require.NoError(t, e.App.Store.DeleteIntent(ctx, in.ID))
			_, created, err := e.App.Store.ClaimIntent(ctx, store.ClaimIntentParams{Installation: tandem.DefaultInstallation, Kind: "case", Key: convID})
			require.NoError(t, err)
			require.True(t, created)
			_, err = e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
			require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "a fresh pending intent belongs to a running attempt: %v", err)
			status, out := e.caseAction(app.DemoToken, `{"conversation_id":"`+convID+`"}`)
			require.Equal(t, http.StatusConflict, status, "%v", out)
			// Once the attempt is presumed dead, the next one finds the Case
			// it made instead of making another.
			e.App.Cases.IntentTimeout = 0
			res, err := e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
			require.NoError(t, err)
			require.False(t, res.Created)
			require.Equal(t, first["Id"], res.CaseID)
			require.Len(t, e.casesOf(convID), 1)
			e.App.Cases.IntentTimeout = 2 * time.Minute
		})

		t.Run("a Case note cut short by a crash is added once", func(t *testing.T) {
			dead := deadProcess(t)
			notes := func(convID, number string) int {
				conv, _ := e.Intercom.Conversation(convID)
				b, _ := json.Marshal(conv)
				return strings.Count(string(b), "Salesforce Case "+number+":")
			}

			icID, _, _ := e.aUser("case.note@example.com")
			convID, err := e.Intercom.CreateConversation(icID, "Note me.")
			require.NoError(t, err)
			number := e.oneCase(t, convID)["CaseNumber"].(string)
			eventually(t, "the note", func() bool { return notes(convID, number) == 1 })
			// As if the process had died after adding the note, before
			// recording it; then as if it had died before claiming it.
			in, err := e.App.Store.GetIntent(ctx, tandem.DefaultInstallation, "case_note", convID)
			require.NoError(t, err)
			_, err = e.App.Store.SQL().ExecContext(ctx, `UPDATE tandem_intents SET state = 'pending', holder = $2 WHERE id = $1`, in.ID, dead)
			require.NoError(t, err)
			_, err = e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
			require.NoError(t, err)
			in, err = e.App.Store.GetIntent(ctx, tandem.DefaultInstallation, "case_note", convID)
			require.NoError(t, err)
			require.Equal(t, store.IntentDone, in.State)
			require.NoError(t, e.App.Store.DeleteIntent(ctx, in.ID))
			_, err = e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
			require.NoError(t, err)
			require.Equal(t, 1, notes(convID, number), "the note found is not added again")

			// A Case whose note was never added (the process died between
			// the two) gets it at its next trigger.
			lone, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "case.lone@example.com"})
			require.NoError(t, err)
			loneConv, err := e.Intercom.CreateConversation(lone, "No note yet.")
			require.NoError(t, err)
			e.idle()
			contactID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Lone", "Email": "case.lone@example.com"})
			require.NoError(t, err)
			caseID, err := e.Salesforce.Insert("Case", map[string]any{"ContactId": contactID, "Subject": "No note yet.",
				"Intercom_Conversation_Id__c": loneConv})
			require.NoError(t, err)
			ci, _, err := e.App.Store.ClaimIntent(ctx, store.ClaimIntentParams{Installation: tandem.DefaultInstallation, Kind: "case", Key: loneConv})
			require.NoError(t, err)
			_, err = e.App.Store.CompleteIntent(ctx, ci.ID, caseID)
			require.NoError(t, err)
			res, err := e.App.Cases.Sync(ctx, loneConv, cases.TriggerClosed)
			require.NoError(t, err)
			require.Equal(t, caseID, res.CaseID)
			require.Equal(t, 1, notes(loneConv, res.CaseNumber))
		})

		t.Run("the action endpoint needs its own token", func(t *testing.T) {
			before := e.Salesforce.Count("Case")
			status, _ := e.caseAction("", `{"conversation_id":"x"}`)
			require.Equal(t, http.StatusUnauthorized, status)
			status, _ = e.caseAction("wrong", `{"conversation_id":"x"}`)
			require.Equal(t, http.StatusUnauthorized, status)
			status, _ = e.caseAction(app.DemoToken, `{"conversation":"x"}`)
			require.Equal(t, http.StatusBadRequest, status, "unknown fields are refused")
			status, out := e.caseAction(app.DemoToken, `{"conversation_id":"does-not-exist"}`)
			require.Equal(t, http.StatusNotFound, status, "%v", out)
			require.Equal(t, before, e.Salesforce.Count("Case"))
		})
	})
}

// deadProcess names, as tandem names its processes, a process of this host
// that has ended. It skips the test where a dead process cannot be told.
func deadProcess(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs Unix process ids: tandem tells a dead process by its pid on Unix only (CI runs on Linux, where this runs)")
	}
	ended := exec.Command("true")
	require.NoError(t, ended.Run())
	return app.ProcessName(ended.Process.Pid)
}

func usecaseCases() usecase.ListSyncErrorsParams {
	return usecase.ListSyncErrorsParams{Category: tandem.CategoryCases}
}

func TestCasesStartupChecks(t *testing.T) {
	t.Parallel()
	_, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, Cases: true,
		Configure: func(c *config.Config) {
			c.Cases.RecordType = "NoSuchType"
			c.Cases.Mappings = append(c.Cases.Mappings, config.CaseMapping{Conversation: "mood", Salesforce: "Nope__c"})
		},
	})
	require.Error(t, err)
	require.Contains(t, err.Error(), "cases.record_type: Case has no record type NoSuchType")
	require.Contains(t, err.Error(), "Case has no field Nope__c")
	require.Contains(t, err.Error(), "conversation attribute mood is neither built in")
}

// A validation rule becomes a cases sync error with a plain reason; once
// the rule is satisfied, retrying the error makes the Case and resolves it.
func TestCaseValidationRuleAndRetry(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startCases(t, dbURL, nil)
		ctx := context.Background()
		var blocked sync.Mutex
		block := true
		e.Salesforce.AddValidationRule("Case", func(rec map[string]any) (string, string, bool) {
			blocked.Lock()
			defer blocked.Unlock()
			if block && strings.Contains(strings.ToLower(rec["Subject"].(string)), "refund") {
				return "Refunds are handled by the billing team, not as Cases.", "Subject", false
			}
			return "", "", true
		})
		icID, _, _ := e.aUser("case.rule@example.com")
		convID, err := e.Intercom.CreateConversation(icID, "I want a refund")
		require.NoError(t, err)
		var se tandem.SyncError
		eventually(t, "a cases sync error", func() bool {
			list, err := e.App.UseCases.ListSyncErrors(ctx, usecaseCases())
			require.NoError(t, err)
			for _, x := range list.Errors {
				if x.IntercomID == convID {
					se = x
					return true
				}
			}
			return false
		})
		require.Equal(t, "FIELD_CUSTOM_VALIDATION_EXCEPTION", se.Code)
		require.Contains(t, se.Reason, "A validation rule on Case rejected the Case of conversation "+convID)
		require.Contains(t, se.Reason, "Refunds are handled by the billing team")
		require.Empty(t, e.casesOf(convID))

		blocked.Lock()
		block = false
		blocked.Unlock()
		_, err = e.App.UseCases.RetrySyncError(ctx, se.ID)
		require.NoError(t, err)
		e.oneCase(t, convID)
		eventually(t, "the error resolved", func() bool {
			got, err := e.App.Store.GetSyncError(ctx, se.ID)
			require.NoError(t, err)
			return got.ResolvedAt != nil
		})
	})
}

// deafDemo starts a demo with Cases on that receives no webhook, and a
// Contact and an Intercom user with email, linked.
func deafDemo(t *testing.T, email string) (e *env, icID, sfID string) {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: 200 * time.Millisecond, Cases: true, NoWebhooks: true,
		Options: app.Options{River: testQueue},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	e = &env{Demo: d, t: t}
	sfID, err = e.Salesforce.Insert("Contact", map[string]any{"LastName": "Unheard", "Email": email})
	require.NoError(t, err)
	icID, err = e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email})
	require.NoError(t, err)
	require.NoError(t, e.App.Syncer.SyncIntercomContact(context.Background(), icID, tandem.CauseReconcile))
	return e, icID, sfID
}

// tasksOf returns the Salesforce Tasks of the Contact or Lead who.
func (e *env) tasksOf(who string) []map[string]any {
	var out []map[string]any
	for _, r := range e.Salesforce.All("Task") {
		if r["WhoId"] == who {
			out = append(out, r)
		}
	}
	return out
}

// A close whose notification never arrived is found by the backstop. Its
// first run, which looks a day back, refreshes or makes Cases as closing
// does, but makes no Task: turning Tasks on does not log the day before.
func TestCaseBackstop(t *testing.T) {
	t.Parallel()
	e, icID, sfID := deafDemo(t, "late@example.com")
	ctx := context.Background()
	admin := e.Intercom.AddAdmin("Marco Rossi", "marco@support.example")
	convID, err := e.Intercom.CreateConversation(icID, "No webhook reaches the bridge today.")
	require.NoError(t, err)
	require.NoError(t, e.Intercom.CloseConversation(convID, admin))
	time.Sleep(time.Second)
	require.Empty(t, e.casesOf(convID), "no notification, no Case yet")

	_, err = e.App.River.Insert(ctx, jobs.CaseBackstopArgs{}, nil)
	require.NoError(t, err)
	c := e.oneCase(t, convID)
	require.Contains(t, c["Description"], "No webhook reaches the bridge today.")
	require.Empty(t, e.tasksOf(sfID), "the first run makes no Task")
}

// A conversation whose notifications never arrived (the bridge was down
// past Intercom's one retry) still gets its Case and Task when it starts,
// and its Task is completed when it closes: the backstop finds both. It
// makes nothing twice however often it runs.
func TestConversationBackstop(t *testing.T) {
	t.Parallel()
	e, icID, sfID := deafDemo(t, "missed@example.com")
	ctx := context.Background()
	runs := 0
	backstop := func() {
		t.Helper()
		runs++
		_, err := e.App.River.Insert(ctx, jobs.CaseBackstopArgs{}, nil)
		require.NoError(t, err)
		eventually(t, fmt.Sprintf("backstop run %d", runs), func() bool {
			js, err := e.App.River.JobList(ctx, river.NewJobListParams().Kinds("tandem.case_backstop").States(rivertype.JobStateCompleted))
			return err == nil && len(js.Jobs) >= runs
		})
		e.idle()
	}
	tasksOf := func() []map[string]any { return e.tasksOf(sfID) }

	backstop() // the first run only sets where the next one starts
	convID, err := e.Intercom.CreateConversation(icID, "Nobody heard me start.")
	require.NoError(t, err)
	time.Sleep(time.Second)
	require.Empty(t, e.casesOf(convID), "no notification, no Case yet")

	backstop()
	c := e.oneCase(t, convID)
	require.Contains(t, c["Description"], "Nobody heard me start.")
	ts := tasksOf()
	require.Len(t, ts, 1, "the automatic Task of the started conversation")
	require.NotEqual(t, "Completed", ts[0]["Status"])

	admin := e.Intercom.AddAdmin("Marco Rossi", "marco@support.example")
	require.NoError(t, e.Intercom.CloseConversation(convID, admin))
	backstop()
	ts = tasksOf()
	require.Len(t, ts, 1, "closing updates the Task it has")
	require.Equal(t, "Completed", ts[0]["Status"])
	require.Len(t, e.casesOf(convID), 1)

	backstop()
	require.Len(t, tasksOf(), 1)
	require.Len(t, e.casesOf(convID), 1)
}

// A Case deleted in Salesforce stays deleted through automatic triggers;
// a teammate asking for the Case (the Custom Action) gets a new one.
func TestCaseDeletedInSalesforce(t *testing.T) {
	t.Parallel()
	e := startCases(t, "", nil)
	ctx := context.Background()
	admin := e.Intercom.AddAdmin("Lena Vogel", "lena@support.example")
	icID, _, _ := e.aUser("case.deleted@example.com")
	convID, err := e.Intercom.CreateConversation(icID, "Please delete my Case.")
	require.NoError(t, err)
	first := e.oneCase(t, convID)
	require.NoError(t, e.Salesforce.Delete("Case", first["Id"].(string)))

	require.NoError(t, e.Intercom.CloseConversation(convID, admin))
	e.idle()
	res, err := e.App.Cases.Sync(ctx, convID, cases.TriggerClosed)
	require.NoError(t, err)
	require.Empty(t, res.CaseID)
	require.Empty(t, e.casesOf(convID), "an automatic trigger does not make the deleted Case again")

	status, out := e.caseAction(app.DemoToken, `{"conversation_id":"`+convID+`"}`)
	require.Equal(t, http.StatusCreated, status, "%v", out)
	require.Len(t, e.casesOf(convID), 1)
	require.NotEqual(t, first["Id"], out["case_id"])
}

// A Case action that finds Salesforce unreachable answers 202 and queues
// the Case: with no automatic trigger, nothing else would ever make it.
func TestCaseActionQueuedWhenUnreachable(t *testing.T) {
	t.Parallel()
	e := startCases(t, "", func(c *config.Config) {
		c.Cases.OnStarted, c.Cases.OnClosed = false, false
	})
	icID, _, _ := e.aUser("case.queued@example.com")
	convID, err := e.Intercom.CreateConversation(icID, "The invoice PDF is blank.")
	require.NoError(t, err)
	e.idle()
	require.Empty(t, e.casesOf(convID), "no automatic trigger")

	// Every Salesforce call fails for a while (the client retries a 503
	// a few times before it gives up).
	e.Salesforce.Faults().FailNext(50, sfsim.Fault503)
	status, out := e.caseAction(app.DemoToken, `{"conversation_id":"`+convID+`"}`)
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	require.Equal(t, true, out["queued"])
	e.Salesforce.Faults().Reset()
	eventually(t, "the queued Case", func() bool { return len(e.casesOf(convID)) == 1 })
	e.idle()
	require.Len(t, e.casesOf(convID), 1)
}
