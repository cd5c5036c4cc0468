package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// alignPage is the page size of the batched variants, as the bulk sync
// reads records.
const alignPage = 200

// alignRecord is what aligning one pair writes: its link, three shadow
// values and two audit entries.
func alignRecord(i int) (tandem.Link, map[string]string, []tandem.AuditEntry) {
	l := tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: fmt.Sprintf("ic-%d", i), SalesforceID: fmt.Sprintf("003%015d", i),
		MatchedBy: "email", MatchKey: fmt.Sprintf("p%d@example.com", i)}
	shadows := map[string]string{"Phone": fmt.Sprint("+1555", i), "Title": "Engineer", "Email": l.MatchKey}
	audit := []tandem.AuditEntry{
		{InstallationID: l.InstallationID, Direction: tandem.ToSalesforce, Object: l.Object, IntercomID: l.IntercomID,
			SalesforceID: l.SalesforceID, Field: "Phone", NewValue: shadows["Phone"], Cause: tandem.CauseBulk},
		{InstallationID: l.InstallationID, Direction: tandem.ToIntercom, Object: l.Object, IntercomID: l.IntercomID,
			SalesforceID: l.SalesforceID, Field: "Title", NewValue: "Engineer", Cause: tandem.CauseBulk},
	}
	return l, shadows, audit
}

// BenchmarkAlign measures the store's share of aligning one pair during a
// bulk sync (link, shadows, audit), per record:
//
//   - "single": one call per write on the DB, each its own transaction (as
//     the engine aligns a record today);
//   - "tx-per-record": the same calls inside one InTx per record;
//   - "tx-per-page": the same calls for a page of records in one InTx;
//   - "batch": a page in one InTx through UpsertLinks, SetShadowsMany and
//     one InsertAudit.
//
// Run with
//
//	TANDEM_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench Align -benchtime 2000x ./internal/store/
func BenchmarkAlign(b *testing.B) {
	ctx := context.Background()
	for name, open := range storetest.Engines() {
		b.Run(name+"/single", func(b *testing.B) {
			db := open(b)
			b.ResetTimer()
			for i := range b.N {
				l, shadows, audit := alignRecord(i)
				stored, err := db.UpsertLink(ctx, l)
				require.NoError(b, err)
				require.NoError(b, db.SetShadows(ctx, stored.ID, shadows))
				require.NoError(b, db.InsertAudit(ctx, audit...))
			}
		})
		b.Run(name+"/tx-per-record", func(b *testing.B) {
			db := open(b)
			b.ResetTimer()
			for i := range b.N {
				l, shadows, audit := alignRecord(i)
				require.NoError(b, db.InTx(ctx, func(tx *store.Tx) error {
					stored, err := tx.UpsertLink(ctx, l)
					if err != nil {
						return err
					}
					if err := tx.SetShadows(ctx, stored.ID, shadows); err != nil {
						return err
					}
					return tx.InsertAudit(ctx, audit...)
				}))
			}
		})
		b.Run(name+"/tx-per-page", func(b *testing.B) {
			db := open(b)
			b.ResetTimer()
			for start := 0; start < b.N; start += alignPage {
				require.NoError(b, db.InTx(ctx, func(tx *store.Tx) error {
					for i := start; i < min(start+alignPage, b.N); i++ {
						l, shadows, audit := alignRecord(i)
						stored, err := tx.UpsertLink(ctx, l)
						if err != nil {
							return err
						}
						if err := tx.SetShadows(ctx, stored.ID, shadows); err != nil {
							return err
						}
						if err := tx.InsertAudit(ctx, audit...); err != nil {
							return err
						}
					}
					return nil
				}))
			}
		})
		b.Run(name+"/batch", func(b *testing.B) {
			db := open(b)
			b.ResetTimer()
			for start := 0; start < b.N; start += alignPage {
				var (
					links   []tandem.Link
					shadows []map[string]string
					audit   []tandem.AuditEntry
				)
				for i := start; i < min(start+alignPage, b.N); i++ {
					l, sh, au := alignRecord(i)
					links, shadows, audit = append(links, l), append(shadows, sh), append(audit, au...)
				}
				require.NoError(b, db.InTx(ctx, func(tx *store.Tx) error {
					stored, err := tx.UpsertLinks(ctx, links)
					if err != nil {
						return err
					}
					values := make(map[int64]map[string]string, len(stored))
					for i, l := range stored {
						values[l.ID] = shadows[i]
					}
					if err := tx.SetShadowsMany(ctx, values); err != nil {
						return err
					}
					return tx.InsertAudit(ctx, audit...)
				}))
			}
		})
	}
}

// BenchmarkBulkPages measures what a bulk sync's alignment asks of the
// store per pair, the way it asks it: the links of a page of 2,000
// Salesforce records in one transaction, then their three shadows each in
// another. The Salesforce ids come in order, as the alignment reads them;
// the Intercom ids and match keys in none, as in a real workspace (the
// bench command's seeded data has them in order too).
//
//	go test -run '^$' -bench BulkPages -benchtime 100000x -count 5 ./internal/store/
func BenchmarkBulkPages(b *testing.B) {
	const page = 2000
	ctx := context.Background()
	for name, open := range storetest.Engines() {
		b.Run(name, func(b *testing.B) {
			db := open(b)
			b.ResetTimer()
			for start := 0; start < b.N; start += page {
				var links []tandem.Link
				for i := start; i < min(start+page, b.N); i++ {
					h := uint32(i) * 2654435761 // scatters the Intercom ids and keys
					links = append(links, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
						IntercomID: fmt.Sprintf("%024x", h), SalesforceID: fmt.Sprintf("003%015d", i),
						MatchedBy: "email", MatchKey: fmt.Sprintf("%08x@example.com", h)})
				}
				stored, err := db.UpsertLinks(ctx, links)
				require.NoError(b, err)
				values := make(map[int64]map[string]string, len(stored))
				for i, l := range stored {
					values[l.ID] = map[string]string{"sf:Phone": fmt.Sprint("+1555", start+i), "sf:Plan__c": "Pro",
						"ic:custom_attributes.job_title": l.MatchKey}
				}
				_, err = db.SetShadowsOfLinked(ctx, values, nil)
				require.NoError(b, err)
			}
		})
	}
}
