package intercom

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// ConversationsService reads, replies to and manages conversations.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations
type ConversationsService service

// Conversation states.
const (
	StateOpen    = "open"
	StateClosed  = "closed"
	StateSnoozed = "snoozed"
)

// Conversation is an Intercom conversation.
type Conversation struct {
	Type         string `json:"type,omitempty"`
	ID           string `json:"id"`
	Title        string `json:"title,omitempty"`
	CreatedAt    int64  `json:"created_at,omitempty"`
	UpdatedAt    int64  `json:"updated_at,omitempty"`
	WaitingSince int64  `json:"waiting_since,omitempty"`
	SnoozedUntil int64  `json:"snoozed_until,omitempty"`
	Open         bool   `json:"open"`
	State        string `json:"state,omitempty"`
	Read         bool   `json:"read"`
	// Priority is none/low/medium/high/urgent in 2.16 and
	// priority/not_priority up to 2.15.
	Priority string `json:"priority,omitempty"`
	// AdminAssigneeID and TeamAssigneeID are 0 when unassigned (Intercom
	// sends 0 in 2.16 and null before; both decode to 0).
	AdminAssigneeID   int64                   `json:"admin_assignee_id"`
	TeamAssigneeID    int64                   `json:"team_assignee_id"`
	Company           *Company                `json:"company,omitempty"`
	Tags              *TagList                `json:"tags,omitempty"`
	Source            *ConversationSource     `json:"source,omitempty"`
	Contacts          *ConversationContacts   `json:"contacts,omitempty"`
	Teammates         *AdminList              `json:"teammates,omitempty"`
	CustomAttributes  map[string]any          `json:"custom_attributes,omitempty"`
	Statistics        map[string]any          `json:"statistics,omitempty"`
	Parts             *ConversationPartList   `json:"conversation_parts,omitempty"`
	FirstContactReply *ConversationFirstReply `json:"first_contact_reply,omitempty"`
}

// ContactIDs returns the ids of the conversation's contacts.
func (c *Conversation) ContactIDs() []string {
	if c.Contacts == nil {
		return nil
	}
	ids := make([]string, 0, len(c.Contacts.Contacts))
	for _, r := range c.Contacts.Contacts {
		ids = append(ids, r.ID)
	}
	return ids
}

// ConversationFirstReply describes the contact's first reply.
type ConversationFirstReply struct {
	CreatedAt int64  `json:"created_at,omitempty"`
	Type      string `json:"type,omitempty"`
	URL       string `json:"url,omitempty"`
}

// ConversationSource is the message that started a conversation.
type ConversationSource struct {
	Type        string  `json:"type,omitempty"`
	ID          string  `json:"id,omitempty"`
	DeliveredAs string  `json:"delivered_as,omitempty"`
	Subject     string  `json:"subject,omitempty"`
	Body        string  `json:"body,omitempty"`
	Author      *Author `json:"author,omitempty"`
	URL         string  `json:"url,omitempty"`
	Redacted    bool    `json:"redacted,omitempty"`
}

// Author is who wrote a message or part.
type Author struct {
	// Type is admin, user, lead, bot or team.
	Type  string `json:"type,omitempty"`
	ID    FlexID `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// ConversationContacts lists a conversation's contacts.
type ConversationContacts struct {
	Type     string      `json:"type,omitempty"`
	Contacts []Reference `json:"contacts"`
}

// ConversationPartList holds up to the 500 most recent parts.
type ConversationPartList struct {
	Type       string              `json:"type,omitempty"`
	Parts      []*ConversationPart `json:"conversation_parts"`
	TotalCount int                 `json:"total_count"`
}

// ConversationPart is one event of a conversation (comment, note,
// assignment, close, …).
type ConversationPart struct {
	Type       string     `json:"type,omitempty"`
	ID         FlexID     `json:"id"`
	PartType   string     `json:"part_type,omitempty"`
	Body       string     `json:"body,omitempty"`
	CreatedAt  int64      `json:"created_at,omitempty"`
	UpdatedAt  int64      `json:"updated_at,omitempty"`
	NotifiedAt int64      `json:"notified_at,omitempty"`
	AssignedTo *Reference `json:"assigned_to,omitempty"`
	Author     *Author    `json:"author,omitempty"`
	ExternalID string     `json:"external_id,omitempty"`
	Redacted   bool       `json:"redacted,omitempty"`
	State      string     `json:"state,omitempty"`
	// Tags are the tags applied to this part.
	Tags []*Tag `json:"tags,omitempty"`
	// AppPackageCode names the app that created the part through the API
	// (empty for parts written in Intercom itself).
	AppPackageCode string `json:"app_package_code,omitempty"`
}

// ConversationList is a page of conversations (search and list results
// omit conversation parts).
type ConversationList struct {
	Type          string          `json:"type,omitempty"`
	Conversations []*Conversation `json:"conversations"`
	TotalCount    int             `json:"total_count"`
	Pages         *Pages          `json:"pages,omitempty"`
}

// GetConversationOptions tunes Get.
type GetConversationOptions struct {
	// DisplayAs "plaintext" returns bodies as text instead of HTML.
	DisplayAs string
}

// Message is what creating a conversation returns.
type Message struct {
	Type           string `json:"type,omitempty"`
	ID             string `json:"id"`
	CreatedAt      int64  `json:"created_at,omitempty"`
	Subject        string `json:"subject,omitempty"`
	Body           string `json:"body,omitempty"`
	MessageType    string `json:"message_type,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
}

// Reply message types.
const (
	MessageTypeComment = "comment"
	MessageTypeNote    = "note"
)

// ReplyRequest is the body of a reply: an admin comment or note
// (Type "admin", AdminID, Body) or a contact reply (Type "user" and one of
// IntercomUserID, Email, UserID).
type ReplyRequest struct {
	MessageType       string   `json:"message_type"`
	Type              string   `json:"type"`
	AdminID           string   `json:"admin_id,omitempty"`
	IntercomUserID    string   `json:"intercom_user_id,omitempty"`
	Email             string   `json:"email,omitempty"`
	UserID            string   `json:"user_id,omitempty"`
	Body              string   `json:"body,omitempty"`
	AttachmentURLs    []string `json:"attachment_urls,omitempty"`
	CreatedAt         int64    `json:"created_at,omitempty"`
	SkipNotifications bool     `json:"skip_notifications,omitempty"`
}

// Manage message types.
const (
	ManageClose      = "close"
	ManageOpen       = "open"
	ManageSnoozed    = "snoozed"
	ManageAssignment = "assignment"
)

// Assignee types for Assign.
const (
	AssigneeAdmin = "admin"
	AssigneeTeam  = "team"
)

// ManageRequest is the body of POST /conversations/{id}/parts.
type ManageRequest struct {
	MessageType  string `json:"message_type"`
	Type         string `json:"type,omitempty"`
	AdminID      string `json:"admin_id"`
	AssigneeID   string `json:"assignee_id,omitempty"`
	Body         string `json:"body,omitempty"`
	SnoozedUntil int64  `json:"snoozed_until,omitempty"`
}

func conversationPath(id string) string { return "conversations/" + url.PathEscape(id) }

// Get fetches a conversation with its parts (at most the 500 most recent)
// and conversation attributes.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/retrieveconversation
func (s *ConversationsService) Get(ctx context.Context, id string, opts *GetConversationOptions) (*Conversation, *Response, error) {
	q := url.Values{}
	if opts != nil && opts.DisplayAs != "" {
		q.Set("display_as", opts.DisplayAs)
	}
	c := new(Conversation)
	resp, err := (*service)(s).get(ctx, withQuery(conversationPath(id), q), c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Search runs a conversation search; Response.NextCursor points at the
// next page.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/searchconversations
func (s *ConversationsService) Search(ctx context.Context, r *SearchRequest) ([]*Conversation, *Response, error) {
	var l ConversationList
	resp, err := (*service)(s).send(ctx, http.MethodPost, "conversations/search", r, &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Conversations, resp, nil
}

// SearchIter iterates over every conversation matching r.
func (s *ConversationsService) SearchIter(ctx context.Context, r *SearchRequest) iter.Seq2[*Conversation, error] {
	start := ""
	if r.Pagination != nil {
		start = r.Pagination.StartingAfter
	}
	return iterate(start, func(cursor string) ([]*Conversation, *Response, error) {
		return s.Search(ctx, r.withCursor(cursor))
	})
}

// Create starts a conversation as the contact fromContactID.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/createconversation
func (s *ConversationsService) Create(ctx context.Context, fromContactID, body string) (*Message, *Response, error) {
	req := map[string]any{
		"from": map[string]string{"type": "user", "id": fromContactID},
		"body": body,
	}
	m := new(Message)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "conversations", req, m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}

// Reply adds a comment, a note or a contact reply and returns the whole
// conversation with the new part.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation
func (s *ConversationsService) Reply(ctx context.Context, id string, r *ReplyRequest) (*Conversation, *Response, error) {
	c := new(Conversation)
	resp, err := (*service)(s).send(ctx, http.MethodPost, conversationPath(id)+"/reply", r, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Manage closes, opens, snoozes or assigns a conversation.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/manageconversation
func (s *ConversationsService) Manage(ctx context.Context, id string, r *ManageRequest) (*Conversation, *Response, error) {
	c := new(Conversation)
	resp, err := (*service)(s).send(ctx, http.MethodPost, conversationPath(id)+"/parts", r, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Close closes a conversation as adminID, with an optional closing message.
func (s *ConversationsService) Close(ctx context.Context, id, adminID, body string) (*Conversation, *Response, error) {
	return s.Manage(ctx, id, &ManageRequest{MessageType: ManageClose, Type: "admin", AdminID: adminID, Body: body})
}

// Open reopens a conversation as adminID.
func (s *ConversationsService) Open(ctx context.Context, id, adminID string) (*Conversation, *Response, error) {
	return s.Manage(ctx, id, &ManageRequest{MessageType: ManageOpen, AdminID: adminID})
}

// Snooze snoozes a conversation until the given time.
func (s *ConversationsService) Snooze(ctx context.Context, id, adminID string, until time.Time) (*Conversation, *Response, error) {
	return s.Manage(ctx, id, &ManageRequest{MessageType: ManageSnoozed, AdminID: adminID, SnoozedUntil: until.Unix()})
}

// Assign assigns a conversation to an admin or a team (assigneeType
// AssigneeAdmin or AssigneeTeam); assigneeID "0" unassigns.
func (s *ConversationsService) Assign(ctx context.Context, id, adminID, assigneeType, assigneeID string) (*Conversation, *Response, error) {
	return s.Manage(ctx, id, &ManageRequest{MessageType: ManageAssignment, Type: assigneeType, AdminID: adminID, AssigneeID: assigneeID})
}

// AddTag tags a conversation on behalf of adminID.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/tags/attachtagtoconversation
func (s *ConversationsService) AddTag(ctx context.Context, conversationID, tagID, adminID string) (*Tag, *Response, error) {
	t := new(Tag)
	body := map[string]string{"id": tagID, "admin_id": adminID}
	resp, err := (*service)(s).send(ctx, http.MethodPost, conversationPath(conversationID)+"/tags", body, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}
