package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// BenchmarkPanelInitialize measures the inbox panel's initialize request as
// Intercom sends it (signed, through the Intercom simulator) with every
// Salesforce call taking 100 ms: "miss" reads Salesforce (the person's
// cache dropped before each request), "hit" answers from the cache. It
// reports p50 and p95 in milliseconds:
//
//	go test ./internal/app -run '^$' -bench PanelInitialize -benchtime 40x
func BenchmarkPanelInitialize(b *testing.B) {
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: b.TempDir(), PollInterval: time.Hour, Seed: true, Inbox: true, Cases: true, NoWebhooks: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = d.Close() })
	admin := d.Intercom.Admins()[0]["id"].(string)
	conv := d.InboxConversations[sfsim.SeedTwoOpportunitiesEmail]
	var contactID string
	for _, c := range d.Intercom.Contacts() {
		if c["email"] == sfsim.SeedTwoOpportunitiesEmail {
			contactID = c["id"].(string)
		}
	}
	d.Salesforce.Faults().SetLatency(100 * time.Millisecond)
	url := d.URL + "/intercom/canvas/initialize"
	ctx := context.Background()
	for _, mode := range []string{"miss", "hit"} {
		b.Run(mode, func(b *testing.B) {
			if _, err := d.Intercom.CanvasInitialize(ctx, url, conv, admin); err != nil { // warm describe, connections
				b.Fatal(err)
			}
			var took []time.Duration
			for b.Loop() {
				if mode == "miss" {
					d.App.Panel.Forget(contactID)
				}
				start := time.Now()
				if _, err := d.Intercom.CanvasInitialize(ctx, url, conv, admin); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			q := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
			}
			b.ReportMetric(q(0.50), "p50-ms")
			b.ReportMetric(q(0.95), "p95-ms")
		})
	}
}
