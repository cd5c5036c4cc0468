package syncer_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/syncer/syncertest"
)

// The engine tests below drive one sync step at a time over the harness
// (real SQLite, both simulators over HTTP) and compare what both sides hold
// afterwards with go-cmp, so that a wrong plan shows as a diff.

type person = syncertest.Person

// requireEqual fails with a -want +got diff. Nil and empty slices are
// equal.
func requireEqual(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("%s (-want +got):\n%s", what, d)
	}
}

// names maps the ids a case made to the names the case gave them, so that
// links read as names in a diff.
type names map[string]string

func (n names) pairs(ps []syncertest.Pair) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, string(p.Object)+" "+n.of(p.IntercomID)+" = "+n.of(p.SalesforceID))
	}
	return out
}

func (n names) of(id string) string {
	if name, ok := n[id]; ok {
		return name
	}
	return "?" + id
}

// sortedPairs is n.pairs of the harness's links, sorted.
func sortedPairs(n names, h *syncertest.Harness) []string {
	out := n.pairs(h.Pairs())
	slices.Sort(out)
	return out
}

// linkEvents lists recorded link events as "action object intercom =
// salesforce".
func (n names) linkEvents(r syncertest.Recorded) []string {
	out := []string{}
	for _, e := range r.Links {
		out = append(out, e.Action+" "+string(e.Link.Object)+" "+n.of(e.Link.IntercomID)+" = "+n.of(e.Link.SalesforceID))
	}
	return out
}

// written lists recorded writes as "direction field=value".
func written(r syncertest.Recorded) []string {
	out := []string{}
	for _, w := range r.Writes {
		out = append(out, string(w.Direction)+" "+w.Field+"="+w.NewValue)
	}
	return out
}

// verdicts lists recorded fields left alone on purpose as "direction field
// verdict: owner value, kept value".
func verdicts(r syncertest.Recorded) []string {
	out := []string{}
	for _, v := range r.Verdicts {
		out = append(out, string(v.Direction)+" "+v.Field+" "+v.Verdict+": "+v.Owner+", kept "+v.Kept)
	}
	return out
}

// linkedUser seeds an Intercom user and a Salesforce Contact with the same
// email, lets a webhook link and align them, and forgets the events of that
// first alignment.
func linkedUser(t *testing.T, h *syncertest.Harness, ic, sf person) (icID, sfID string) {
	t.Helper()
	icID, sfID = h.IntercomUser(ic), h.SalesforceContact(sf)
	require.NoError(t, h.Webhook(icID))
	l, ok := h.Link(tandem.ObjectContact, icID)
	require.True(t, ok, "the webhook links the user")
	require.Equal(t, sfID, l.SalesforceID)
	h.Events.Take()
	return icID, sfID
}

// linkedLead is linkedUser for an Intercom lead and a Salesforce Lead.
func linkedLead(t *testing.T, h *syncertest.Harness, ic, sf person) (icID, sfID string) {
	t.Helper()
	icID, sfID = h.IntercomLead(ic), h.SalesforceLead(sf)
	require.NoError(t, h.Webhook(icID))
	l, ok := h.Link(tandem.ObjectLead, icID)
	require.True(t, ok, "the webhook links the lead")
	require.Equal(t, sfID, l.SalesforceID)
	h.Events.Take()
	return icID, sfID
}

func icPerson(t *testing.T, h *syncertest.Harness, id string) person {
	t.Helper()
	p, ok := h.IntercomPerson(id)
	require.True(t, ok, "Intercom contact %s exists", id)
	return p
}

func sfPerson(t *testing.T, h *syncertest.Harness, object, id string) person {
	t.Helper()
	p, ok := h.SalesforcePerson(object, id)
	require.True(t, ok, "Salesforce %s %s exists", object, id)
	return p
}
