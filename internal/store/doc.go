// Package store is tandem's persistence seam: identity links, shadow values,
// key/value sync state, webhook de-duplication, sync errors, the audit log
// and bulk-sync progress, together with River's job tables in the same
// database.
//
// One implementation over database/sql serves both engines: SQLite
// (modernc.org/sqlite, the default, one file under the data directory) and
// Postgres (pgx's stdlib driver). The SQL is written once in the dialect
// both accept: $n placeholders, INSERT … ON CONFLICT, RETURNING, times as
// BIGINT unix microseconds. Schema migrations are embedded per engine and
// applied by [DB.Migrate], which also runs River's migrations.
//
// Every query method exists on both [DB] and [Tx] (see [Queries]), so a
// caller can write a link and insert the River job it causes in one
// transaction:
//
//	err := db.InTx(ctx, func(tx *store.Tx) error {
//		link, err := tx.UpsertLink(ctx, l)
//		if err != nil {
//			return err
//		}
//		_, err = riverClient.InsertTx(ctx, tx.SQLTx(), args, nil)
//		return err
//	})
//
// The bulk sync writes a page of records at once with [Queries.UpsertLinks],
// [Queries.SetShadowsMany] and [Queries.InsertAudit] on the Tx of one
// InTx. Statements are prepared once per pool and reused (see stmtCache).
//
// On SQLite the pool holds a single connection (as River's SQLite driver
// advises), so code running inside InTx must use the *Tx it is given and
// never the *DB: a second connection is never available and the call would
// wait forever.
package store
