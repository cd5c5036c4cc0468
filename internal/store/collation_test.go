package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

// On Postgres every text column an index of tandem's holds compares bytes
// (collation "C"), as SQLite does, whatever the database's own collation:
// index writes skip the collation library, and prefix ranges are exact.
func TestPostgresIndexesCompareBytes(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	rows, err := db.SQL().QueryContext(context.Background(), `
		SELECT DISTINCT c.relname, a.attname, coalesce(co.collname, '')
		FROM pg_index AS i
		JOIN pg_class AS c ON c.oid = i.indrelid
		JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		LEFT JOIN pg_collation AS co ON co.oid = a.attcollation
		WHERE c.relname LIKE 'tandem\_%' AND c.relnamespace = current_schema()::regnamespace
			AND a.atttypid = 'text'::regtype
		ORDER BY 1, 2`)
	require.NoError(t, err)
	defer rows.Close()
	var n int
	for rows.Next() {
		var table, column, collation string
		require.NoError(t, rows.Scan(&table, &column, &collation))
		require.Equal(t, "C", collation, "%s.%s", table, column)
		n++
	}
	require.NoError(t, rows.Err())
	require.Greater(t, n, 20, "indexed text columns found")
}
