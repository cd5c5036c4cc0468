package sfsim

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// orgReads collects what the API answers to every read a client can make
// of the org: describe of each object, every record of every object
// (recycle bin included) with all its fields through queryAll and
// retrieve, getUpdated and getDeleted, and /limits.
func orgReads(t *testing.T, b *testBundle) map[string]any {
	t.Helper()
	out := map[string]any{}
	get := func(path string) resp {
		r := b.do(t, http.MethodGet, path, nil)
		out[path] = map[string]any{"status": r.status, "body": string(r.body), "limit": r.header.Get("Sforce-Limit-Info")}
		return r
	}
	get(testBase + "/sobjects")
	start, end := url.QueryEscape("2024-04-01T00:00:00Z"), url.QueryEscape("2024-05-16T00:00:00Z")
	b.sim.mu.Lock()
	objs := b.sim.objectList
	b.sim.mu.Unlock()
	for _, o := range objs {
		get(testBase + "/sobjects/" + o.name + "/describe")
		var names []string
		for _, f := range o.fields {
			names = append(names, f.name)
		}
		r := get(testBase + "/queryAll?q=" + url.QueryEscape("SELECT "+strings.Join(names, ", ")+" FROM "+o.name+" ORDER BY Id"))
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		for _, rec := range records(t, r) {
			get(testBase + "/sobjects/" + o.name + "/" + rec["Id"].(string))
		}
		if !o.setup {
			get(testBase + "/sobjects/" + o.name + "/updated?start=" + start + "&end=" + end)
			get(testBase + "/sobjects/" + o.name + "/deleted?start=" + start + "&end=" + end)
		}
	}
	get(testBase + "/limits")
	return out
}

func TestSaveLoadStateRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{CustomFields: DefaultCustomFields()})
	res := b.sim.Seed(SeedOptions{Seed: 5, Accounts: 8, Contacts: 20, Leads: 10, Opportunities: 5, Cases: 6, Spread: 5 * 24 * time.Hour})

	// Churn: API writes (counted in the usage), a delete into the recycle
	// bin, a converted Lead, org configuration changes and tokens.
	r := b.do(t, http.MethodPatch, testBase+"/sobjects/Contact/"+res.ContactIDs[0], map[string]any{"Title": "Chief Saver", "Plan__c": "pro"},
		"Sforce-Call-Options", "client=tandem")
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	r = b.do(t, http.MethodDelete, testBase+"/sobjects/Contact/"+res.ContactIDs[1], nil)
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	r = b.do(t, http.MethodPost, testBase+"/sobjects/Case", map[string]any{"Subject": "Saved case",
		"Intercom_Conversation_Id__c": "conv-1", "Product_Area__c": "Billing"})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	_, err := b.sim.ConvertLead(res.LeadIDs[0], ConvertOptions{CreateOpportunity: true})
	require.NoError(t, err)
	_, err = b.sim.AddCaseStatus("On Hold", false, true)
	require.NoError(t, err)
	rt, err := b.sim.AddRecordType("Case", "Partner", "Partner")
	require.NoError(t, err)
	b.sim.SetRecordTypeAvailable(b.sim.DefaultUserID(), res.BillingRecordTypeID, false)
	require.NoError(t, b.sim.SetDefaultRecordType(b.sim.DefaultUserID(), rt))
	require.NoError(t, b.sim.SetDefaultCaseOwner(res.UserIDs[0]))
	refresh := b.sim.IssueRefreshToken()
	b.clock.Advance(time.Minute)

	var snap bytes.Buffer
	require.NoError(t, b.sim.SaveState(&snap))

	// The loading server starts with another custom schema: it takes the
	// snapshot's over.
	loaded := setup(t, Options{})
	loaded.clock.Advance(time.Minute)
	require.NoError(t, loaded.sim.LoadState(bytes.NewReader(snap.Bytes())))

	// Saving the loaded org gives the same snapshot.
	var again bytes.Buffer
	require.NoError(t, loaded.sim.SaveState(&again))
	require.JSONEq(t, snap.String(), again.String())

	before, after := orgReads(t, b), orgReads(t, loaded)
	require.Equal(t, len(before), len(after))
	for k, v := range before {
		require.Equal(t, v, after[k], k)
	}
	require.Equal(t, b.sim.DefaultCaseOwnerID(), loaded.sim.DefaultCaseOwnerID())
	for _, id := range append(append([]string{}, res.ContactIDs...), res.AccountIDs...) {
		obj := "Contact"
		if strings.HasPrefix(id, "001") {
			obj = "Account"
		}
		want, _ := b.sim.Get(obj, id)
		got, ok := loaded.sim.Get(obj, id)
		require.True(t, ok)
		require.Equal(t, want, got) // Go types included: float64, time.Time, bool
	}
	require.Equal(t, b.sim.LastCallOptions("Contact", res.ContactIDs[0]), loaded.sim.LastCallOptions("Contact", res.ContactIDs[0]))

	// Both orgs go on the same way: same new ids and case numbers, the
	// restored default record type and case status apply, and the refresh
	// token still works.
	var created [2][]string
	for i, x := range []*testBundle{b, loaded} {
		r := x.do(t, http.MethodPost, testBase+"/sobjects/Case", map[string]any{"Subject": "After"})
		require.Equal(t, http.StatusCreated, r.status, string(r.body))
		id := r.obj(t)["id"].(string)
		c, _ := x.sim.Get("Case", id)
		require.Equal(t, rt, c["RecordTypeId"])
		require.Equal(t, "On Hold", c["Status"])
		acct, err := x.sim.Insert("Account", map[string]any{"Name": "After Co"})
		require.NoError(t, err)
		created[i] = []string{id, c["CaseNumber"].(string), acct}

		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
			"client_id": {"sfsim-client-id"}, "client_secret": {"sfsim-client-secret"}}
		res, err := http.PostForm(x.ts.URL+"/services/oauth2/token", form)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	require.Equal(t, created[0], created[1])
	_, seen := b.sim.Get("Account", created[0][2])
	require.True(t, seen)
}

func TestLoadStateRejectsOtherFormats(t *testing.T) {
	t.Parallel()
	sim := New(Options{})
	n := sim.Count("User")

	err := sim.LoadState(strings.NewReader(`{"format":"sfsim-state","version":99}`))
	require.ErrorContains(t, err, "format version 99")
	err = sim.LoadState(strings.NewReader(`{"format":"intercomsim-state","version":1}`))
	require.ErrorContains(t, err, "not a Salesforce simulator snapshot")
	err = sim.LoadState(strings.NewReader(`{"format":"sfsim-state","version":1,"objects":[{"name":"Widget","records":[]}]}`))
	require.ErrorContains(t, err, `unknown object "Widget"`)
	require.Equal(t, n, sim.Count("User"))
}

func TestLoadStateKeepsValidationRules(t *testing.T) {
	t.Parallel()
	src := New(Options{})
	var snap bytes.Buffer
	require.NoError(t, src.SaveState(&snap))

	dst := New(Options{})
	dst.AddValidationRule("Account", func(rec map[string]any) (string, string, bool) {
		return "Name is reserved", "Name", rec["Name"] != "Reserved"
	})
	require.NoError(t, dst.LoadState(&snap))
	_, err := dst.Insert("Account", map[string]any{"Name": "Reserved"})
	require.ErrorContains(t, err, "Name is reserved")
}
