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

// BenchmarkWebhookToCase measures the time from a conversation started by
// a Salesforce Contact (conversation.user.created) to its Case existing in
// Salesforce, through the webhook, the job queue and the Case engine, and
// reports the median and the 95th percentile.
//
//	go test -run '^$' -bench WebhookToCase -benchtime 50x ./internal/app/
func BenchmarkWebhookToCase(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchWebhookToCase(b, "") })
	b.Run("postgres", func(b *testing.B) { benchWebhookToCase(b, storetest.PostgresURL(b)) })
}

func benchWebhookToCase(b *testing.B, dbURL string) {
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: b.TempDir(), DatabaseURL: dbURL, PollInterval: time.Hour, Cases: true, Options: app.Options{NoPeriodic: true},
	})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, d.Close()) })
	until := func(cond func() bool) {
		deadline := time.Now().Add(15 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				b.Fatal("timed out")
			}
			time.Sleep(time.Millisecond)
		}
	}
	const people = 10
	var contacts []string
	for i := range people {
		email := fmt.Sprintf("casebench%d@customer.example", i)
		_, err := d.Salesforce.Insert("Contact", map[string]any{"LastName": fmt.Sprint("Bench", i), "Email": email})
		require.NoError(b, err)
		id, err := d.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: email})
		require.NoError(b, err)
		contacts = append(contacts, id)
	}
	for _, id := range contacts {
		until(func() bool {
			_, err := d.App.Store.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, id)
			return err == nil
		})
	}
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		convID, err := d.Intercom.CreateConversation(contacts[i%people], "The export to CSV fails.")
		require.NoError(b, err)
		until(func() bool {
			for _, c := range d.Salesforce.All("Case") {
				if c["Intercom_Conversation_Id__c"] == convID {
					return true
				}
			}
			return false
		})
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(samples)
	ms := func(q float64) float64 { return float64(samples[int(q*float64(len(samples)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.95), "p95_ms")
}
