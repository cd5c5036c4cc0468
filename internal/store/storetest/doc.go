// Package storetest holds the store conformance suite ([Exercise]) that both
// database engines pass, and the helpers other packages' tests use to get a
// fresh, migrated database: [SQLite], [Postgres] and [Engines].
//
// Postgres tests run when TANDEM_TEST_DATABASE_URL is set (each test gets
// its own schema, dropped afterwards); they are skipped otherwise, unless
// TANDEM_REQUIRE_POSTGRES=1 makes a missing URL a failure (CI).
package storetest
