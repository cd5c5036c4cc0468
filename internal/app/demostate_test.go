package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
)

// startInDir starts a seeded demo keeping its state in dir. The returned
// stop closes it (once).
func startInDir(t *testing.T, dir, dbURL string) (*env, func()) {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: dir, DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond, Seed: true,
		Options: app.Options{River: testQueue},
	})
	require.NoError(t, err)
	closed := false
	stop := func() {
		if !closed {
			closed = true
			require.NoError(t, d.Close())
		}
	}
	t.Cleanup(stop)
	return &env{Demo: d, t: t}, stop
}

// demoCounts counts the records of both simulators.
func demoCounts(e *env) map[string]int {
	out := map[string]int{"intercom contacts": len(e.Intercom.Contacts()), "intercom companies": len(e.Intercom.Companies())}
	for _, o := range []string{"Contact", "Lead", "Account", "User"} {
		out["salesforce "+o] = e.Salesforce.Count(o)
	}
	return out
}

// waitForDemoLinks waits until every person and company that exists on
// both sides (same email, company_id = AccountNumber) is linked, and
// returns the links.
func waitForDemoLinks(e *env) []tandem.Link {
	sfByKey := map[string]bool{}
	for _, o := range []string{"Contact", "Lead"} {
		for _, r := range e.Salesforce.All(o) {
			if email, _ := r["Email"].(string); email != "" {
				sfByKey[o+" "+email] = true
			}
		}
	}
	for _, r := range e.Salesforce.All("Account") {
		if n, _ := r["AccountNumber"].(string); n != "" {
			sfByKey["Account "+n] = true
		}
	}
	want := 0
	for _, c := range e.Intercom.Contacts() {
		obj, sobject := tandem.ObjectContact, "Contact"
		if c["role"] == "lead" {
			obj, sobject = tandem.ObjectLead, "Lead"
		}
		if sfByKey[sobject+" "+c["email"].(string)] {
			e.linked(obj, c["id"].(string))
			want++
		}
	}
	for _, co := range e.Intercom.Companies() {
		if sfByKey["Account "+co["company_id"].(string)] {
			e.linked(tandem.ObjectAccount, co["id"].(string))
			want++
		}
	}
	require.Greater(e.t, want, 20, "the demo data overlaps")
	links, err := e.App.Store.ListLinks(context.Background(), store.ListLinksParams{Installation: tandem.DefaultInstallation, Limit: 1000})
	require.NoError(e.t, err)
	require.GreaterOrEqual(e.t, len(links), want)
	return links
}

// requireLinksResolve checks that both records of every link exist.
func requireLinksResolve(e *env, links []tandem.Link) {
	e.t.Helper()
	for _, l := range links {
		if l.Object == tandem.ObjectAccount {
			_, ok := e.Intercom.Company(l.IntercomID)
			require.True(e.t, ok, "Intercom company %s of link %d", l.IntercomID, l.ID)
		} else {
			_, ok := e.Intercom.Contact(l.IntercomID)
			require.True(e.t, ok, "Intercom contact %s of link %d", l.IntercomID, l.ID)
		}
		rec, ok := e.Salesforce.Get(l.Object.SObject(), l.SalesforceID)
		require.True(e.t, ok, "Salesforce %s %s of link %d", l.Object.SObject(), l.SalesforceID, l.ID)
		require.Equal(e.t, false, rec["IsDeleted"], "Salesforce %s %s of link %d", l.Object.SObject(), l.SalesforceID, l.ID)
	}
}

func TestDemoRestartRestoresTheSimulators(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		dir := t.TempDir()
		e, stop := startInDir(t, dir, dbURL)
		require.False(t, e.Restored)
		links := waitForDemoLinks(e)
		requireLinksResolve(e, links)

		// Changes of the first run: an Intercom edit synced to Salesforce,
		// and a Lead created from an Intercom-only lead.
		var user tandem.Link
		for _, l := range links {
			if l.Object == tandem.ObjectContact {
				user = l
				break
			}
		}
		e.idle()
		require.NoError(t, e.Intercom.UpdateContact(user.IntercomID, map[string]any{"phone": "+1 415 555 7777"}))
		eventually(t, "phone in Salesforce", func() bool { return e.sf("Contact", user.SalesforceID)["Phone"] == "+1 415 555 7777" })
		var loneLead string
		for _, c := range e.Intercom.Contacts() {
			if c["role"] != "lead" {
				continue
			}
			if _, err := e.App.Store.LinkByIntercomID(context.Background(), tandem.DefaultInstallation, tandem.ObjectLead, c["id"].(string)); err != nil {
				loneLead = c["id"].(string)
				break
			}
		}
		require.NotEmpty(t, loneLead, "an Intercom-only lead")
		status, out := e.createLead(`{"intercom_contact_id":"` + loneLead + `"}`)
		require.Equal(t, 201, status, "%v", out)
		newLead := out["salesforce_id"].(string)
		e.idle()
		counts := demoCounts(e)
		links, err := e.App.Store.ListLinks(context.Background(), store.ListLinksParams{Installation: tandem.DefaultInstallation, Limit: 1000})
		require.NoError(t, err)
		stop()
		for _, f := range []string{app.IntercomStateFile, app.SalesforceStateFile} {
			_, err := os.Stat(filepath.Join(dir, f))
			require.NoError(t, err)
		}

		// The second run restores both sides as the first left them.
		e, _ = startInDir(t, dir, dbURL)
		require.True(t, e.Restored)
		require.Equal(t, counts, demoCounts(e), "no re-seed")
		again, err := e.App.Store.ListLinks(context.Background(), store.ListLinksParams{Installation: tandem.DefaultInstallation, Limit: 1000})
		require.NoError(t, err)
		require.Len(t, again, len(links))
		requireLinksResolve(e, again)
		require.Equal(t, "+1 415 555 7777", e.ic(user.IntercomID)["phone"])
		require.Equal(t, "+1 415 555 7777", e.sf("Contact", user.SalesforceID)["Phone"])
		e.sf("Lead", newLead)
		require.Len(t, e.Intercom.Subscriptions(), 1, "one subscription, to this run's bridge")
		require.Equal(t, e.URL+"/intercom/webhooks", e.Intercom.Subscriptions()[0].URL)

		// Changes after the restart flow both ways.
		require.NoError(t, e.Intercom.UpdateContact(user.IntercomID, map[string]any{"phone": "+1 415 555 8888"}))
		eventually(t, "new phone in Salesforce", func() bool { return e.sf("Contact", user.SalesforceID)["Phone"] == "+1 415 555 8888" })
		require.NoError(t, e.Salesforce.Update("Contact", user.SalesforceID, map[string]any{"Title": "Chief Restorer"}))
		eventually(t, "new title in Intercom", func() bool { return customAttr(e.ic(user.IntercomID), "job_title") == "Chief Restorer" })
		require.NoError(t, e.Intercom.UpdateContact(loneLead, map[string]any{"phone": "+44 20 7946 9999"}))
		eventually(t, "phone on the created Lead", func() bool { return e.sf("Lead", newLead)["Phone"] == "+44 20 7946 9999" })
	})
}

func TestDemoSavesPeriodically(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: dir, PollInterval: time.Hour, NoWebhooks: true, SaveInterval: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	closed := false
	t.Cleanup(func() {
		if !closed {
			require.NoError(t, d.Close())
		}
	})

	// A record made while the demo runs reaches the snapshot without a
	// Close: a killed demo would find it.
	id, err := d.Salesforce.Insert("Account", map[string]any{"Name": "Saved While Running"})
	require.NoError(t, err)
	eventually(t, "the Account in the snapshot", func() bool {
		b, err := os.ReadFile(filepath.Join(dir, app.SalesforceStateFile))
		return err == nil && strings.Contains(string(b), id)
	})
	// While it runs a save may be half-written; once stopped, none is left.
	closed = true
	require.NoError(t, d.Close())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp-", "no temporary file left behind")
	}
}

func TestDemoRefusesAnUnreadableSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, app.IntercomStateFile), []byte(`{"format":"intercomsim-state","version":999}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, app.SalesforceStateFile), []byte(`{}`), 0o600))
	_, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: dir, PollInterval: time.Hour, Seed: true,
	})
	require.ErrorContains(t, err, "format version 999")
	require.ErrorContains(t, err, "remove the file to start afresh")
}
