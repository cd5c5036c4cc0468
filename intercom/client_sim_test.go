package intercom_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/intercom/intercomsim"
)

const (
	simToken  = "sim-token"
	simSecret = "sim-secret"
)

type simBundle struct {
	sim    *intercomsim.Server
	url    string
	client *intercom.Client
}

// setupSim starts the simulator over real HTTP and returns a client for it
// speaking the given Intercom-Version.
func setupSim(t *testing.T, version string, opts ...intercom.Option) *simBundle {
	t.Helper()
	sim := intercomsim.New(intercomsim.Options{
		Token: simToken, ClientSecret: simSecret, RateWindow: time.Second,
		WebhookRetryDelays: []time.Duration{10 * time.Millisecond},
	})
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	all := append([]intercom.Option{intercom.WithBaseURL(srv.URL), intercom.WithVersion(version),
		intercom.WithBackoff(time.Millisecond, time.Millisecond)}, opts...)
	return &simBundle{sim: sim, url: srv.URL, client: intercom.NewClient(simToken, all...)}
}

func TestSim_AdminsTagsAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSim(t, "2.16")
	c := b.client

	me, resp, err := c.Admins.Me(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, me.ID)
	require.NotNil(t, me.App)
	require.NotEmpty(t, me.App.IDCode)
	require.Positive(t, resp.Rate.Limit)
	require.NotZero(t, resp.Rate.Reset)

	b.sim.AddAdmin("Sam Support", "sam@tandem.example")
	admins, _, err := c.Admins.List(ctx)
	require.NoError(t, err)
	require.Len(t, admins, 2)

	tag, _, err := c.Tags.Create(ctx, "salesforce")
	require.NoError(t, err)
	require.Equal(t, "salesforce", tag.Name)
	tags, _, err := c.Tags.List(ctx)
	require.NoError(t, err)
	require.Contains(t, tagNames(tags), "salesforce")

	attr, _, err := c.DataAttributes.Create(ctx, &intercom.DataAttributeRequest{
		Name: "sf_account_id", Model: intercom.ModelContact, DataType: "string", Description: "Salesforce Account",
	})
	require.NoError(t, err)
	require.Equal(t, "sf_account_id", attr.Name)
	require.True(t, attr.Custom)
	_, _, err = c.DataAttributes.Create(ctx, &intercom.DataAttributeRequest{Name: "sf_account_id", Model: intercom.ModelContact, DataType: "string"})
	require.ErrorIs(t, err, intercom.ErrUnprocessable)

	attrs, _, err := c.DataAttributes.List(ctx, intercom.ModelContact)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, a := range attrs {
		require.Equal(t, intercom.ModelContact, a.Model)
		names[a.Name] = true
	}
	require.True(t, names["sf_account_id"])
	require.True(t, names["email"])
	_, _, err = c.DataAttributes.List(ctx, "conversation")
	require.ErrorIs(t, err, intercom.ErrUnprocessable, "2.16 rejects model=conversation")
}

func tagNames(tags []*intercom.Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

func TestSim_Contacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, version := range []string{"2.14", "2.16"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			b := setupSim(t, version)
			c := b.client
			me, _, err := c.Admins.Me(ctx)
			require.NoError(t, err)
			require.NoError(t, b.sim.DefineDataAttribute("contact", "plan", "string"))

			user, _, err := c.Contacts.Create(ctx, &intercom.ContactRequest{
				Role: intercom.Ptr(intercom.RoleUser), Email: intercom.Ptr("ada@example.com"),
				ExternalID: intercom.Ptr("u-1"), Name: intercom.Ptr("Ada Lovelace"), OwnerID: intercom.Ptr(me.ID),
				CustomAttributes: map[string]any{"plan": "pro"},
			})
			require.NoError(t, err)
			require.Len(t, user.ID, 24)
			require.Equal(t, intercom.RoleUser, user.Role)
			require.Equal(t, intercom.OwnerID(me.ID), user.OwnerID)
			require.Equal(t, "pro", user.CustomAttributes["plan"])
			require.NotZero(t, user.CreatedAt)

			_, _, err = c.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("ada@example.com")})
			var ce *intercom.ConflictError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, user.ID, ce.ExistingID)

			_, _, err = c.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("x@example.com"), CustomAttributes: map[string]any{"nope": 1}})
			require.ErrorIs(t, err, intercom.ErrUnprocessable)

			lead, _, err := c.Contacts.Create(ctx, &intercom.ContactRequest{Role: intercom.Ptr(intercom.RoleLead), Email: intercom.Ptr("ada@example.com"), Name: intercom.Ptr("Ada (lead)")})
			require.NoError(t, err, "leads may share a user's email")
			require.Equal(t, intercom.RoleLead, lead.Role)

			got, _, err := c.Contacts.Get(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, "Ada Lovelace", got.Name)
			require.Equal(t, intercom.OwnerID(me.ID), got.OwnerID)

			upd, _, err := c.Contacts.Update(ctx, user.ID, &intercom.ContactRequest{Phone: intercom.Ptr("+33100000000"), OwnerID: intercom.Ptr("")})
			require.NoError(t, err)
			require.Equal(t, "+33100000000", upd.Phone)
			require.Equal(t, "Ada Lovelace", upd.Name, "a partial update keeps other fields")
			require.Empty(t, upd.OwnerID)
			require.Equal(t, "pro", upd.CustomAttributes["plan"])

			byExt, _, err := c.Contacts.FindByExternalID(ctx, "u-1")
			require.NoError(t, err)
			require.Equal(t, user.ID, byExt.ID)
			_, _, err = c.Contacts.FindByExternalID(ctx, "missing")
			require.ErrorIs(t, err, intercom.ErrNotFound)

			byEmail, _, err := c.Contacts.FindByEmail(ctx, "ada@example.com")
			require.NoError(t, err)
			require.ElementsMatch(t, []string{user.ID, lead.ID}, contactIDs(byEmail))

			for i := range 5 {
				_, _, err := c.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr(sprintf("p%d@bulk.test", i))})
				require.NoError(t, err)
			}
			var listed []string
			for ct, err := range c.Contacts.ListIter(ctx, &intercom.ListOptions{PerPage: 2}) {
				require.NoError(t, err)
				listed = append(listed, ct.ID)
			}
			require.Len(t, listed, 7)
			page, resp, err := c.Contacts.List(ctx, &intercom.ListOptions{PerPage: 2})
			require.NoError(t, err)
			require.Len(t, page, 2)
			require.NotEmpty(t, resp.NextCursor)

			var found []string
			req := &intercom.SearchRequest{
				Query:      intercom.And(intercom.Where("email", intercom.OpEndsWith, "@bulk.test"), intercom.Where("role", intercom.OpEquals, "user")),
				Pagination: &intercom.Pagination{PerPage: 2},
				Sort:       &intercom.Sort{Field: "created_at", Order: intercom.SortAscending},
			}
			for ct, err := range c.Contacts.SearchIter(ctx, req) {
				require.NoError(t, err)
				found = append(found, ct.Email)
			}
			require.Len(t, found, 5)
			_, _, err = c.Contacts.Search(ctx, &intercom.SearchRequest{Query: intercom.Where("created_at", intercom.OpGreaterOrEqual, 1)})
			require.ErrorIs(t, err, intercom.ErrUnprocessable, "dates accept only = < >")

			tag, _, err := c.Tags.Create(ctx, "vip")
			require.NoError(t, err)
			applied, _, err := c.Contacts.AddTag(ctx, user.ID, tag.ID)
			require.NoError(t, err)
			require.Equal(t, tag.ID, applied.ID)
			got, _, err = c.Contacts.Get(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, 1, got.Tags.TotalCount)
			_, _, err = c.Contacts.RemoveTag(ctx, user.ID, tag.ID)
			require.NoError(t, err)

			note, _, err := c.Notes.Create(ctx, user.ID, "Called about renewal", me.ID)
			require.NoError(t, err)
			require.Contains(t, note.Body, "Called about renewal")
			notes, _, err := c.Notes.List(ctx, user.ID)
			require.NoError(t, err)
			require.Len(t, notes, 1)

			merged, _, err := c.Contacts.Merge(ctx, lead.ID, user.ID)
			require.NoError(t, err)
			require.Equal(t, user.ID, merged.ID)
			_, _, err = c.Contacts.Get(ctx, lead.ID)
			if version == "2.16" {
				var me *intercom.MergedError
				require.ErrorAs(t, err, &me)
				require.Equal(t, user.ID, me.CanonicalID)
			} else {
				require.ErrorIs(t, err, intercom.ErrNotFound)
			}

			st, _, err := c.Contacts.Archive(ctx, user.ID)
			require.NoError(t, err)
			require.True(t, st.Archived)
			st, _, err = c.Contacts.Unarchive(ctx, user.ID)
			require.NoError(t, err)
			require.False(t, st.Archived)
			st, _, err = c.Contacts.Delete(ctx, user.ID)
			require.NoError(t, err)
			require.True(t, st.Deleted)
			_, _, err = c.Contacts.Get(ctx, user.ID)
			require.ErrorIs(t, err, intercom.ErrNotFound)
		})
	}
}

func contactIDs(cs []*intercom.Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestSim_OwnerIDWireFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct{ version, want string }{{"2.14", "number"}, {"2.16", "string"}} {
		b := setupSim(t, tc.version)
		me, _, err := b.client.Admins.Me(ctx)
		require.NoError(t, err)
		ct, _, err := b.client.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("o@example.com"), OwnerID: intercom.Ptr(me.ID)})
		require.NoError(t, err)
		req, err := b.client.NewRequest(ctx, http.MethodGet, "contacts/"+ct.ID, nil)
		require.NoError(t, err)
		var raw map[string]any
		_, err = b.client.Do(req, &raw)
		require.NoError(t, err)
		switch tc.want {
		case "number":
			require.IsType(t, float64(0), raw["owner_id"], tc.version)
		default:
			require.Equal(t, me.ID, raw["owner_id"], tc.version)
		}
	}
}

func TestSim_Companies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSim(t, "2.16")
	c := b.client
	co, _, err := c.Companies.CreateOrUpdate(ctx, &intercom.CompanyRequest{
		CompanyID: "acme", Name: intercom.Ptr("Acme"), Plan: intercom.Ptr("Pro"), MonthlySpend: intercom.Ptr(4500.0),
		Industry: intercom.Ptr("Manufacturing"), Size: intercom.Ptr(int64(120)), Website: intercom.Ptr("https://acme.test"),
	})
	require.NoError(t, err)
	require.Len(t, co.ID, 24)
	require.Equal(t, "acme", co.CompanyID)
	require.Equal(t, float64(4500), co.MonthlySpend)
	require.Equal(t, "Pro", co.Plan.Name)

	again, _, err := c.Companies.CreateOrUpdate(ctx, &intercom.CompanyRequest{CompanyID: "acme", Name: intercom.Ptr("Acme Corp")})
	require.NoError(t, err)
	require.Equal(t, co.ID, again.ID, "upsert keyed on company_id")
	require.Equal(t, "Acme Corp", again.Name)
	require.Equal(t, "Manufacturing", again.Industry)

	got, _, err := c.Companies.Get(ctx, co.ID)
	require.NoError(t, err)
	require.Equal(t, "Acme Corp", got.Name)
	byCID, _, err := c.Companies.GetByCompanyID(ctx, "acme")
	require.NoError(t, err)
	require.Equal(t, co.ID, byCID.ID)
	_, _, err = c.Companies.GetByCompanyID(ctx, "nope")
	require.ErrorIs(t, err, intercom.ErrNotFound)
	_, _, err = c.Companies.Get(ctx, "000000000000000000000000")
	require.ErrorIs(t, err, intercom.ErrNotFound)

	var ids []string
	for i := range 3 {
		other, _, err := c.Companies.CreateOrUpdate(ctx, &intercom.CompanyRequest{CompanyID: sprintf("co-%d", i), Name: intercom.Ptr(sprintf("Co %d", i))})
		require.NoError(t, err)
		ids = append(ids, other.ID)
	}
	ids = append(ids, co.ID)
	for i, id := range ids {
		ct, _, err := c.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr(sprintf("m%d@acme.test", i))})
		require.NoError(t, err)
		_, _, err = c.Contacts.AttachCompany(ctx, ct.ID, id)
		require.NoError(t, err)
		if id == co.ID {
			members, _, err := c.Companies.ListContacts(ctx, co.ID)
			require.NoError(t, err)
			require.Equal(t, []string{ct.ID}, contactIDs(members))
			mine, _, err := c.Contacts.ListCompanies(ctx, ct.ID)
			require.NoError(t, err)
			require.Len(t, mine, 1)
			require.Equal(t, co.ID, mine[0].ID)
			detached, _, err := c.Contacts.DetachCompany(ctx, ct.ID, co.ID)
			require.NoError(t, err)
			require.Equal(t, co.ID, detached.ID)
			_, _, err = c.Contacts.AttachCompany(ctx, ct.ID, co.ID)
			require.NoError(t, err)
		}
	}
	_, _, err = c.Contacts.AttachCompany(ctx, ids[0], "acme")
	require.Error(t, err)

	var listed []string
	for co, err := range c.Companies.ListIter(ctx, &intercom.CompanyListOptions{PerPage: 3}) {
		require.NoError(t, err)
		listed = append(listed, co.ID)
	}
	require.ElementsMatch(t, ids, listed)

	var scrolled []string
	for co, err := range c.Companies.ScrollIter(ctx) {
		require.NoError(t, err)
		scrolled = append(scrolled, co.ID)
	}
	require.ElementsMatch(t, ids, scrolled)
}

func TestSim_Conversations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, version := range []string{"2.14", "2.16"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			b := setupSim(t, version)
			c := b.client
			me, _, err := c.Admins.Me(ctx)
			require.NoError(t, err)
			ct, _, err := c.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("help@example.com")})
			require.NoError(t, err)

			msg, _, err := c.Conversations.Create(ctx, ct.ID, "I need help with billing")
			require.NoError(t, err)
			require.NotEmpty(t, msg.ConversationID)
			id := msg.ConversationID

			conv, _, err := c.Conversations.Get(ctx, id, nil)
			require.NoError(t, err)
			require.Equal(t, intercom.StateOpen, conv.State)
			require.Equal(t, []string{ct.ID}, conv.ContactIDs())
			require.Zero(t, conv.AdminAssigneeID, "unassigned decodes to 0 in every version")
			require.Contains(t, conv.Source.Body, "billing")

			conv, _, err = c.Conversations.Reply(ctx, id, &intercom.ReplyRequest{
				MessageType: intercom.MessageTypeNote, Type: "admin", AdminID: me.ID, Body: "<p>Salesforce Case 00001026 created</p>",
			})
			require.NoError(t, err)
			last := conv.Parts.Parts[len(conv.Parts.Parts)-1]
			require.Equal(t, "note", last.PartType)
			require.Equal(t, "admin", last.Author.Type)

			conv, _, err = c.Conversations.Assign(ctx, id, me.ID, intercom.AssigneeAdmin, me.ID)
			require.NoError(t, err)
			require.Equal(t, me.ID, sprintf("%d", conv.AdminAssigneeID))
			conv, _, err = c.Conversations.Snooze(ctx, id, me.ID, time.Now().Add(time.Hour))
			require.NoError(t, err)
			require.Equal(t, intercom.StateSnoozed, conv.State)
			conv, _, err = c.Conversations.Open(ctx, id, me.ID)
			require.NoError(t, err)
			require.Equal(t, intercom.StateOpen, conv.State)
			conv, _, err = c.Conversations.Close(ctx, id, me.ID, "Thanks!")
			require.NoError(t, err)
			require.Equal(t, intercom.StateClosed, conv.State)
			require.False(t, conv.Open)

			tag, _, err := c.Tags.Create(ctx, "sf-case")
			require.NoError(t, err)
			applied, _, err := c.Conversations.AddTag(ctx, id, tag.ID, me.ID)
			require.NoError(t, err)
			require.Equal(t, "sf-case", applied.Name)

			require.NoError(t, b.sim.SetConversationAttribute(id, "Case Type", "Bug"))
			conv, _, err = c.Conversations.Get(ctx, id, nil)
			require.NoError(t, err)
			require.Equal(t, "Bug", conv.CustomAttributes["Case Type"])
			require.Contains(t, tagNames(conv.Tags.Tags), "sf-case")

			var found []string
			for cv, err := range c.Conversations.SearchIter(ctx, &intercom.SearchRequest{Query: intercom.Where("state", intercom.OpEquals, "closed")}) {
				require.NoError(t, err)
				found = append(found, cv.ID)
			}
			require.Equal(t, []string{id}, found)

			_, _, err = c.Conversations.Get(ctx, "999999999", nil)
			require.ErrorIs(t, err, intercom.ErrNotFound)
		})
	}
}

func TestSim_Errors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSim(t, "2.16")

	bad := intercom.NewClient("wrong-token", intercom.WithBaseURL(b.url))
	_, _, err := bad.Admins.Me(ctx)
	require.ErrorIs(t, err, intercom.ErrUnauthorized)
	require.NotContains(t, err.Error(), "wrong-token")

	b.sim.Faults().FailNext(1, intercomsim.Fault429)
	me, _, err := b.client.Admins.Me(ctx)
	require.NoError(t, err, "one 429 is waited out and retried")
	require.NotEmpty(t, me.ID)

	noWait := intercom.NewClient(simToken, intercom.WithBaseURL(b.url), intercom.WithRateLimitWait(false))
	b.sim.Faults().FailNext(1, intercomsim.Fault429)
	_, _, err = noWait.Admins.Me(ctx)
	var rle *intercom.RateLimitError
	require.ErrorAs(t, err, &rle)
	require.Positive(t, rle.Rate.Limit)

	b.sim.Faults().FailNext(1, intercomsim.Fault500)
	_, _, err = b.client.Admins.Me(ctx)
	require.NoError(t, err, "one 500 is retried")

	b.sim.Faults().FailNext(3, intercomsim.Fault500)
	_, _, err = b.client.Admins.Me(ctx)
	var er *intercom.ErrorResponse
	require.ErrorAs(t, err, &er)
	require.Equal(t, http.StatusInternalServerError, er.StatusCode)
	require.True(t, er.Temporary())
	var ree *intercom.RetriesExhaustedError
	require.ErrorAs(t, err, &ree)
	require.Equal(t, 3, ree.Attempts)

	// A create is not replayed after a dropped connection: it may have
	// been applied.
	var retries []intercom.RetryEvent
	var mu sync.Mutex
	hooked := intercom.NewClient(simToken, intercom.WithBaseURL(b.url), intercom.WithBackoff(time.Millisecond, time.Millisecond),
		intercom.WithRetryHook(func(e intercom.RetryEvent) { mu.Lock(); retries = append(retries, e); mu.Unlock() }))
	b.sim.Faults().FailNext(1, intercomsim.FaultDrop)
	_, _, err = hooked.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("dropped@example.com")})
	require.Error(t, err)
	require.NotContains(t, err.Error(), simToken)
	require.Empty(t, retries)

	// An update is: PUT is idempotent.
	ct, _, err := hooked.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("kept@example.com")})
	require.NoError(t, err)
	b.sim.Faults().FailNext(1, intercomsim.FaultDrop)
	_, _, err = hooked.Contacts.Update(ctx, ct.ID, &intercom.ContactRequest{Name: intercom.Ptr("Kept")})
	require.NoError(t, err)
	require.Len(t, retries, 1)
	require.Equal(t, http.MethodPut, retries[0].Method)
	require.Contains(t, retries[0].Reason, "connection error")
}

func TestSim_WebhooksVerifyAndDecode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSim(t, "2.16")
	var mu sync.Mutex
	var got []*intercom.Notification
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := intercom.ValidateSignature(body, r.Header.Get(intercom.SignatureHeader), simSecret); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		n, err := intercom.ParseNotification(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	b.sim.Subscribe(hook.URL, nil)

	ct, _, err := b.client.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("hook@example.com")})
	require.NoError(t, err)
	_, _, err = b.client.Companies.CreateOrUpdate(ctx, &intercom.CompanyRequest{CompanyID: "hooked", Name: intercom.Ptr("Hooked")})
	require.NoError(t, err)
	msg, _, err := b.client.Conversations.Create(ctx, ct.ID, "hello")
	require.NoError(t, err)

	flushCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, b.sim.FlushWebhooks(flushCtx))

	mu.Lock()
	defer mu.Unlock()
	byTopic := map[string]*intercom.Notification{}
	for _, n := range got {
		byTopic[n.Topic] = n
	}
	n := byTopic["contact.user.created"]
	require.NotNil(t, n, "topics: %v", keys(byTopic))
	contact, err := n.ContactItem()
	require.NoError(t, err)
	require.Equal(t, ct.ID, contact.ID)
	require.NotEmpty(t, n.AppID)
	require.Equal(t, intercom.NotificationItem{Type: "contact", ID: ct.ID, UpdatedAt: contact.UpdatedAt}, n.Item())
	require.Equal(t, contact.UpdatedAt, n.ChangedAt())
	require.NotEmpty(t, n.ID)

	n = byTopic["company.created"]
	require.NotNil(t, n, "topics: %v", keys(byTopic))
	co, err := n.CompanyItem()
	require.NoError(t, err)
	require.Equal(t, "hooked", co.CompanyID)

	n = byTopic["conversation.user.created"]
	require.NotNil(t, n, "topics: %v", keys(byTopic))
	conv, err := n.ConversationItem()
	require.NoError(t, err)
	require.Equal(t, msg.ConversationID, conv.ID)
}

func keys(m map[string]*intercom.Notification) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSim_CanvasRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSim(t, "2.16")
	me, _, err := b.client.Admins.Me(ctx)
	require.NoError(t, err)
	ct, _, err := b.client.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("panel@example.com")})
	require.NoError(t, err)
	msg, _, err := b.client.Conversations.Create(ctx, ct.ID, "hi")
	require.NoError(t, err)

	app := http.NewServeMux()
	app.HandleFunc("POST /initialize", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := intercom.ValidateCanvasSignature(body, r.Header.Get(intercom.CanvasSignatureHeader), simSecret); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var req intercom.CanvasInitializeRequest
		if err := json.Unmarshal(body, &req); err != nil || req.Person() == nil || req.Admin == nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(intercom.CanvasResponse{Canvas: &intercom.Canvas{
			Content: &intercom.CanvasContent{Components: []intercom.Component{
				intercom.TextComponent("hdr", "*"+req.Person().Email+"*", "header"),
				intercom.DataTableComponent(intercom.FieldValue("Admin", req.Admin.ID), intercom.FieldValue("Conversation", string(req.Context.ConversationID))),
				intercom.DividerComponent(),
				intercom.DropdownComponent("prio", "Priority", "High", intercom.NewSelectOption("High", "High"), intercom.NewSelectOption("Low", "Low")),
				intercom.ButtonComponent("create_case", "Create Case", "primary", intercom.SubmitAction()),
			}},
			StoredData: map[string]any{"contact": req.Person().ID},
		}})
	})
	app.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := intercom.ValidateCanvasSignature(body, r.Header.Get(intercom.CanvasSignatureHeader), simSecret); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var req intercom.CanvasSubmitRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		stored, _ := req.CurrentCanvas.StoredData["contact"].(string)
		_ = json.NewEncoder(w).Encode(intercom.CanvasResponse{Canvas: &intercom.Canvas{
			Content: &intercom.CanvasContent{Components: []intercom.Component{
				intercom.TextComponent("done", req.ComponentID+" "+req.InputString("prio")+" "+stored, ""),
			}},
		}})
	})
	appSrv := httptest.NewServer(app)
	t.Cleanup(appSrv.Close)

	raw, err := b.sim.CanvasInitialize(ctx, appSrv.URL+"/initialize", msg.ConversationID, me.ID)
	require.NoError(t, err)
	var canvas intercom.Canvas
	require.NoError(t, json.Unmarshal(raw, &canvas))
	require.Equal(t, "*panel@example.com*", canvas.Content.Components[0].Text)
	require.Equal(t, msg.ConversationID, canvas.Content.Components[1].Items[1].Value)

	raw, err = b.sim.CanvasSubmit(ctx, appSrv.URL+"/submit", msg.ConversationID, me.ID, "create_case", map[string]any{"prio": "Low"}, raw)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &canvas))
	require.Equal(t, "create_case Low "+ct.ID, canvas.Content.Components[0].Text)
}
