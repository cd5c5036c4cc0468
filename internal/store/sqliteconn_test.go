package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// keptOf returns the statements the pool's one connection keeps.
func keptOf(t *testing.T, db *sql.DB) map[string]*keptStmt {
	t.Helper()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var kept map[string]*keptStmt
	require.NoError(t, conn.Raw(func(c any) error {
		kept = c.(*keepingConn).stmts
		return nil
	}))
	return kept
}

func TestSQLiteConnKeepsStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := openSQLite(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
	require.NoError(t, err)

	const insert = `INSERT INTO t (v) VALUES (?) RETURNING id`
	for i := range 3 {
		var id int
		require.NoError(t, db.QueryRowContext(ctx, insert, fmt.Sprint("v", i)).Scan(&id))
		require.Equal(t, i+1, id, "a kept INSERT … RETURNING runs once per call")
	}
	first := keptOf(t, db)[insert]
	require.NotNil(t, first, "run directly, the statement is kept")
	var n int
	require.NoError(t, db.QueryRowContext(ctx, insert, "again").Scan(&n))
	require.Same(t, first, keptOf(t, db)[insert], "and run again from there")

	t.Run("the same query while its rows are open", func(t *testing.T) {
		const q = `SELECT id, v FROM t WHERE id <= ? ORDER BY id`
		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		count := func(id int) int {
			rows, err := tx.QueryContext(ctx, q, id)
			require.NoError(t, err)
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			require.NoError(t, rows.Err())
			return n
		}
		var got []string
		func() {
			outer, err := tx.QueryContext(ctx, q, 2)
			require.NoError(t, err)
			defer outer.Close()
			for outer.Next() {
				var (
					id int
					v  string
				)
				require.NoError(t, outer.Scan(&id, &v))
				// The kept statement is busy with the outer rows: this
				// run must not reset them.
				got = append(got, fmt.Sprintf("%s:%d", v, count(id)))
			}
			require.NoError(t, outer.Err())
		}()
		require.Equal(t, []string{"v0:1", "v1:2"}, got)
		require.NoError(t, tx.Commit())
	})

	t.Run("full, the least recently used statement makes room", func(t *testing.T) {
		for i := range keptStmts + 20 {
			var got int
			require.NoError(t, db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + count(*) FROM t`, i)).Scan(&got))
			require.Equal(t, i+4, got)
		}
		kept := keptOf(t, db)
		require.Len(t, kept, keptStmts)
		require.Contains(t, kept, fmt.Sprintf(`SELECT %d + count(*) FROM t`, keptStmts+19))
		require.NotContains(t, kept, insert)
		var id int
		require.NoError(t, db.QueryRowContext(ctx, insert, "after").Scan(&id))
		require.Equal(t, 5, id)
	})

	t.Run("an error leaves the statement usable", func(t *testing.T) {
		const q = `INSERT INTO t (id, v) VALUES (?, ?)`
		_, err := db.ExecContext(ctx, q, 1, "duplicate")
		require.ErrorContains(t, err, "UNIQUE")
		_, err = db.ExecContext(ctx, q, 100, "fine")
		require.NoError(t, err)
		var v string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT v FROM t WHERE id = ?`, 100).Scan(&v))
		require.Equal(t, "fine", v)
	})
}
