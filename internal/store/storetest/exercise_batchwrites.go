package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// exerciseBatchWrites covers the writes the bulk sync makes for a page of
// records at once.
func exerciseBatchWrites(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("BatchWrites/UpsertLinks", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		old, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, old.ID, map[string]string{"Phone": "1"}))
		moved, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic9", "003Z"))
		require.NoError(t, err)

		in := []tandem.Link{
			link(tandem.ObjectContact, "ic1", "003A"), // the same pair: updated in place
			link(tandem.ObjectContact, "ic2", "003B"),
			link(tandem.ObjectContact, "ic3", "003C"),
			link(tandem.ObjectContact, "ic3", "003D"),  // re-links the previous entry
			link(tandem.ObjectContact, "ic10", "003Z"), // re-links an existing link
			link(tandem.ObjectAccount, "ic2", "001B"),  // another object
		}
		in[0].Note = "updated"
		out, err := db.UpsertLinks(ctx, in)
		require.NoError(t, err)
		require.Len(t, out, len(in))
		for i, l := range out {
			require.Equal(t, in[i].IntercomID, l.IntercomID)
			require.Equal(t, in[i].SalesforceID, l.SalesforceID)
			require.Equal(t, in[i].Object, l.Object)
			require.Positive(t, l.ID)
		}
		require.Equal(t, old.ID, out[0].ID, "an existing pair keeps its id")
		require.Equal(t, "updated", out[0].Note)
		shadows, err := db.Shadows(ctx, old.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "1"}, shadows, "and its shadows")

		_, err = db.LinkBySalesforceID(ctx, inst, tandem.ObjectContact, "003C")
		requireNotFound(t, err)
		got, err := db.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "ic3")
		require.NoError(t, err)
		require.Equal(t, out[3], got)
		_, err = db.LinkByID(ctx, moved.ID)
		requireNotFound(t, err)
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err)
		require.Equal(t, 5, n)

		none, err := db.UpsertLinks(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, none)
	})

	t.Run("BatchWrites/UpsertLinksLikeOneByOne", func(t *testing.T) {
		t.Parallel()
		// Ids distinct within the slice (the set-based path), against
		// existing links of every kind, over more than one chunk.
		existing := []tandem.Link{
			link(tandem.ObjectContact, "same", "003SAME"),   // the same pair
			link(tandem.ObjectContact, "moved", "003OLD"),   // Intercom id re-linked
			link(tandem.ObjectContact, "old", "003MOVED"),   // Salesforce id re-linked
			link(tandem.ObjectContact, "kept", "003KEPT"),   // untouched
			link(tandem.ObjectAccount, "moved", "001OTHER"), // another object
		}
		in := []tandem.Link{
			link(tandem.ObjectContact, "same", "003SAME"),
			link(tandem.ObjectContact, "moved", "003NEW"),
			link(tandem.ObjectContact, "new", "003MOVED"),
			link(tandem.ObjectContact, "fresh", "003FRESH"), // new, beside the conflicts
			link(tandem.ObjectAccount, "acc", "001A"),
		}
		in[0].Note = "updated"
		for i := range 450 {
			in = append(in, link(tandem.ObjectLead, fmt.Sprint("lead", i), fmt.Sprint("00Q", i)))
		}
		dump := func(db *store.DB) map[string]string {
			out := map[string]string{}
			links, err := db.ListLinks(ctx, store.ListLinksParams{Installation: inst, Limit: store.MaxLimit})
			require.NoError(t, err)
			for _, l := range links {
				out[string(l.Object)+"/"+l.IntercomID] = l.SalesforceID + " " + l.Note
			}
			return out
		}

		batch, one := open(t), open(t)
		for _, db := range []*store.DB{batch, one} {
			_, err := db.UpsertLinks(ctx, existing)
			require.NoError(t, err)
		}
		same, err := batch.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "same")
		require.NoError(t, err)
		require.NoError(t, batch.SetShadows(ctx, same.ID, map[string]string{"Phone": "1"}))

		out, err := batch.UpsertLinks(ctx, in)
		require.NoError(t, err)
		for _, l := range in {
			_, err := one.UpsertLink(ctx, l)
			require.NoError(t, err)
		}
		require.Equal(t, dump(one), dump(batch))

		require.Len(t, out, len(in))
		for i, l := range out {
			got, err := batch.LinkByIntercomID(ctx, inst, in[i].Object, in[i].IntercomID)
			require.NoError(t, err)
			require.Equal(t, got, l)
		}
		require.Equal(t, same.ID, out[0].ID, "an existing pair keeps its id")
		require.Equal(t, same.CreatedAt, out[0].CreatedAt)
		shadows, err := batch.Shadows(ctx, same.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "1"}, shadows, "and its shadows")
	})

	t.Run("BatchWrites/UpsertLinksInvalid", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.UpsertLinks(ctx, []tandem.Link{link(tandem.ObjectContact, "ic1", "003A"), link(tandem.ObjectContact, "ic2", "")})
		require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err)
		require.Zero(t, n, "nothing is stored unless every link is")
	})

	t.Run("BatchWrites/SetShadowsMany", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var links []tandem.Link
		for i := range 300 {
			links = append(links, link(tandem.ObjectContact, fmt.Sprint("ic", i), fmt.Sprint("003", i)))
		}
		links, err := db.UpsertLinks(ctx, links)
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, links[0].ID, map[string]string{"Phone": "old", "Title": "kept"}))

		values := map[int64]map[string]string{}
		for i, l := range links {
			values[l.ID] = map[string]string{"Phone": fmt.Sprint("p", i), "Email": fmt.Sprint("e", i)}
		}
		values[links[1].ID] = nil // skipped
		require.NoError(t, db.SetShadowsMany(ctx, values))

		all, err := db.ShadowsOfLinks(ctx, []int64{links[0].ID, links[1].ID, links[299].ID})
		require.NoError(t, err)
		require.Equal(t, map[int64]map[string]string{
			links[0].ID:   {"Phone": "p0", "Email": "e0", "Title": "kept"},
			links[1].ID:   {},
			links[299].ID: {"Phone": "p299", "Email": "e299"},
		}, all)

		require.NoError(t, db.SetShadowsMany(ctx, nil))
		err = db.SetShadowsMany(ctx, map[int64]map[string]string{
			links[2].ID: {"Phone": "never"},
			424242:      {"Phone": "x"},
		})
		requireNotFound(t, err)
		got, err := db.Shadows(ctx, links[2].ID)
		require.NoError(t, err)
		require.Equal(t, "p2", got["Phone"], "nothing is written when a link is missing")
	})

	t.Run("BatchWrites/InsertAuditMany", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var in []tandem.AuditEntry
		for i := range 250 {
			in = append(in, tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToIntercom, Object: tandem.ObjectContact,
				IntercomID: fmt.Sprint("ic", i), SalesforceID: fmt.Sprint("003", i), Field: "Title",
				NewValue: fmt.Sprint(i), Cause: tandem.CauseBulk})
		}
		require.NoError(t, db.InsertAudit(ctx, in...))
		out, err := db.ListAudit(ctx, store.ListAuditParams{Installation: inst, Limit: 1000})
		require.NoError(t, err)
		require.Len(t, out, 250)
		for i, e := range out {
			require.Equal(t, fmt.Sprint(249-i), e.NewValue, "ids follow the order of the entries")
			require.False(t, e.At.IsZero())
		}
	})

	t.Run("BatchWrites/OneTransaction", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		page := []tandem.Link{link(tandem.ObjectContact, "ic1", "003A"), link(tandem.ObjectContact, "ic2", "003B")}
		write := func(tx *store.Tx) error {
			links, err := tx.UpsertLinks(ctx, page)
			if err != nil {
				return err
			}
			shadows := map[int64]map[string]string{}
			var audit []tandem.AuditEntry
			for _, l := range links {
				shadows[l.ID] = map[string]string{"Phone": l.IntercomID}
				audit = append(audit, tandem.AuditEntry{InstallationID: inst, Direction: tandem.ToSalesforce, Object: l.Object,
					IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: "Phone", NewValue: l.IntercomID, Cause: tandem.CauseBulk})
			}
			if err := tx.SetShadowsMany(ctx, shadows); err != nil {
				return err
			}
			return tx.InsertAudit(ctx, audit...)
		}

		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			require.NoError(t, write(tx))
			return boom
		})
		require.ErrorIs(t, err, boom)
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err)
		require.Zero(t, n)
		audit, err := db.ListAudit(ctx, store.ListAuditParams{Installation: inst})
		require.NoError(t, err)
		require.Empty(t, audit)

		require.NoError(t, db.InTx(ctx, write))
		l, err := db.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "ic2")
		require.NoError(t, err)
		got, err := db.Shadows(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "ic2"}, got)
		audit, err = db.ListAudit(ctx, store.ListAuditParams{Installation: inst})
		require.NoError(t, err)
		require.Len(t, audit, 2)
	})
}
