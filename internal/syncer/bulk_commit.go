package syncer

import (
	"context"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// Recording a bulk sync's writes: what commit does for one pair after its
// remote write, done for many pairs in one transaction — their shadows in
// one batch, their audit entries in multi-row inserts, and only the sync
// errors that exist resolved.

// written is a pair whose remote write succeeded and must be recorded.
type written struct {
	link    tandem.Link
	changes []change
	shadows map[string]string
}

// commitMany records the writes of direction d (operation op) of several
// pairs in one transaction, as commit does for each. A link deleted
// meanwhile (its other side is gone) keeps no shadows; its writes are
// still audited, since they were made.
func (s *Syncer) commitMany(ctx context.Context, d tandem.Direction, op tandem.Operation, ws []written, cause tandem.Cause) error {
	if len(ws) == 0 {
		return nil
	}
	now := s.now()
	shadows := make(map[int64]map[string]string, len(ws))
	var entries []tandem.AuditEntry
	for _, w := range ws {
		for _, ch := range w.changes {
			field := ch.m.Salesforce
			if d == tandem.ToIntercom {
				field = icAttrName(ch.m)
			}
			entries = append(entries, tandem.AuditEntry{
				InstallationID: s.cfg.Installation, Direction: d, Object: w.link.Object,
				IntercomID: w.link.IntercomID, SalesforceID: w.link.SalesforceID,
				Field: field, OldValue: ch.old, NewValue: ch.canonical, Cause: cause, At: now,
			})
		}
		if len(w.shadows) > 0 {
			// One pair per link in a batch; merge in case of repeats.
			if cur := shadows[w.link.ID]; cur != nil {
				for k, v := range w.shadows {
					cur[k] = v
				}
			} else {
				shadows[w.link.ID] = w.shadows
			}
		}
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SetShadowsOfLinked(ctx, shadows, nil); err != nil {
			return err
		}
		if err := tx.InsertAudit(ctx, entries...); err != nil {
			return err
		}
		return s.resolveMany(ctx, tx, op, ws)
	})
	if err != nil {
		return err
	}
	for _, e := range entries {
		s.log.Info("synced", "direction", string(d), "object", string(e.Object), "intercom_id", e.IntercomID,
			"salesforce_id", e.SalesforceID, "field", e.Field, "old", e.OldValue, "new", e.NewValue, "cause", string(cause))
		if s.hooks.OnWrite != nil {
			s.hooks.OnWrite(e)
		}
	}
	return nil
}

// resolveMany resolves, as commit does, the open sync errors of op (and
// of its fields) of the pairs in ws. It looks the pairs up first, so that
// the usual case — no open error — costs one query for the batch.
func (s *Syncer) resolveMany(ctx context.Context, tx *store.Tx, op tandem.Operation, ws []written) error {
	byObject := map[tandem.Object][]string{}
	for _, w := range ws {
		byObject[w.link.Object] = append(byObject[w.link.Object], w.link.IntercomID)
	}
	open := map[tandem.Object]map[store.RecordIDs]bool{}
	for obj, ids := range byObject {
		var err error
		if open[obj], err = tx.RecordsWithOpenSyncErrors(ctx, s.cfg.Installation, obj, []tandem.Operation{op, op.ValueOp()}, ids); err != nil {
			return err
		}
	}
	for _, w := range ws {
		l := w.link
		if !open[l.Object][store.RecordIDs{IntercomID: l.IntercomID, SalesforceID: l.SalesforceID}] {
			continue
		}
		p := store.ResolveParams{Installation: s.cfg.Installation, Object: l.Object, Operation: string(op),
			IntercomID: l.IntercomID, SalesforceID: l.SalesforceID}
		if _, err := tx.ResolveSyncErrors(ctx, p); err != nil {
			return err
		}
		p.Operation = string(op.ValueOp())
		for _, ch := range w.changes {
			if p.Field = ch.m.Salesforce; op == tandem.OpUpdateIntercom {
				p.Field = icAttrName(ch.m)
			}
			if _, err := tx.ResolveSyncErrors(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}
