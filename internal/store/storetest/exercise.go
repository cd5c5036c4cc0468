package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

const inst = tandem.DefaultInstallation

// Exercise runs the store conformance suite against databases made by
// open, which must return a fresh, migrated database for every call.
func Exercise(t *testing.T, open func(testing.TB) *store.DB) {
	t.Helper()
	ctx := context.Background()

	t.Run("Migrate", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.NoError(t, db.Migrate(ctx), "migrating twice is harmless")
		ms, err := store.Migrations(db.Dialect())
		require.NoError(t, err)
		var n int
		require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM tandem_migrations`).Scan(&n))
		require.Equal(t, len(ms), n)
		require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&n))
		require.Zero(t, n)
	})

	exerciseLinks(t, open)
	exerciseShadows(t, open)
	exerciseState(t, open)
	exerciseIntents(t, open)
	exerciseDeliveries(t, open)
	exerciseSyncErrors(t, open)
	exerciseAudit(t, open)
	exerciseBulkSyncs(t, open)
	exerciseBulkRecords(t, open)
	exerciseBatchLookups(t, open)
	exerciseBatchWrites(t, open)
	exerciseBulkLease(t, open)
	exerciseAPIUsage(t, open)
	exerciseConsole(t, open)
	exerciseAuditEntry(t, open)
	exerciseConsoleSpeed(t, open)
	exerciseSettings(t, open)
	exerciseTx(t, open)
}

func link(obj tandem.Object, ic, sf string) tandem.Link {
	return tandem.Link{InstallationID: inst, Object: obj, IntercomID: ic, SalesforceID: sf, MatchedBy: "email", MatchKey: ic + "@example.com"}
}

func requireNotFound(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	require.True(t, store.IsNotFound(err), "want ENOTFOUND, got %v", err)
	require.Equal(t, tandem.ENOTFOUND, tandem.ErrorCode(err))
}

func exerciseLinks(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Links/UpsertAndLoad", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		in := link(tandem.ObjectContact, "ic1", "003A")
		in.Note = "2 candidates, most recently modified chosen"
		l, err := db.UpsertLink(ctx, in)
		require.NoError(t, err)
		require.Positive(t, l.ID)
		require.False(t, l.CreatedAt.IsZero())
		require.Equal(t, l.CreatedAt, l.UpdatedAt)
		in.ID, in.CreatedAt, in.UpdatedAt = l.ID, l.CreatedAt, l.UpdatedAt
		require.Equal(t, in, l)

		for _, get := range []func() (tandem.Link, error){
			func() (tandem.Link, error) { return db.LinkByID(ctx, l.ID) },
			func() (tandem.Link, error) { return db.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "ic1") },
			func() (tandem.Link, error) { return db.LinkBySalesforceID(ctx, inst, tandem.ObjectContact, "003A") },
		} {
			got, err := get()
			require.NoError(t, err)
			require.Equal(t, l, got)
		}
	})

	t.Run("Links/NotFound", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		_, err = db.LinkByID(ctx, 999999)
		requireNotFound(t, err)
		_, err = db.LinkByIntercomID(ctx, inst, tandem.ObjectLead, "ic1") // other object
		requireNotFound(t, err)
		_, err = db.LinkBySalesforceID(ctx, "other", tandem.ObjectContact, "003A") // other installation
		requireNotFound(t, err)
		requireNotFound(t, db.DeleteLink(ctx, 999999))
	})

	t.Run("Links/Invalid", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		for _, l := range []tandem.Link{
			{Object: tandem.ObjectLead, IntercomID: "a", SalesforceID: "b"},
			{InstallationID: inst, Object: "opportunity", IntercomID: "a", SalesforceID: "b"},
			{InstallationID: inst, Object: tandem.ObjectLead, SalesforceID: "b"},
			{InstallationID: inst, Object: tandem.ObjectLead, IntercomID: "a"},
		} {
			_, err := db.UpsertLink(ctx, l)
			require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err), "%+v", l)
		}
	})

	t.Run("Links/SamePairUpdatesInPlace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		first, err := db.UpsertLink(ctx, link(tandem.ObjectLead, "ic1", "00QA"))
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, first.ID, map[string]string{"Phone": "1"}))

		again := link(tandem.ObjectLead, "ic1", "00QA")
		again.MatchedBy, again.MatchKey = "external_id", "x-1"
		second, err := db.UpsertLink(ctx, again)
		require.NoError(t, err)
		require.Equal(t, first.ID, second.ID)
		require.Equal(t, first.CreatedAt, second.CreatedAt)
		require.Equal(t, "external_id", second.MatchedBy)
		require.Equal(t, "x-1", second.MatchKey)
		require.False(t, second.UpdatedAt.Before(first.UpdatedAt))

		shadows, err := db.Shadows(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "1"}, shadows, "shadows survive an update of the same pair")
	})

	t.Run("Links/SamePairAtOnce", func(t *testing.T) {
		// A webhook and a poll (on one replica or two) linking the same new
		// pair at the same moment: every upsert succeeds, one link remains.
		t.Parallel()
		db := open(t)
		for round := range 50 {
			ic, sf := fmt.Sprintf("ic-race-%d", round), fmt.Sprintf("003RACE%d", round)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = db.UpsertLink(ctx, link(tandem.ObjectContact, ic, sf))
				})
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err, "round %d", round)
			}
			got, err := db.LinkBySalesforceID(ctx, inst, tandem.ObjectContact, sf)
			require.NoError(t, err)
			require.Equal(t, ic, got.IntercomID)
		}
	})

	t.Run("Links/RelinkOneSide", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		old, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, old.ID, map[string]string{"Phone": "1"}))

		// The Intercom user's key now matches another Contact.
		moved, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003B"))
		require.NoError(t, err)
		require.NotEqual(t, old.ID, moved.ID)
		_, err = db.LinkByID(ctx, old.ID)
		requireNotFound(t, err)
		_, err = db.LinkBySalesforceID(ctx, inst, tandem.ObjectContact, "003A")
		requireNotFound(t, err)
		got, err := db.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "ic1")
		require.NoError(t, err)
		require.Equal(t, moved, got)
		shadows, err := db.Shadows(ctx, old.ID)
		require.NoError(t, err)
		require.Empty(t, shadows, "a re-link drops the old link's shadows")

		// Now the Salesforce side moves to another Intercom user.
		again, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic2", "003B"))
		require.NoError(t, err)
		_, err = db.LinkByIntercomID(ctx, inst, tandem.ObjectContact, "ic1")
		requireNotFound(t, err)
		n, err := db.CountLinks(ctx, inst, tandem.ObjectContact)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, "ic2", again.IntercomID)
	})

	t.Run("Links/RelinkBothSides", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		a, err := db.UpsertLink(ctx, link(tandem.ObjectAccount, "c1", "001A"))
		require.NoError(t, err)
		b, err := db.UpsertLink(ctx, link(tandem.ObjectAccount, "c2", "001B"))
		require.NoError(t, err)
		keep, err := db.UpsertLink(ctx, link(tandem.ObjectAccount, "c3", "001C"))
		require.NoError(t, err)

		cross, err := db.UpsertLink(ctx, link(tandem.ObjectAccount, "c1", "001B"))
		require.NoError(t, err)
		for _, id := range []int64{a.ID, b.ID} {
			_, err := db.LinkByID(ctx, id)
			requireNotFound(t, err)
		}
		links, err := db.ListLinks(ctx, store.ListLinksParams{Installation: inst})
		require.NoError(t, err)
		require.Equal(t, []tandem.Link{keep, cross}, links)
	})

	t.Run("Links/LinkIfFreeNeverRelinks", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		first, made, err := db.LinkIfFree(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		require.True(t, made)
		for _, l := range []tandem.Link{
			link(tandem.ObjectContact, "ic1", "003B"), // the Intercom record is linked
			link(tandem.ObjectContact, "ic2", "003A"), // the Salesforce record is linked
			link(tandem.ObjectContact, "ic1", "003A"), // the same pair
		} {
			_, made, err := db.LinkIfFree(ctx, l)
			require.NoError(t, err)
			require.False(t, made, "%s ⇄ %s", l.IntercomID, l.SalesforceID)
		}
		got, err := db.LinkByIntercomID(ctx, tandem.DefaultInstallation, tandem.ObjectContact, "ic1")
		require.NoError(t, err)
		require.Equal(t, first, got, "the first link stays as it was")
		_, made, err = db.LinkIfFree(ctx, link(tandem.ObjectLead, "ic1", "00QA"))
		require.NoError(t, err)
		require.True(t, made, "another object is free")
	})

	t.Run("Links/ScopedByInstallationAndObject", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		l1, err := db.UpsertLink(ctx, link(tandem.ObjectLead, "x", "y"))
		require.NoError(t, err)
		l2, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "x", "y"))
		require.NoError(t, err)
		other := link(tandem.ObjectLead, "x", "y")
		other.InstallationID = "other"
		l3, err := db.UpsertLink(ctx, other)
		require.NoError(t, err)
		require.NotEqual(t, l1.ID, l2.ID)
		require.NotEqual(t, l1.ID, l3.ID)
		for _, l := range []tandem.Link{l1, l2, l3} {
			got, err := db.LinkByID(ctx, l.ID)
			require.NoError(t, err)
			require.Equal(t, l, got)
		}
	})

	t.Run("Links/ListAndCount", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var leads []tandem.Link
		for i := range 5 {
			l, err := db.UpsertLink(ctx, link(tandem.ObjectLead, fmt.Sprint("l", i), fmt.Sprint("00Q", i)))
			require.NoError(t, err)
			leads = append(leads, l)
			_, err = db.UpsertLink(ctx, link(tandem.ObjectAccount, fmt.Sprint("c", i), fmt.Sprint("001", i)))
			require.NoError(t, err)
		}
		otherInst := link(tandem.ObjectLead, "l0", "00Q0")
		otherInst.InstallationID = "other"
		_, err := db.UpsertLink(ctx, otherInst)
		require.NoError(t, err)

		page1, err := db.ListLinks(ctx, store.ListLinksParams{Installation: inst, Object: tandem.ObjectLead, Limit: 3})
		require.NoError(t, err)
		require.Equal(t, leads[:3], page1)
		page2, err := db.ListLinks(ctx, store.ListLinksParams{Installation: inst, Object: tandem.ObjectLead, Limit: 3, AfterID: page1[2].ID})
		require.NoError(t, err)
		require.Equal(t, leads[3:], page2)

		all, err := db.ListLinks(ctx, store.ListLinksParams{Installation: inst})
		require.NoError(t, err)
		require.Len(t, all, 10)
		for i := 1; i < len(all); i++ {
			require.Less(t, all[i-1].ID, all[i].ID)
		}
		none, err := db.ListLinks(ctx, store.ListLinksParams{Installation: "nobody"})
		require.NoError(t, err)
		require.Empty(t, none)

		for obj, want := range map[tandem.Object]int{tandem.ObjectLead: 5, tandem.ObjectAccount: 5, tandem.ObjectContact: 0, "": 10} {
			n, err := db.CountLinks(ctx, inst, obj)
			require.NoError(t, err)
			require.Equal(t, want, n, "object %q", obj)
		}
	})

	t.Run("Links/DeleteDropsShadows", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		l, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{"Phone": "1", "Title": "CEO"}))
		require.NoError(t, db.DeleteLink(ctx, l.ID))
		_, err = db.LinkByID(ctx, l.ID)
		requireNotFound(t, err)
		var n int
		require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM tandem_shadows`).Scan(&n))
		require.Zero(t, n)
		// The pair can be linked again.
		_, err = db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
	})
}

func exerciseShadows(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Shadows/SetAndOverwrite", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		l, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic1", "003A"))
		require.NoError(t, err)
		other, err := db.UpsertLink(ctx, link(tandem.ObjectContact, "ic2", "003B"))
		require.NoError(t, err)

		got, err := db.Shadows(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{}, got)

		require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{"Phone": "+1 555", "Title": "CEO"}))
		require.NoError(t, db.SetShadows(ctx, other.ID, map[string]string{"Phone": "other"}))
		require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{"Title": "", "Plan__c": "pro"}))
		require.NoError(t, db.SetShadows(ctx, l.ID, nil))

		got, err = db.Shadows(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "+1 555", "Title": "", "Plan__c": "pro"}, got)
		got, err = db.Shadows(ctx, other.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Phone": "other"}, got)
	})

	t.Run("Shadows/UnknownLink", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		requireNotFound(t, db.SetShadows(ctx, 424242, map[string]string{"Phone": "1"}))
	})

	// SetShadowsOfLinked leaves out a link gone since, and one whose
	// stored version under a guard's key is newer than the guard's.
	t.Run("Shadows/OfLinkedKeepsNewer", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var ids []int64
		for i, seen := range []string{"000200", "000100", "000050", ""} {
			l, err := db.UpsertLink(ctx, link(tandem.ObjectContact, fmt.Sprint("ic", i), fmt.Sprint("003", i)))
			require.NoError(t, err)
			if seen != "" {
				require.NoError(t, db.SetShadows(ctx, l.ID, map[string]string{"Title": "B", "seen:v": seen}))
			}
			ids = append(ids, l.ID)
		}
		values, guard := map[int64]map[string]string{}, map[int64]map[string]string{}
		for _, id := range append(ids, 424242) {
			values[id] = map[string]string{"Title": "A"}
			guard[id] = map[string]string{"seen:v": "000100"}
		}
		missing, err := db.SetShadowsOfLinked(ctx, values, guard)
		require.NoError(t, err)
		require.Equal(t, []int64{424242}, missing)
		for i, want := range []string{"B", "A", "A", "A"} {
			v, _, err := db.Shadow(ctx, ids[i], "Title")
			require.NoError(t, err)
			require.Equal(t, want, v, "link %d (stored version %d)", i, i)
		}
		seen, _, err := db.Shadow(ctx, ids[0], "seen:v")
		require.NoError(t, err)
		require.Equal(t, "000200", seen, "the newer version stays")
	})
}

func exerciseState(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("State/GetSetDelete", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		_, ok, err := db.GetState(ctx, inst, "watermark:Lead")
		require.NoError(t, err)
		require.False(t, ok)

		require.NoError(t, db.SetState(ctx, inst, "watermark:Lead", "2024-01-01T00:00:00Z"))
		require.NoError(t, db.SetState(ctx, inst, "watermark:Lead", "2024-02-01T00:00:00Z"))
		require.NoError(t, db.SetState(ctx, "other", "watermark:Lead", "elsewhere"))
		require.NoError(t, db.SetState(ctx, inst, "empty", ""))

		v, ok, err := db.GetState(ctx, inst, "watermark:Lead")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "2024-02-01T00:00:00Z", v)
		v, ok, err = db.GetState(ctx, inst, "empty")
		require.NoError(t, err)
		require.True(t, ok, "an empty value is still set")
		require.Empty(t, v)

		require.NoError(t, db.DeleteState(ctx, inst, "watermark:Lead"))
		require.NoError(t, db.DeleteState(ctx, inst, "never-set"))
		_, ok, err = db.GetState(ctx, inst, "watermark:Lead")
		require.NoError(t, err)
		require.False(t, ok)
		v, ok, err = db.GetState(ctx, "other", "watermark:Lead")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "elsewhere", v)
	})

	t.Run("State/PutIfAbsent", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		v, created, err := db.PutStateIfAbsent(ctx, inst, "intent:create_lead:ic1", "first")
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, "first", v)
		v, created, err = db.PutStateIfAbsent(ctx, inst, "intent:create_lead:ic1", "second")
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, "first", v)
		v, created, err = db.PutStateIfAbsent(ctx, "other", "intent:create_lead:ic1", "third")
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, "third", v)
	})

	t.Run("State/PutIfAbsentRace", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const workers = 12
		type result struct {
			stored  string
			created bool
			err     error
		}
		results := make([]result, workers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				<-start
				v, c, err := db.PutStateIfAbsent(ctx, inst, "intent:race", fmt.Sprint("worker-", i))
				results[i] = result{v, c, err}
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		var winner string
		for i, r := range results {
			require.NoError(t, r.err)
			if r.created {
				winners++
				winner = fmt.Sprint("worker-", i)
				require.Equal(t, winner, r.stored)
			}
		}
		require.Equal(t, 1, winners)
		for _, r := range results {
			require.Equal(t, winner, r.stored)
		}
	})
}

func exerciseDeliveries(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("Deliveries/MarkAndPrune", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

		first, err := db.MarkDelivery(ctx, inst, "notif_1", t0)
		require.NoError(t, err)
		require.True(t, first)
		first, err = db.MarkDelivery(ctx, inst, "notif_1", t0.Add(time.Minute))
		require.NoError(t, err)
		require.False(t, first, "a redelivery is not first")
		first, err = db.MarkDelivery(ctx, "other", "notif_1", t0)
		require.NoError(t, err)
		require.True(t, first, "installations are separate")
		first, err = db.MarkDelivery(ctx, inst, "notif_2", t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.True(t, first)

		n, err := db.PruneDeliveries(ctx, t0.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 2, n)
		first, err = db.MarkDelivery(ctx, inst, "notif_1", t0.Add(3*time.Hour))
		require.NoError(t, err)
		require.True(t, first, "pruned ids are forgotten")
		first, err = db.MarkDelivery(ctx, inst, "notif_2", t0.Add(3*time.Hour))
		require.NoError(t, err)
		require.False(t, first, "recent ids are kept")
	})
}

func exerciseTx(t *testing.T, open func(testing.TB) *store.DB) {
	ctx := context.Background()

	t.Run("InTx/Commit", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		var id int64
		require.NoError(t, db.InTx(ctx, func(tx *store.Tx) error {
			require.NotNil(t, tx.SQLTx())
			// Re-link inside a transaction uses the transaction itself.
			_, err := tx.UpsertLink(ctx, link(tandem.ObjectLead, "ic1", "00QA"))
			require.NoError(t, err)
			l, err := tx.UpsertLink(ctx, link(tandem.ObjectLead, "ic1", "00QB"))
			require.NoError(t, err)
			id = l.ID
			require.NoError(t, tx.SetShadows(ctx, l.ID, map[string]string{"Phone": "1"}))
			return tx.SetState(ctx, inst, "k", "v")
		}))
		l, err := db.LinkByID(ctx, id)
		require.NoError(t, err)
		require.Equal(t, "00QB", l.SalesforceID)
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, ok, err := db.GetState(ctx, inst, "k")
		require.NoError(t, err)
		require.True(t, ok)
	})

	t.Run("InTx/Rollback", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UpsertLink(ctx, link(tandem.ObjectLead, "ic1", "00QA"))
			require.NoError(t, err)
			require.NoError(t, tx.SetState(ctx, inst, "k", "v"))
			require.NoError(t, tx.InsertAudit(ctx, tandem.AuditEntry{InstallationID: inst, Field: "Phone"}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err)
		require.Zero(t, n)
		_, ok, err := db.GetState(ctx, inst, "k")
		require.NoError(t, err)
		require.False(t, ok)
		entries, err := db.ListAudit(ctx, store.ListAuditParams{Installation: inst})
		require.NoError(t, err)
		require.Empty(t, entries)
	})

	t.Run("InTx/Panic", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		require.Panics(t, func() {
			_ = db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.UpsertLink(ctx, link(tandem.ObjectLead, "ic1", "00QA"))
				require.NoError(t, err)
				panic("boom")
			})
		})
		n, err := db.CountLinks(ctx, inst, "")
		require.NoError(t, err, "the connection is usable after a panic")
		require.Zero(t, n)
	})
}
