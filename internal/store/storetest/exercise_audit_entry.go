package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// exerciseAuditEntry covers the single audit entry of an operator's action,
// with its reason.
func exerciseAuditEntry(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	t.Run("Audit/AddEntryWithReason", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.NoError(t, db.InsertAudit(ctx, tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce,
			Object: tandem.ObjectContact, IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", OldValue: "1", NewValue: "2",
			Cause: tandem.CauseWebhook, At: base}))
		in := tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce, Object: tandem.ObjectContact,
			IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", OldValue: "2", NewValue: "1", Cause: tandem.CauseAction,
			At: base.Add(time.Minute), Reason: "revert of audit entry 1"}
		got, err := db.AddAuditEntry(ctx, in)
		require.NoError(t, err)
		require.NotZero(t, got.ID)
		in.ID = got.ID
		require.Equal(t, in, got)

		again, err := db.GetAudit(ctx, got.ID)
		require.NoError(t, err)
		require.Equal(t, in, again)
		es, err := db.FilterAudit(ctx, store.AuditFilter{Installation: inst, Cause: tandem.CauseAction})
		require.NoError(t, err)
		require.Equal(t, []tandem.AuditEntry{in}, es)
		es, err = db.FilterAudit(ctx, store.AuditFilter{Installation: inst, Cause: tandem.CauseWebhook})
		require.NoError(t, err)
		require.Len(t, es, 1)
		require.Empty(t, es[0].Reason, "sync writes have no reason")

		stamped, err := db.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: inst, Field: "Phone", Cause: tandem.CauseAction})
		require.NoError(t, err)
		require.False(t, stamped.At.IsZero(), "stamped now")
		require.Greater(t, stamped.ID, got.ID)
	})
}
