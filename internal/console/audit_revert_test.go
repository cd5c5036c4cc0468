package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// eventually polls cond until it holds or 60 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// idle waits until no job is waiting or running and no webhook is on its way.
func idle(t *testing.T, d *app.Demo) {
	t.Helper()
	eventually(t, "an idle job queue", func() bool {
		res, err := d.App.River.JobList(context.Background(), river.NewJobListParams().States(
			rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable).First(10))
		require.NoError(t, err)
		return len(res.Jobs) == 0 && d.Intercom.PendingWebhooks() == 0
	})
}

// lastWrite returns the newest audit entry of a record's field.
func lastWrite(t *testing.T, db *store.DB, record, field string) tandem.AuditEntry {
	t.Helper()
	es, err := db.FilterAudit(context.Background(), store.AuditFilter{Installation: tandem.DefaultInstallation, Record: record, Field: field, Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, es, "a write of %s %s", record, field)
	return es[0]
}

func TestConsoleAuditRevert(t *testing.T) {
	t.Parallel()
	for name, dbURL := range map[string]func(t *testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testAuditRevert(t, dbURL(t))
		})
	}
}

func testAuditRevert(t *testing.T, dbURL string) {
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	db := d.App.Store
	sfGet := func(id string) map[string]any {
		rec, ok := d.Salesforce.Get("Contact", id)
		require.True(t, ok)
		return rec
	}
	icGet := func(id string) map[string]any {
		c, ok := d.Intercom.Contact(id)
		require.True(t, ok)
		return c
	}
	jobTitle := func(id string) any {
		ca, _ := icGet(id)["custom_attributes"].(map[string]any)
		return ca["job_title"]
	}

	// A linked pair whose phone (Intercom's) and title (Salesforce's) changed once.
	sfID, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": "Lovelace", "FirstName": "Ada", "Email": "ada@revert.example", "Title": "Engineer"})
	require.NoError(t, err)
	icID, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "ada@revert.example", Name: "Ada Lovelace", Phone: "+1 555 0100"})
	require.NoError(t, err)
	eventually(t, "first alignment", func() bool {
		return sfGet(sfID)["Phone"] == "+1 555 0100" && jobTitle(icID) == "Engineer"
	})
	idle(t, d)
	require.NoError(t, d.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0199"}))
	require.NoError(t, d.Salesforce.Update("Contact", sfID, map[string]any{"Title": "CTO"}))
	eventually(t, "both changes synced", func() bool { return sfGet(sfID)["Phone"] == "+1 555 0199" && jobTitle(icID) == "CTO" })
	idle(t, d)
	phone := lastWrite(t, db, icID, "Phone")
	require.Equal(t, "+1 555 0100", phone.OldValue)
	require.Equal(t, "+1 555 0199", phone.NewValue)
	title := lastWrite(t, db, icID, "custom_attributes.job_title")
	require.Equal(t, "Engineer", title.OldValue)
	require.Equal(t, "CTO", title.NewValue)

	c := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))
	token := c.csrf()
	revert := func(id int64) (int, string, http.Header) {
		status, body, h := c.do("POST", "/admin/audit/"+itoa(id)+"/revert", url.Values{"csrf": {token}, "back": {"/admin/audit?record=" + icID}})
		return status, html.UnescapeString(body), h
	}

	status, _, _ := c.do("POST", "/admin/audit/"+itoa(phone.ID)+"/revert", url.Values{"csrf": {"forged"}})
	require.Equal(t, http.StatusForbidden, status, "no revert without the session's CSRF token")
	require.Equal(t, "+1 555 0199", sfGet(sfID)["Phone"])

	// Towards Salesforce: Intercom owns phone, so both sides go back.
	status, _, h := revert(phone.ID)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/admin/audit?record="+icID, h.Get("Location"))
	require.Equal(t, "+1 555 0100", sfGet(sfID)["Phone"])
	require.Equal(t, "+1 555 0100", icGet(icID)["phone"])
	_, body, _ := c.do("GET", "/admin/audit?record="+icID, nil)
	require.Contains(t, body, "Audit entry "+itoa(phone.ID)+" reverted")
	require.Contains(t, body, "revert of audit entry "+itoa(phone.ID))
	got := lastWrite(t, db, icID, "Phone")
	require.Equal(t, tandem.AuditEntry{ID: got.ID, InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
		Object: tandem.ObjectContact, IntercomID: icID, SalesforceID: sfID, Field: "Phone", OldValue: "+1 555 0199", NewValue: "+1 555 0100",
		Cause: tandem.CauseAction, At: got.At, Reason: "revert of audit entry " + itoa(phone.ID)}, got)
	owner := lastWrite(t, db, icID, "phone")
	require.Equal(t, tandem.ToIntercom, owner.Direction)
	require.Equal(t, "+1 555 0199", owner.OldValue)
	require.Equal(t, "+1 555 0100", owner.NewValue)
	require.Equal(t, tandem.CauseAction, owner.Cause)
	require.Equal(t, got.Reason, owner.Reason)

	// Towards Intercom: Salesforce owns Title.
	status, _, _ = revert(title.ID)
	require.Equal(t, http.StatusSeeOther, status)
	_, body, _ = c.do("GET", "/admin/audit?record="+icID, nil)
	require.Contains(t, body, "Audit entry "+itoa(title.ID)+" reverted", "the page says: %s", flashOf(body))
	require.Equal(t, "Engineer", sfGet(sfID)["Title"])
	require.Equal(t, "Engineer", jobTitle(icID))

	// The next sync (the webhook of the Intercom write, a poll) keeps both.
	idle(t, d)
	for _, o := range []tandem.Object{tandem.ObjectContact} {
		_, err := d.App.Syncer.Poll(ctx, o)
		require.NoError(t, err)
	}
	idle(t, d)
	require.Equal(t, "+1 555 0100", sfGet(sfID)["Phone"])
	require.Equal(t, "Engineer", jobTitle(icID))
	require.Equal(t, got.ID, lastWrite(t, db, icID, "Phone").ID, "no write of Phone after the revert")

	// Changed since: the field no longer holds the entry's new value.
	status, body, _ = revert(phone.ID)
	require.Equal(t, http.StatusConflict, status)
	require.Contains(t, body, `Salesforce Contact.Phone now holds "+1 555 0100", not "+1 555 0199" as entry `+itoa(phone.ID)+` left it; nothing was reverted.`)
	// The owner changed and the change is not synced yet.
	for _, sub := range d.Intercom.Subscriptions() {
		require.True(t, d.Intercom.Unsubscribe(sub.ID))
	}
	require.NoError(t, d.Intercom.UpdateContact(icID, map[string]any{"phone": "+1 555 0300"}))
	status, body, _ = revert(got.ID)
	require.Equal(t, http.StatusConflict, status)
	require.Contains(t, body, `Intercom contact phone, which owns the field, now holds "+1 555 0300", a change not synced yet`)
	require.Equal(t, "+1 555 0100", sfGet(sfID)["Phone"], "nothing written")

	// The mapping no longer exists.
	odd, err := db.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
		Object: tandem.ObjectContact, IntercomID: icID, SalesforceID: sfID, Field: "Fax", OldValue: "1", NewValue: "2", Cause: tandem.CauseWebhook})
	require.NoError(t, err)
	status, body, _ = revert(odd.ID)
	require.Equal(t, http.StatusConflict, status)
	require.Contains(t, body, "contact Fax is no longer mapped towards Salesforce")

	// The records are no longer linked, or one is gone.
	gone, err := db.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
		Object: tandem.ObjectContact, IntercomID: "6650000000000000000000ff", SalesforceID: "003000000000999AAA", Field: "Phone",
		OldValue: "1", NewValue: "2", Cause: tandem.CauseWebhook})
	require.NoError(t, err)
	status, body, _ = revert(gone.ID)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body, "is no longer linked")
	lone, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "lone@revert.example", Phone: "2"})
	require.NoError(t, err)
	_, err = db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: lone, SalesforceID: "003000000000999AAA", MatchedBy: "email", MatchKey: "lone@revert.example"})
	require.NoError(t, err)
	gone, err = db.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: tandem.DefaultInstallation, Direction: tandem.ToSalesforce,
		Object: tandem.ObjectContact, IntercomID: lone, SalesforceID: "003000000000999AAA", Field: "Phone",
		OldValue: "1", NewValue: "2", Cause: tandem.CauseWebhook})
	require.NoError(t, err)
	status, body, _ = revert(gone.ID)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body, "The Salesforce Contact 003000000000999AAA no longer exists")

	status, _, _ = revert(999999)
	require.Equal(t, http.StatusNotFound, status)
}

// flashOf returns the message a console page shows after an action.
func flashOf(body string) string {
	_, rest, ok := strings.Cut(body, `class="flash"`)
	if !ok {
		return "(no message)"
	}
	msg, _, _ := strings.Cut(rest, "</p>")
	return html.UnescapeString(msg)
}
