package intercom

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const conversationJSON = `{"type":"conversation","id":"1295","title":null,"created_at":1717200000,"updated_at":1717200900,
  "waiting_since":null,"snoozed_until":null,"open":true,"state":"open","read":false,"priority":"high",
  "admin_assignee_id":%s,"team_assignee_id":%s,"company":null,
  "tags":{"type":"tag.list","tags":[{"type":"tag","id":"7","name":"billing","applied_at":1717200100,"applied_by":{"type":"admin","id":"991267696"}}]},
  "source":{"type":"conversation","id":"403918","delivered_as":"customer_initiated","subject":"","body":"<p>Help</p>",
    "author":{"type":"user","id":"6762f0dd1bb69f9f2193bb83","name":"Ada","email":"ada@example.com"},"attachments":[],"url":null,"redacted":false},
  "contacts":{"type":"contact.list","contacts":[{"type":"contact","id":"6762f0dd1bb69f9f2193bb83","external_id":"u-1"}]},
  "teammates":{"type":"admin.list","admins":[{"type":"admin","id":"991267696"}]},
  "custom_attributes":{"Case Type":"Bug","Severity":3},"statistics":null,
  "conversation_parts":{"type":"conversation_part.list","total_count":1,"conversation_parts":[
    {"type":"conversation_part","id":"9","part_type":"note","body":"<p>n</p>","created_at":1717200800,"updated_at":1717200800,
     "notified_at":1717200800,"assigned_to":null,"author":{"type":"admin","id":"991267696","name":"Sam","email":"sam@x.io"},
     "attachments":[],"external_id":null,"redacted":false}]}}`

func TestConversationsService_Get(t *testing.T) {
	t.Parallel()
	for _, unassigned := range []string{`null`, `0`} {
		c, mux := setup(t)
		mux.HandleFunc("GET /conversations/1295", func(w http.ResponseWriter, r *http.Request) {
			require.Equal(t, "plaintext", r.URL.Query().Get("display_as"))
			writeJSON(w, 200, sprintf(conversationJSON, unassigned, unassigned))
		})
		got, _, err := c.Conversations.Get(context.Background(), "1295", &GetConversationOptions{DisplayAs: "plaintext"})
		require.NoError(t, err)
		require.Zero(t, got.AdminAssigneeID)
		require.Zero(t, got.TeamAssigneeID)
		require.Equal(t, "1295", got.ID)
		require.Equal(t, StateOpen, got.State)
		require.Equal(t, "high", got.Priority)
		require.Equal(t, []string{"6762f0dd1bb69f9f2193bb83"}, got.ContactIDs())
		require.Equal(t, map[string]any{"Case Type": "Bug", "Severity": float64(3)}, got.CustomAttributes)
		require.Equal(t, FlexID("6762f0dd1bb69f9f2193bb83"), got.Source.Author.ID)
		require.Equal(t, "customer_initiated", got.Source.DeliveredAs)
		require.Equal(t, "billing", got.Tags.Tags[0].Name)
		require.Equal(t, "991267696", got.Tags.Tags[0].AppliedBy.ID)
		require.Equal(t, 1, got.Parts.TotalCount)
		require.Equal(t, "note", got.Parts.Parts[0].PartType)
		require.Equal(t, "Sam", got.Parts.Parts[0].Author.Name)
		require.Equal(t, "991267696", got.Teammates.Admins[0].ID)
	}
	c, mux := setup(t)
	mux.HandleFunc("GET /conversations/1", func(w http.ResponseWriter, r *http.Request) {
		require.Empty(t, r.URL.RawQuery)
		writeJSON(w, 200, sprintf(conversationJSON, `12`, `34`))
	})
	got, _, err := c.Conversations.Get(context.Background(), "1", nil)
	require.NoError(t, err)
	require.Equal(t, int64(12), got.AdminAssigneeID)
	require.Equal(t, int64(34), got.TeamAssigneeID)
	require.Empty(t, (&Conversation{}).ContactIDs())
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Conversations.Get(context.Background(), "x", nil)
		return err
	})
}

func TestConversationsService_SearchIter(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /conversations/search", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Pagination Pagination `json:"pagination"`
		}
		decodeBody(t, r, &body)
		if body.Pagination.StartingAfter == "" {
			writeJSON(w, 200, `{"type":"conversation.list","conversations":[{"type":"conversation","id":"1"}],"total_count":2,"pages":{"type":"pages","next":{"starting_after":"N"}}}`)
			return
		}
		require.Equal(t, "N", body.Pagination.StartingAfter)
		writeJSON(w, 200, `{"type":"conversation.list","conversations":[{"type":"conversation","id":"2"}],"total_count":2,"pages":{"type":"pages"}}`)
	})
	var ids []string
	for conv, err := range c.Conversations.SearchIter(context.Background(), &SearchRequest{Query: Where("state", OpEquals, "open")}) {
		require.NoError(t, err)
		ids = append(ids, conv.ID)
	}
	require.Equal(t, []string{"1", "2"}, ids)
	testErrorPaths(t, func(c *Client) error {
		for _, err := range c.Conversations.SearchIter(context.Background(), &SearchRequest{Query: Where("open", OpEquals, true)}) {
			return err
		}
		return nil
	})
}

func TestConversationsService_Create(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /conversations", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"from":{"type":"user","id":"u1"},"body":"Hello"}`)
		writeJSON(w, 200, `{"type":"user_message","id":"403918","created_at":1667560812,"body":"Hello","message_type":"inapp","conversation_id":"1295"}`)
	})
	got, _, err := c.Conversations.Create(context.Background(), "u1", "Hello")
	require.NoError(t, err)
	require.Equal(t, "1295", got.ConversationID)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Conversations.Create(context.Background(), "u", "b")
		return err
	})
}

func TestConversationsService_Reply(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /conversations/1295/reply", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"message_type":"note","type":"admin","admin_id":"991267696","body":"<p>Case created</p>"}`)
		writeJSON(w, 200, sprintf(conversationJSON, `0`, `0`))
	})
	got, _, err := c.Conversations.Reply(context.Background(), "1295", &ReplyRequest{
		MessageType: MessageTypeNote, Type: "admin", AdminID: "991267696", Body: "<p>Case created</p>",
	})
	require.NoError(t, err)
	require.Equal(t, "note", got.Parts.Parts[0].PartType)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Conversations.Reply(context.Background(), "1", &ReplyRequest{})
		return err
	})
}

func TestConversationsService_Manage(t *testing.T) {
	t.Parallel()
	until := time.Unix(1734541187, 0)
	cases := []struct {
		name string
		call func(*Client) (*Conversation, *Response, error)
		body string
	}{
		{"close", func(c *Client) (*Conversation, *Response, error) {
			return c.Conversations.Close(context.Background(), "5", "a1", "Bye")
		}, `{"message_type":"close","type":"admin","admin_id":"a1","body":"Bye"}`},
		{"open", func(c *Client) (*Conversation, *Response, error) {
			return c.Conversations.Open(context.Background(), "5", "a1")
		}, `{"message_type":"open","admin_id":"a1"}`},
		{"snooze", func(c *Client) (*Conversation, *Response, error) {
			return c.Conversations.Snooze(context.Background(), "5", "a1", until)
		}, `{"message_type":"snoozed","admin_id":"a1","snoozed_until":1734541187}`},
		{"assign", func(c *Client) (*Conversation, *Response, error) {
			return c.Conversations.Assign(context.Background(), "5", "a1", AssigneeTeam, "77")
		}, `{"message_type":"assignment","type":"team","admin_id":"a1","assignee_id":"77"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("POST /conversations/5/parts", func(w http.ResponseWriter, r *http.Request) {
				testJSONBody(t, r, tc.body)
				writeJSON(w, 200, `{"type":"conversation","id":"5","state":"closed"}`)
			})
			got, _, err := tc.call(c)
			require.NoError(t, err)
			require.Equal(t, "5", got.ID)
			testErrorPaths(t, func(c *Client) error {
				_, _, err := tc.call(c)
				return err
			})
		})
	}
}

func TestConversationsService_AddTag(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST /conversations/5/tags", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"id":"7","admin_id":"a1"}`)
		writeJSON(w, 200, `{"type":"tag","id":"7","name":"billing"}`)
	})
	got, _, err := c.Conversations.AddTag(context.Background(), "5", "7", "a1")
	require.NoError(t, err)
	require.Equal(t, "billing", got.Name)
	testErrorPaths(t, func(c *Client) error {
		_, _, err := c.Conversations.AddTag(context.Background(), "5", "7", "a1")
		return err
	})
}
