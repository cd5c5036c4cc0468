package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
)

// In the demo, a conversation started by the Contact with one open
// Opportunity role becomes a Task related to it (BenchmarkWebhookToTask
// measures how soon); the
// Contact with two gets a Task related to none; closing closes the Task.
func TestDemoTasksAndOpportunities(t *testing.T) {
	t.Parallel()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: 200 * time.Millisecond, Seed: true, Cases: true,
		Options: app.Options{River: testQueue},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	e := &env{Demo: d, t: t}
	ctx := context.Background()

	contact := func(email string) (icID, sfID string) {
		for _, c := range e.Salesforce.All("Contact") {
			if strings.EqualFold(c["Email"].(string), email) {
				sfID = c["Id"].(string)
			}
		}
		for _, c := range e.Intercom.Contacts() {
			if strings.EqualFold(c["email"].(string), email) {
				icID = c["id"].(string)
			}
		}
		require.NotEmpty(t, sfID)
		require.NotEmpty(t, icID)
		eventually(t, "the link of "+email, func() bool {
			l, err := e.App.Store.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, icID)
			return err == nil && l.SalesforceID == sfID
		})
		return icID, sfID
	}
	taskOf := func(whoID string) map[string]any {
		for _, tk := range e.Salesforce.All("Task") {
			if tk["WhoId"] == whoID {
				return tk
			}
		}
		return nil
	}
	openOpp := func(name string) string {
		for _, o := range e.Salesforce.All("Opportunity") {
			if o["Name"] == name {
				return o["Id"].(string)
			}
		}
		t.Fatalf("no opportunity %s", name)
		return ""
	}

	adaIC, adaSF := contact("ada.lovelace@acme-analytics.com")
	convID, err := e.Intercom.CreateConversation(adaIC, "Can we add ten seats before the renewal?")
	require.NoError(t, err)
	eventually(t, "Ada's Task", func() bool { return taskOf(adaSF) != nil })
	require.Equal(t, openOpp("Acme Analytics — platform renewal"), taskOf(adaSF)["WhatId"], "the one open Opportunity (the won one is closed)")

	graceIC, graceSF := contact("grace.hopper@birchlogistics.io")
	_, err = e.Intercom.CreateConversation(graceIC, "Which plan covers both projects?")
	require.NoError(t, err)
	eventually(t, "Grace's Task", func() bool { return taskOf(graceSF) != nil })
	require.Nil(t, taskOf(graceSF)["WhatId"], "two open Opportunities: no relation")

	admin := e.Intercom.AddAdmin("Lena Vogel", "lena.v@tandem-demo.com")
	require.NoError(t, e.Intercom.ReplyAsAdmin(convID, admin, "Done, ten seats added.", false))
	require.NoError(t, e.Intercom.CloseConversation(convID, admin))
	eventually(t, "Ada's Task closed with the transcript", func() bool {
		tk := taskOf(adaSF)
		return tk["IsClosed"] == true && strings.Contains(tk["Description"].(string), "ten seats added")
	})
}
