package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/jobs"
)

// Without webhooks, only the reconciliation search can notice an Intercom
// change; it must reach Salesforce through the same job a webhook makes,
// and a second reconciliation must not enqueue the same change again.
func TestReconciliationCatchesMissedWebhooks(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		e := startQuiet(t, dbURL)
		ctx := context.Background()
		sfID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Quiet", "Email": "quiet@example.com"})
		require.NoError(t, err)
		icID, err := e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "quiet@example.com", Phone: "+1 555 0123"})
		require.NoError(t, err)

		_, err = e.App.River.Insert(ctx, jobs.ReconcileArgs{}, nil)
		require.NoError(t, err)
		l := e.linked(tandem.ObjectContact, icID)
		require.Equal(t, sfID, l.SalesforceID)
		eventually(t, "phone in Salesforce", func() bool { return e.sf("Contact", sfID)["Phone"] == "+1 555 0123" })

		n, err := e.App.Syncer.Reconcile(ctx, func(context.Context, []string) error { return nil })
		require.NoError(t, err)
		require.Zero(t, n, "contacts already reconciled at their updated_at are not enqueued again")
	})
}
