package store

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// SQLite parses a statement each time it is run unprepared, and parsing is
// most of the cost of a small query. The job queue's driver runs every
// query unprepared (its fetch of available jobs and its poll of the
// notification table, several times a second even when nothing happens),
// as do the store's queries outside the statement cache. The connections
// of a SQLite pool therefore keep the statements they are asked to run
// directly, by text, and run them again from there.

// keptStmts is how many statements one SQLite connection keeps; the least
// recently used one not in use makes room for a new one.
const keptStmts = 128

// sqliteConnector opens SQLite connections that keep their statements.
type sqliteConnector struct {
	dsn string
	drv *sqlite.Driver
}

func newSQLiteConnector(dsn string) *sqliteConnector {
	return &sqliteConnector{dsn: dsn, drv: &sqlite.Driver{}}
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteDriverConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("open sqlite: the driver's connection (%T) lacks a context method", conn)
	}
	return &keepingConn{sqliteDriverConn: inner, stmts: map[string]*keptStmt{}}, nil
}

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// sqliteDriverConn is what the SQLite driver's connections offer.
type sqliteDriverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// driverStmt is what the SQLite driver's statements offer.
type driverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// keptStmt is a statement a connection keeps. busy is set while rows of a
// query on it are open: running it again would reset them, so a second
// run of the same text meanwhile goes unprepared.
type keptStmt struct {
	stmt driverStmt
	busy bool
	used uint64
}

// keepingConn is a SQLite connection that runs direct Exec and Query calls
// on kept statements. database/sql never uses one connection from two
// goroutines at once, so it needs no lock.
type keepingConn struct {
	sqliteDriverConn
	stmts map[string]*keptStmt
	clock uint64
}

// kept returns the kept statement of query, preparing it if needed; nil
// when it is in use or cannot be prepared (the caller then runs the query
// unprepared, which reports any error).
func (c *keepingConn) kept(ctx context.Context, query string) *keptStmt {
	c.clock++
	if k, ok := c.stmts[query]; ok {
		if k.busy {
			return nil
		}
		k.used = c.clock
		return k
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	ds, ok := st.(driverStmt)
	if !ok {
		st.Close()
		return nil
	}
	if len(c.stmts) >= keptStmts && !c.evict() {
		// Every kept statement has open rows: run this one unprepared.
		ds.Close()
		return nil
	}
	k := &keptStmt{stmt: ds, used: c.clock}
	c.stmts[query] = k
	return k
}

// evict closes the least recently used statement not in use, and reports
// whether there was one.
func (c *keepingConn) evict() bool {
	var (
		oldest string
		found  bool
	)
	for q, k := range c.stmts {
		if !k.busy && (!found || k.used < c.stmts[oldest].used) {
			oldest, found = q, true
		}
	}
	if found {
		c.stmts[oldest].stmt.Close()
		delete(c.stmts, oldest)
	}
	return found
}

func (c *keepingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	k := c.kept(ctx, query)
	if k == nil {
		return c.sqliteDriverConn.ExecContext(ctx, query, args)
	}
	return k.stmt.ExecContext(ctx, args)
}

func (c *keepingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	k := c.kept(ctx, query)
	if k == nil {
		return c.sqliteDriverConn.QueryContext(ctx, query, args)
	}
	rows, err := k.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	k.busy = true
	if sr, ok := rows.(sqliteRows); ok {
		return &keptRows{sqliteRows: sr, k: k}, nil
	}
	return &keptPlainRows{Rows: rows, k: k}, nil
}

// Close closes the kept statements, then the connection.
func (c *keepingConn) Close() error {
	for q, k := range c.stmts {
		k.stmt.Close()
		delete(c.stmts, q)
	}
	return c.sqliteDriverConn.Close()
}

// sqliteRows is what the SQLite driver's rows offer.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// keptRows are the rows of a kept statement, which is free again once they
// are closed.
type keptRows struct {
	sqliteRows
	k *keptStmt
}

func (r *keptRows) Close() error {
	err := r.sqliteRows.Close()
	r.k.busy = false
	return err
}

// keptPlainRows are keptRows of rows that tell nothing of their column
// types.
type keptPlainRows struct {
	driver.Rows
	k *keptStmt
}

func (r *keptPlainRows) Close() error {
	err := r.Rows.Close()
	r.k.busy = false
	return err
}
