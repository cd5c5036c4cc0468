package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// BenchmarkWebhookToTask measures how long a new conversation takes to
// become a Salesforce Task: from its creation in the Intercom simulator
// (which sends conversation.user.created at once) to the Task's existence
// in the Salesforce simulator, through the webhook endpoint, the job queue
// and the Task service. It reports the median and the 95th percentile.
//
//	go test ./internal/app -run '^$' -bench WebhookToTask -benchtime 200x
func BenchmarkWebhookToTask(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchConversationToRecord(b, "", false, "Task") })
	b.Run("postgres", func(b *testing.B) { benchConversationToRecord(b, storetest.PostgresURL(b), false, "Task") })
}

// BenchmarkWebhookToCase is the same for the conversation's Case.
//
//	go test ./internal/app -run '^$' -bench WebhookToCase -benchtime 50x
func BenchmarkWebhookToCase(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchConversationToRecord(b, "", true, "Case") })
	b.Run("postgres", func(b *testing.B) { benchConversationToRecord(b, storetest.PostgresURL(b), true, "Case") })
}

// benchConversationToRecord times conversations started by linked
// Contacts until the sObject made from each exists.
func benchConversationToRecord(b *testing.B, dbURL string, cases bool, sobject string) {
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: b.TempDir(), DatabaseURL: dbURL, PollInterval: time.Hour, Cases: cases, Options: app.Options{NoPeriodic: true},
	})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, d.Close()) })
	const people = 10
	var contacts []string
	for i := range people {
		email := fmt.Sprintf("bench%d@customer.example", i)
		_, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": fmt.Sprint("Bench", i), "Email": email})
		require.NoError(b, err)
		id, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email})
		require.NoError(b, err)
		contacts = append(contacts, id)
	}
	for _, id := range contacts {
		waitFor(b, func() bool {
			_, err := d.App.Store.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, id)
			return err == nil
		})
	}

	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := d.Salesforce.Count(sobject)
		start := time.Now()
		_, err := d.Intercom.CreateConversation(contacts[i%people], "How do I export my data?")
		require.NoError(b, err)
		waitFor(b, func() bool { return d.Salesforce.Count(sobject) > before })
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(samples)
	ms := func(q float64) float64 {
		return float64(samples[int(q*float64(len(samples)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.95), "p95_ms")
}

// waitFor polls cond every millisecond for up to 15 s.
func waitFor(b *testing.B, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
