package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache; once it is full, further
// queries run unprepared. tandem has well under a hundred distinct
// statements.
const maxCachedStmts = 256

// stmtCache holds the prepared statements of one pool, keyed by query
// text, so that a statement is parsed once per connection rather than at
// every call (on SQLite parsing is a large part of a small write).
//
// Outside a transaction a statement is prepared on the pool when first
// used. Inside one it cannot be: preparing on the pool needs a free
// connection, and SQLite's only connection is the transaction's. There,
// a statement not yet in the cache is prepared on the transaction alone
// and marked wanted; the next transaction to begin prepares the wanted
// ones on the pool first, and from then on transactions bind the shared
// statement with [sql.Tx.StmtContext], which reuses what is already
// prepared on their connection.
//
// Only ExecContext and QueryRowContext use the cache; QueryContext does
// not, because a SQLite statement cannot be run again while rows of an
// earlier run are open. Statements whose text depends on the number of
// arguments (IN lists, multi-row inserts) bypass it through queries.raw.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
	closed bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup returns the shared statement of query, if prepared.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	return st, ok
}

// prepared returns the shared statement of query, preparing it on the pool
// if needed; nil when the cache is full or closed, or preparing failed (the
// caller then runs the query unprepared, which reports the error).
func (c *stmtCache) prepared(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	if st, ok := c.stmts[query]; ok || c.closed || len(c.stmts) >= maxCachedStmts {
		c.mu.Unlock()
		return st
	}
	c.mu.Unlock()
	return c.prepare(ctx, query)
}

func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	delete(c.wanted, query)
	if other, ok := c.stmts[query]; ok || c.closed || len(c.stmts) >= maxCachedStmts {
		c.mu.Unlock()
		// Prepared concurrently by someone else, or no room any more.
		// Closed outside the cache's lock: closing waits for every
		// connection the statement is prepared on, and one of them may be
		// running a query that waits (for a row or an advisory lock) on a
		// transaction that needs the cache.
		st.Close()
		return other
	}
	c.stmts[query] = st
	c.mu.Unlock()
	return st
}

// want marks query to be prepared on the pool before the next transaction
// and reports whether the cache has room for it.
func (c *stmtCache) want(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || len(c.stmts)+len(c.wanted) >= maxCachedStmts {
		return false
	}
	c.wanted[query] = true
	return true
}

// prepareWanted prepares the wanted statements on the pool; it is called
// before a transaction begins, while no connection is held.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	c.mu.Unlock()
	for _, q := range queries {
		if c.prepare(ctx, q) == nil {
			c.mu.Lock()
			delete(c.wanted, q) // do not try again and again
			c.mu.Unlock()
		}
	}
}

// close closes every cached statement; later lookups find none.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	stmts := c.stmts
	c.stmts = map[string]*sql.Stmt{}
	c.mu.Unlock()
	for _, st := range stmts {
		st.Close()
	}
}

// cachedDB runs a pool's statements through its cache.
type cachedDB struct {
	db    *sql.DB
	cache *stmtCache
}

func (c cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.cache.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.cache.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(ctx, query, args...)
}

// cachedTx runs a transaction's statements through the pool's cache; the
// statements it binds or prepares are closed with the transaction.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache

	mu    sync.Mutex
	local map[string]*sql.Stmt
}

// stmt returns the transaction's statement of query, or nil when the
// cache is full. A failed preparation is returned: on Postgres it has
// aborted the transaction, so running the query unprepared would only
// hide the cause.
func (c *cachedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.local[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if shared, ok := c.cache.lookup(query); ok {
		st = c.tx.StmtContext(ctx, shared)
	} else if c.cache.want(query) {
		var err error
		if st, err = c.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	} else {
		return nil, nil
	}
	if c.local == nil {
		c.local = map[string]*sql.Stmt{}
	}
	c.local[query] = st
	return st, nil
}

func (c *cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	} else if st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}

func (c *cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	// A *sql.Row cannot carry a preparation error; the unprepared query
	// reports one (on Postgres as the aborted transaction).
	if st, err := c.stmt(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}

func (c *cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.tx.QueryContext(ctx, query, args...)
}
