// Package syncertest builds the engine for tests that drive it one step at
// a time: a syncer.Syncer over a real database (SQLite in t.TempDir() by
// default), both simulators on httptest servers and the typed clients
// pointed at them. Nothing runs in the background: a test seeds records
// through the simulators' state handles, calls the entry points the jobs
// call (SyncIntercomContact for a webhook, Poll or SyncSalesforceID for the
// Salesforce side) and reads both sides back, so a wrong plan fails at once
// with a diff instead of as a timeout.
package syncertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// Token is the bearer token both simulators accept.
const Token = "test-token"

// IntercomAttributes are the custom contact attributes the default
// mappings name; the harness defines them in the Intercom simulator.
var IntercomAttributes = []string{"plan", "job_title", "sf_lead_status"}

// Options configures a Harness. The zero value is usable.
type Options struct {
	// Mappings are the engine's mappings (default mapping.Defaults()).
	Mappings []tandem.Mapping
	// Configure, when set, adjusts the engine's configuration before the
	// engine is built.
	Configure func(*syncer.Config)
	// Open opens the database (default SQLite, a copy of a migrated
	// file; storetest.Postgres runs the same test on Postgres).
	Open func(testing.TB) *store.DB
}

// Harness is one installation: the engine, its database and both
// simulated systems.
type Harness struct {
	t   testing.TB
	Ctx context.Context

	Store      *store.DB
	Intercom   *intercomsim.Server
	Salesforce *sfsim.Server
	IC         *intercom.Client
	SF         *salesforce.Client
	Syncer     *syncer.Syncer
	Config     syncer.Config

	// Clock is both simulators' clock (Intercom's updated_at, Salesforce's
	// SystemModstamp); the engine keeps the wall clock.
	Clock *Clock
	// Events records what the engine reported through its hooks.
	Events *Events

	stale *staleReads
}

// New builds a Harness; everything is closed when the test ends.
func New(t testing.TB, o Options) *Harness {
	t.Helper()
	if o.Mappings == nil {
		o.Mappings = mapping.Defaults()
	}
	if o.Open == nil {
		o.Open = SQLite
	}
	h := &Harness{t: t, Ctx: context.Background(), Clock: &Clock{}, Events: &Events{}}
	h.Store = o.Open(t)

	h.Salesforce = sfsim.New(sfsim.Options{Token: Token, Now: h.Clock.Now, CustomFields: sfsim.DefaultCustomFields()})
	sfSrv := httptest.NewServer(h.Salesforce)
	t.Cleanup(sfSrv.Close)
	h.Intercom = intercomsim.New(intercomsim.Options{Token: Token, Now: h.Clock.Now})
	h.stale = &staleReads{next: h.Intercom, held: map[string]*httptest.ResponseRecorder{}}
	icSrv := httptest.NewServer(h.stale)
	t.Cleanup(func() { h.Intercom.Close(); icSrv.Close() })
	for _, a := range IntercomAttributes {
		require.NoError(t, h.Intercom.DefineDataAttribute("contact", a, "string"))
	}

	// The clients are configured as the application configures them,
	// minus its metrics hooks.
	h.IC = intercom.NewClient(Token, intercom.WithBaseURL(icSrv.URL), intercom.WithVersion("2.16"),
		intercom.WithHTTPClient(icSrv.Client()), intercom.WithPacing(intercom.PaceWrites))
	var err error
	h.SF, err = salesforce.NewClient(salesforce.WithTokenSource(salesforce.StaticTokenSource(Token, sfSrv.URL)),
		salesforce.WithInstanceURL(sfSrv.URL), salesforce.WithHTTPClient(sfSrv.Client()))
	require.NoError(t, err)

	schema, err := syncer.ReadSchema(h.Ctx, h.SF, h.IC)
	require.NoError(t, err)
	require.NoError(t, mapping.Validate(o.Mappings, schema))
	h.Config = syncer.Config{Installation: tandem.DefaultInstallation, Mappings: o.Mappings, Schema: schema}
	if o.Configure != nil {
		o.Configure(&h.Config)
	}
	h.Syncer = syncer.New(h.Config, h.Store, h.IC, h.SF, nil, nil, h.Events.hooks())
	return h
}

// Clock is a settable clock: the wall clock shifted by an offset.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the shifted time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Shift moves the clock by d (negative: back in time).
func (c *Clock) Shift(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// LinkEvent is one call of the engine's OnLink hook.
type LinkEvent struct {
	Action string // made, moved, dropped
	Link   tandem.Link
}

// Recorded is what the engine reported through its hooks, in order.
type Recorded struct {
	Writes     []tandem.AuditEntry
	Links      []LinkEvent
	Verdicts   []syncer.Unwritten
	SyncErrors []tandem.SyncError
}

// Events records the engine's hook calls. It is safe for concurrent use.
type Events struct {
	mu  sync.Mutex
	rec Recorded
}

func (e *Events) hooks() syncer.Hooks {
	add := func(fn func(r *Recorded)) {
		e.mu.Lock()
		fn(&e.rec)
		e.mu.Unlock()
	}
	return syncer.Hooks{
		OnWrite: func(a tandem.AuditEntry) { add(func(r *Recorded) { r.Writes = append(r.Writes, a) }) },
		OnLink: func(action string, l tandem.Link) {
			add(func(r *Recorded) { r.Links = append(r.Links, LinkEvent{action, l}) })
		},
		OnVerdict:   func(u syncer.Unwritten) { add(func(r *Recorded) { r.Verdicts = append(r.Verdicts, u) }) },
		OnSyncError: func(se tandem.SyncError) { add(func(r *Recorded) { r.SyncErrors = append(r.SyncErrors, se) }) },
	}
}

// Take returns what was recorded since the last Take and forgets it.
func (e *Events) Take() Recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.rec
	e.rec = Recorded{}
	return out
}

// StaleIntercomRead records the Intercom contact as the API returns it
// now. Calling the returned function makes the next API read of the
// contact return that recorded version instead of the current one, once:
// a read that a newer change overtook (another replica's, or a slow
// request's).
func (h *Harness) StaleIntercomRead(id string) (serveOnce func()) {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/contacts/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+Token)
	req.Header.Set("Intercom-Version", "2.16")
	rec := httptest.NewRecorder()
	h.Intercom.ServeHTTP(rec, req)
	require.Equal(h.t, http.StatusOK, rec.Code, rec.Body.String())
	return func() { h.stale.hold(req.URL.Path, rec) }
}

// staleReads serves the Intercom simulator, except for the reads a test
// asked to answer with a recorded response.
type staleReads struct {
	next http.Handler
	mu   sync.Mutex
	held map[string]*httptest.ResponseRecorder
}

func (s *staleReads) hold(path string, rec *httptest.ResponseRecorder) {
	s.mu.Lock()
	s.held[path] = rec
	s.mu.Unlock()
}

func (s *staleReads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec := s.held[r.URL.Path]
	if r.Method != http.MethodGet {
		rec = nil
	}
	delete(s.held, r.URL.Path)
	s.mu.Unlock()
	if rec == nil {
		s.next.ServeHTTP(w, r)
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// Person is what a test seeds or reads back of one person on one side.
// Empty fields are left out when seeding.
type Person struct {
	Email string
	Phone string
	Title string // Salesforce Title; Intercom custom attribute job_title
	Plan  string // Salesforce Plan__c; Intercom custom attribute plan
}

// IntercomUser creates an Intercom user (role "user") and returns its id.
func (h *Harness) IntercomUser(p Person) string { return h.intercomContact("user", p) }

// IntercomLead creates an Intercom lead and returns its id.
func (h *Harness) IntercomLead(p Person) string { return h.intercomContact("lead", p) }

func (h *Harness) intercomContact(role string, p Person) string {
	h.t.Helper()
	attrs := map[string]any{}
	if p.Plan != "" {
		attrs["plan"] = p.Plan
	}
	if p.Title != "" {
		attrs["job_title"] = p.Title
	}
	id, err := h.Intercom.CreateContact(intercomsim.ContactSeed{Role: role, Email: p.Email, Name: "Pat Example", Phone: p.Phone, CustomAttributes: attrs})
	require.NoError(h.t, err)
	return id
}

// SalesforceContact creates a Salesforce Contact and returns its id.
func (h *Harness) SalesforceContact(p Person) string { return h.salesforcePerson("Contact", p, nil) }

// SalesforceLead creates an unconverted Salesforce Lead and returns its id.
func (h *Harness) SalesforceLead(p Person) string {
	return h.salesforcePerson("Lead", p, map[string]any{"Company": "Example Inc"})
}

func (h *Harness) salesforcePerson(object string, p Person, extra map[string]any) string {
	h.t.Helper()
	fields := map[string]any{"FirstName": "Pat", "LastName": "Example"}
	for k, v := range map[string]string{"Email": p.Email, "Phone": p.Phone, "Title": p.Title, "Plan__c": p.Plan} {
		if v != "" {
			fields[k] = v
		}
	}
	for k, v := range extra {
		fields[k] = v
	}
	id, err := h.Salesforce.Insert(object, fields)
	require.NoError(h.t, err)
	return id
}

// IntercomCompany creates an Intercom company with a company_id and a size
// (the number of employees) and returns its Intercom id.
func (h *Harness) IntercomCompany(companyID string, size int64) string {
	h.t.Helper()
	id := h.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: companyID, Name: "Company " + companyID, Size: size})
	require.NotEmpty(h.t, id)
	return id
}

// SalesforceAccount creates an Account whose AccountNumber is an Intercom
// company_id and returns its id.
func (h *Harness) SalesforceAccount(accountNumber, industry string) string {
	h.t.Helper()
	fields := map[string]any{"Name": "Company " + accountNumber, "AccountNumber": accountNumber}
	if industry != "" {
		fields["Industry"] = industry
	}
	id, err := h.Salesforce.Insert("Account", fields)
	require.NoError(h.t, err)
	return id
}

// UpdateIntercom changes an Intercom contact through the state handle, as
// a teammate would in Intercom's UI (updated_at moves).
func (h *Harness) UpdateIntercom(id string, fields map[string]any) {
	h.t.Helper()
	require.NoError(h.t, h.Intercom.UpdateContact(id, fields))
}

// UpdateSalesforce changes a Salesforce record as a user would
// (SystemModstamp moves).
func (h *Harness) UpdateSalesforce(object, id string, fields map[string]any) {
	h.t.Helper()
	require.NoError(h.t, h.Salesforce.Update(object, id, fields))
}

// Webhook runs what the job of an Intercom contact notification runs.
func (h *Harness) Webhook(id string) error {
	return h.Syncer.SyncIntercomContact(h.Ctx, id, tandem.CauseWebhook)
}

// CompanyWebhook runs what the job of an Intercom company notification
// runs.
func (h *Harness) CompanyWebhook(id string) error {
	return h.Syncer.SyncIntercomCompany(h.Ctx, id, tandem.CauseWebhook)
}

// Poll runs one Salesforce poll of each object given (default: Lead,
// Contact and Account, the order of the periodic job), stopping at the
// first error.
func (h *Harness) Poll(objs ...tandem.Object) error {
	if len(objs) == 0 {
		objs = []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount}
	}
	for _, o := range objs {
		if _, err := h.Syncer.Poll(h.Ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// IntercomPerson reads an Intercom contact back; ok is false when it does
// not exist.
func (h *Harness) IntercomPerson(id string) (Person, bool) {
	c, ok := h.Intercom.Contact(id)
	if !ok {
		return Person{}, false
	}
	attrs, _ := c["custom_attributes"].(map[string]any)
	return Person{Email: str(c["email"]), Phone: str(c["phone"]), Title: str(attrs["job_title"]), Plan: str(attrs["plan"])}, true
}

// SalesforcePerson reads a Salesforce Lead or Contact back.
func (h *Harness) SalesforcePerson(object, id string) (Person, bool) {
	r, ok := h.Salesforce.Get(object, id)
	if !ok {
		return Person{}, false
	}
	return Person{Email: str(r["Email"]), Phone: str(r["Phone"]), Title: str(r["Title"]), Plan: str(r["Plan__c"])}, true
}

// Pair is a link as a test compares it: the object and both ids.
type Pair struct {
	Object       tandem.Object
	IntercomID   string
	SalesforceID string
}

// Pairs lists the installation's links, oldest first.
func (h *Harness) Pairs() []Pair {
	h.t.Helper()
	ls, err := h.Store.ListLinks(h.Ctx, store.ListLinksParams{Installation: tandem.DefaultInstallation, Limit: 1000})
	require.NoError(h.t, err)
	out := []Pair{}
	for _, l := range ls {
		out = append(out, Pair{Object: l.Object, IntercomID: l.IntercomID, SalesforceID: l.SalesforceID})
	}
	return out
}

// Link returns the link of an Intercom contact or company of obj.
func (h *Harness) Link(obj tandem.Object, intercomID string) (tandem.Link, bool) {
	h.t.Helper()
	l, err := h.Store.LinkByIntercomID(h.Ctx, tandem.DefaultInstallation, obj, intercomID)
	if store.IsNotFound(err) {
		return tandem.Link{}, false
	}
	require.NoError(h.t, err)
	return l, true
}

// WriteCalls counts the calls that changed data in either simulator since
// the harness started (searches and queries are reads).
func (h *Harness) WriteCalls() int {
	n := 0
	for k, v := range h.Salesforce.Calls() {
		if strings.HasPrefix(k, "PATCH") || strings.HasPrefix(k, "POST") || strings.HasPrefix(k, "DELETE") {
			n += v
		}
	}
	for k, v := range h.Intercom.Calls() {
		if (strings.HasPrefix(k, "PUT") || strings.HasPrefix(k, "POST") || strings.HasPrefix(k, "DELETE")) && !strings.Contains(k, "search") && !strings.Contains(k, "list") {
			n += v
		}
	}
	return n
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
