package salesforce_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/salesforce"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// simBundle is a simulator served over real HTTP and a client logged in to it
// with the client-credentials flow.
type simBundle struct {
	sim    *sfsim.Server
	client *salesforce.Client
	calls  *atomic.Int32 // API responses seen by the client
}

func setupSim(t *testing.T, opts sfsim.Options, clientOpts ...salesforce.Option) *simBundle {
	t.Helper()
	sim := sfsim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	var calls atomic.Int32
	ts := salesforce.OAuthConfig{
		LoginURL: srv.URL, ClientID: "sfsim-client-id", ClientSecret: "sfsim-client-secret", HTTPClient: srv.Client(),
	}.ClientCredentials()
	base := []salesforce.Option{
		salesforce.WithTokenSource(ts),
		salesforce.WithHTTPClient(srv.Client()),
		salesforce.WithBackoff(1, 1),
		salesforce.WithResponseHook(func(*salesforce.Response) { calls.Add(1) }),
	}
	c, err := salesforce.NewClient(append(base, clientOpts...)...)
	require.NoError(t, err)
	return &simBundle{sim: sim, client: c, calls: &calls}
}

func TestSim_QueryPagination(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	b.sim.Seed(sfsim.SeedOptions{Seed: 7, Leads: 450})
	want := b.sim.Count("Lead")
	require.GreaterOrEqual(t, want, 450)

	seen := map[string]bool{}
	for rec, err := range b.client.Query(t.Context(), "SELECT Id, Email, Owner.Name FROM Lead ORDER BY Id", &salesforce.QueryOptions{BatchSize: 200}) {
		require.NoError(t, err)
		require.Equal(t, "Lead", rec.Type())
		require.False(t, seen[rec.ID()], "duplicate %s", rec.ID())
		seen[rec.ID()] = true
		require.NotEmpty(t, rec.String("Owner.Name"))
	}
	require.Len(t, seen, want)
	require.GreaterOrEqual(t, int(b.calls.Load()), 3, "several pages")
}

func TestSim_CRUD(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	ctx := t.Context()
	id, resp, err := b.client.SObjects.Create(ctx, "Lead", map[string]any{"LastName": "Lovelace", "Company": "Analytical Engines", "Email": "o'ada_l@example.com"})
	require.NoError(t, err)
	require.Equal(t, 201, resp.StatusCode)
	require.True(t, strings.HasPrefix(id, "00Q"))
	require.Positive(t, resp.Limit.Used)
	require.Equal(t, "client=tandem", b.sim.LastCallOptions("Lead", id))

	rec, _, err := b.client.SObjects.Get(ctx, "Lead", id, []string{"Id", "Email", "Status", "LastModifiedDate"})
	require.NoError(t, err)
	require.Equal(t, "o'ada_l@example.com", rec.String("Email"))
	require.NotEmpty(t, rec.String("Status"), "defaulted on create")
	_, ok := rec.Time("LastModifiedDate")
	require.True(t, ok)

	q := "SELECT Id FROM Lead WHERE Email = " + salesforce.QuoteString("o'ada_l@example.com")
	page, _, err := b.client.QueryPage(ctx, q, nil)
	require.NoError(t, err)
	require.Equal(t, 1, page.TotalSize)
	q = "SELECT Id FROM Lead WHERE Email LIKE '" + salesforce.EscapeLike("o'ada_l@") + "%'"
	page, _, err = b.client.QueryPage(ctx, q, nil)
	require.NoError(t, err)
	require.Equal(t, 1, page.TotalSize)

	_, err = b.client.SObjects.Update(ctx, "Lead", id, map[string]any{"Title": "Countess"})
	require.NoError(t, err)
	got, ok := b.sim.Get("Lead", id)
	require.True(t, ok)
	require.Equal(t, "Countess", got["Title"])

	_, err = b.client.SObjects.Delete(ctx, "Lead", id)
	require.NoError(t, err)
	_, err = b.client.SObjects.Delete(ctx, "Lead", id)
	require.ErrorIs(t, err, salesforce.ErrEntityDeleted)
	_, _, err = b.client.SObjects.Get(ctx, "Lead", id, nil)
	require.True(t, errors.Is(err, salesforce.ErrNotFound) || errors.Is(err, salesforce.ErrEntityDeleted), err)

	n := 0
	for rec, err := range b.client.QueryAll(ctx, "SELECT Id, IsDeleted FROM Lead WHERE Id = "+salesforce.QuoteString(id), nil) {
		require.NoError(t, err)
		require.True(t, rec.Bool("IsDeleted"))
		n++
	}
	require.Equal(t, 1, n)
}

func TestSim_ValidationErrors(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	b.sim.AddValidationRule("Lead", func(rec map[string]any) (string, string, bool) {
		if rec["Title"] == "forbidden" {
			return "Title may not be forbidden", "Title", false
		}
		return "", "", true
	})
	ctx := t.Context()
	cases := []struct {
		fields map[string]any
		want   []error
	}{
		{map[string]any{"LastName": "x"}, []error{salesforce.ErrValidation, salesforce.ErrRequiredFieldMissing}},
		{map[string]any{"LastName": "x", "Company": "y", "Email": "not an email"}, []error{salesforce.ErrValidation, salesforce.ErrBadValue}},
		{map[string]any{"LastName": strings.Repeat("x", 81), "Company": "y"}, []error{salesforce.ErrValidation, salesforce.ErrBadValue}},
		{map[string]any{"LastName": "x", "Company": "y", "Status": "No Such Status"}, []error{salesforce.ErrValidation, salesforce.ErrBadValue}},
		{map[string]any{"LastName": "x", "Company": "y", "Nope__c": 1}, []error{salesforce.ErrValidation, salesforce.ErrBadValue}},
		{map[string]any{"LastName": "x", "Company": "y", "Title": "forbidden"}, []error{salesforce.ErrValidation, salesforce.ErrCustomValidation}},
	}
	for _, tc := range cases {
		_, _, err := b.client.SObjects.Create(ctx, "Lead", tc.fields)
		for _, want := range tc.want {
			require.ErrorIs(t, err, want, "%v → %v", tc.fields, err)
		}
	}
}

func TestSim_CollectionsPartialFailure(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	recs := []salesforce.Record{
		salesforce.NewRecord("Lead", map[string]any{"LastName": "One", "Company": "A"}),
		salesforce.NewRecord("Lead", map[string]any{"LastName": "Two"}),
		salesforce.NewRecord("Lead", map[string]any{"LastName": "Three", "Company": "C"}),
	}
	res, err := b.client.Collections.Create(t.Context(), recs, false)
	require.NoError(t, err)
	require.Len(t, res, 3)
	require.NoError(t, res[0].Err())
	require.ErrorIs(t, res[1].Err(), salesforce.ErrRequiredFieldMissing)
	require.NoError(t, res[2].Err())
	require.Equal(t, 2, b.sim.Count("Lead"))

	res, err = b.client.Collections.Create(t.Context(), recs, true)
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err(), salesforce.ErrRolledBack)
	require.ErrorIs(t, res[1].Err(), salesforce.ErrRequiredFieldMissing)
	require.Equal(t, 2, b.sim.Count("Lead"), "all or none")

	many := make([]salesforce.Record, 450)
	for i := range many {
		many[i] = salesforce.NewRecord("Lead", map[string]any{"LastName": "Bulk", "Company": "B"})
	}
	b.calls.Store(0)
	res, err = b.client.Collections.Create(t.Context(), many, false)
	require.NoError(t, err)
	require.Len(t, res, 450)
	require.Equal(t, int32(3), b.calls.Load())
	require.Equal(t, 452, b.sim.Count("Lead"))
}

func TestSim_UpsertAndDescribe(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{CustomFields: map[string][]sfsim.FieldSpec{
		"Account": {{Name: "Ext_Id__c", Type: "string", Length: 40, ExternalID: true, Unique: true}},
	}})
	ctx := t.Context()
	res, _, err := b.client.SObjects.Upsert(ctx, "Account", "Ext_Id__c", "ACME-1", map[string]any{"Name": "Acme"})
	require.NoError(t, err)
	require.True(t, res.Created)
	again, _, err := b.client.SObjects.Upsert(ctx, "Account", "Ext_Id__c", "ACME-1", map[string]any{"Name": "Acme Inc"})
	require.NoError(t, err)
	require.False(t, again.Created)
	require.Equal(t, res.ID, again.ID)
	_, _, err = b.client.SObjects.Upsert(ctx, "Account", "Nope__c", "x", map[string]any{"Name": "x"})
	require.ErrorIs(t, err, salesforce.ErrNotFound)

	results, err := b.client.Collections.Upsert(ctx, "Account", "Ext_Id__c", []salesforce.Record{
		salesforce.NewRecord("Account", map[string]any{"Ext_Id__c": "ACME-1", "Name": "Acme 2"}),
		salesforce.NewRecord("Account", map[string]any{"Ext_Id__c": "NEW-2", "Name": "New"}),
	}, false)
	require.NoError(t, err)
	require.False(t, results[0].Created)
	require.True(t, results[1].Created)

	d, _, err := b.client.SObjects.Describe(ctx, "Account")
	require.NoError(t, err)
	require.Equal(t, "001", d.KeyPrefix)
	f, ok := d.Field("ext_id__c")
	require.True(t, ok)
	require.True(t, f.ExternalID)
	name, ok := d.Field("Name")
	require.True(t, ok)
	require.True(t, name.RequiredOnCreate())
	lead, _, err := b.client.SObjects.Describe(ctx, "Lead")
	require.NoError(t, err)
	status, ok := lead.Field("Status")
	require.True(t, ok)
	require.NotEmpty(t, status.PicklistValues)
}

func TestSim_TokenExpiryReauth(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	ctx := t.Context()
	_, _, err := b.client.Limits(ctx)
	require.NoError(t, err)
	b.sim.ExpireTokens()
	limits, _, err := b.client.Limits(ctx)
	require.NoError(t, err, "one transparent re-auth")
	require.Positive(t, limits["DailyApiRequests"].Max)
}

func TestSim_Faults(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	ctx := t.Context()
	b.sim.Faults().FailNext(2, sfsim.Fault503)
	_, _, err := b.client.Limits(ctx)
	require.NoError(t, err, "two 503s fit in the default two retries")

	b.sim.Faults().FailNext(1, sfsim.FaultDropConnection)
	_, _, err = b.client.Limits(ctx)
	require.NoError(t, err, "a dropped connection is retried")

	b.sim.Faults().FailNext(1, sfsim.FaultRequestLimit)
	b.calls.Store(0)
	_, _, err = b.client.Limits(ctx)
	require.ErrorIs(t, err, salesforce.ErrRequestLimitExceeded)
	require.Equal(t, int32(1), b.calls.Load(), "never retried")
}

func TestSim_PerCallAutoAssign(t *testing.T) {
	t.Parallel()
	b := setupSim(t, sfsim.Options{})
	ctx := t.Context()
	ruleOwner := b.sim.AssignmentUserID()
	fields := func(last string) map[string]any {
		return map[string]any{"LastName": last, "Company": "Acme"}
	}

	// The client sends FALSE by default: the API user keeps the Lead.
	kept, _, err := b.client.SObjects.Create(ctx, "Lead", fields("Kept"))
	require.NoError(t, err)
	// One call lets the org's assignment rule choose the owner.
	assigned, _, err := b.client.SObjects.Create(ctx, "Lead", fields("Assigned"),
		salesforce.AutoAssign(true), salesforce.CallOptions("client=tandem-lead"))
	require.NoError(t, err)

	k, ok := b.sim.Get("Lead", kept)
	require.True(t, ok)
	a, ok := b.sim.Get("Lead", assigned)
	require.True(t, ok)
	require.Equal(t, ruleOwner, a["OwnerId"])
	require.NotEqual(t, ruleOwner, k["OwnerId"])
	require.Equal(t, "client=tandem-lead", b.sim.LastCallOptions("Lead", assigned))
	require.Equal(t, "client=tandem", b.sim.LastCallOptions("Lead", kept))
}
