package intercom

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func decodeBody(t *testing.T, r *http.Request, v any) {
	t.Helper()
	require.NoError(t, json.NewDecoder(r.Body).Decode(v))
}

func TestAdminsService(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /admins", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"admin.list","admins":[{"type":"admin","id":"991267696","name":"Sam","email":"sam@x.io",
		  "job_title":"Support","away_mode_enabled":false,"away_mode_reassign":false,"has_inbox_seat":true,"team_ids":[5],"avatar":"https://x/a.png"}]}`)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"admin","id":"991267696","email":"sam@x.io","name":"Sam","email_verified":true,
		  "app":{"type":"app","id_code":"a86dr8yl","name":"Acme","created_at":1600000000,"secure":false,"identity_verification":false,"timezone":"Europe/Paris","region":"US"},
		  "avatar":{"type":"avatar","image_url":"https://x/a.png"},"has_inbox_seat":true}`)
	})
	admins, _, err := c.Admins.List(context.Background())
	require.NoError(t, err)
	require.Equal(t, []*Admin{{Type: "admin", ID: "991267696", Name: "Sam", Email: "sam@x.io", JobTitle: "Support",
		HasInboxSeat: true, TeamIDs: []int64{5}, Avatar: &Avatar{Type: "avatar", ImageURL: "https://x/a.png"}}}, admins)
	me, _, err := c.Admins.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "a86dr8yl", me.App.IDCode)
	require.Equal(t, "Europe/Paris", me.App.Timezone)
	require.True(t, me.EmailVerified)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Admins.List(context.Background())
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Admins.Me(context.Background())
		return err
	})
}

func TestDataAttributesService(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /data_attributes", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "company", r.URL.Query().Get("model"))
		writeJSON(w, 200, `{"type":"list","data":[
		  {"type":"data_attribute","name":"name","full_name":"name","label":"Company name","data_type":"string","api_writable":true,"custom":false,"model":"company"},
		  {"type":"data_attribute","id":34,"name":"tier","full_name":"custom_attributes.tier","data_type":"string","options":["gold","silver"],"api_writable":true,"custom":true,"model":"company","admin_id":"5"}]}`)
	})
	mux.HandleFunc("POST /data_attributes", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"name":"sf_account_id","model":"contact","data_type":"string","description":"Salesforce id","messenger_writable":false}`)
		writeJSON(w, 200, `{"type":"data_attribute","id":35,"name":"sf_account_id","full_name":"custom_attributes.sf_account_id","model":"contact","data_type":"string","custom":true,"api_writable":true}`)
	})
	attrs, _, err := c.DataAttributes.List(context.Background(), ModelCompany)
	require.NoError(t, err)
	require.Len(t, attrs, 2)
	require.Equal(t, FlexID("34"), attrs[1].ID)
	require.Equal(t, []string{"gold", "silver"}, attrs[1].Options)
	require.True(t, attrs[1].Custom)
	got, _, err := c.DataAttributes.Create(context.Background(), &DataAttributeRequest{
		Name: "sf_account_id", Model: ModelContact, DataType: "string", Description: "Salesforce id", MessengerWritable: Ptr(false),
	})
	require.NoError(t, err)
	require.Equal(t, "custom_attributes.sf_account_id", got.FullName)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.DataAttributes.List(context.Background(), "")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.DataAttributes.Create(context.Background(), &DataAttributeRequest{})
		return err
	})
}

func TestDataAttributesService_ConversationModel422(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithVersion("2.16"))
	mux.HandleFunc("GET /data_attributes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, errorBody("parameter_invalid", "model conversation is not supported"))
	})
	_, _, err := c.DataAttributes.List(context.Background(), "conversation")
	require.ErrorIs(t, err, ErrUnprocessable)
}

func TestTagsService(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET /tags", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","data":[{"type":"tag","id":"1","name":"vip"}]}`)
	})
	mux.HandleFunc("POST /tags", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"name":"sf-case"}`)
		writeJSON(w, 200, `{"type":"tag","id":"2","name":"sf-case"}`)
	})
	tags, _, err := c.Tags.List(context.Background())
	require.NoError(t, err)
	require.Equal(t, []*Tag{{Type: "tag", ID: "1", Name: "vip"}}, tags)
	tag, _, err := c.Tags.Create(context.Background(), "sf-case")
	require.NoError(t, err)
	require.Equal(t, "2", tag.ID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Tags.List(context.Background())
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Tags.Create(context.Background(), "x")
		return err
	})
}

func TestNotesService(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /contacts/abc/notes", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"body":"Called","admin_id":"991267696"}`)
		writeJSON(w, 200, `{"type":"note","id":"31","created_at":1717200000,"contact":{"type":"contact","id":"abc"},
		  "author":{"type":"admin","id":"991267696","name":"Sam"},"body":"<p>Called</p>"}`)
	})
	mux.HandleFunc("GET /contacts/abc/notes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"type":"list","data":[{"type":"note","id":"31","body":"<p>Called</p>"}],"total_count":1,"pages":{"type":"pages","next":{"starting_after":"Q"}}}`)
	})
	n, _, err := c.Notes.Create(context.Background(), "abc", "Called", "991267696")
	require.NoError(t, err)
	require.Equal(t, "<p>Called</p>", n.Body)
	require.Equal(t, "abc", n.Contact.ID)
	require.Equal(t, "Sam", n.Author.Name)
	notes, resp, err := c.Notes.List(context.Background(), "abc")
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.Equal(t, "Q", resp.NextCursor)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Notes.Create(context.Background(), "a", "b", "c")
		return err
	})
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Notes.List(context.Background(), "a")
		return err
	})
}
