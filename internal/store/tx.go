package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is a transaction with the same query methods as [DB].
type Tx struct {
	queries
	tx *sql.Tx
}

// SQLTx returns the underlying transaction, for River's InsertTx.
func (tx *Tx) SQLTx() *sql.Tx { return tx.tx }

// InTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (also when fn panics). fn must use tx, not db.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	db.stmts.prepareWanted(ctx)
	sqlTx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	tx := db.newTx(sqlTx)
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}

func (db *DB) newTx(sqlTx *sql.Tx) *Tx {
	tx := &Tx{tx: sqlTx}
	tx.queries = queries{x: &cachedTx{tx: sqlTx, cache: db.stmts}, raw: sqlTx, sqlite: db.sqlite,
		now: db.now, process: db.process, processGone: db.processGone, atomic: tx.atomic}
	return tx
}

// atomic runs fn in a new transaction for a multi-statement method called
// on the DB.
func (db *DB) atomic(ctx context.Context, fn func(q *queries) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(&tx.queries) })
}

// atomic runs fn inside the already open transaction.
func (tx *Tx) atomic(_ context.Context, fn func(q *queries) error) error {
	return fn(&tx.queries)
}
