package intercom

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
)

// Contact roles.
const (
	RoleUser = "user"
	RoleLead = "lead"
)

// ContactsService manages contacts (users and leads).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts
type ContactsService service

// Contact is an Intercom user or lead.
type Contact struct {
	Type                   string          `json:"type,omitempty"`
	ID                     string          `json:"id"`
	WorkspaceID            string          `json:"workspace_id,omitempty"`
	ExternalID             string          `json:"external_id,omitempty"`
	Role                   string          `json:"role,omitempty"`
	Email                  string          `json:"email,omitempty"`
	EmailDomain            string          `json:"email_domain,omitempty"`
	Phone                  string          `json:"phone,omitempty"`
	Name                   string          `json:"name,omitempty"`
	OwnerID                OwnerID         `json:"owner_id"`
	Avatar                 *Avatar         `json:"avatar,omitempty"`
	HasHardBounced         bool            `json:"has_hard_bounced"`
	MarkedEmailAsSpam      bool            `json:"marked_email_as_spam"`
	UnsubscribedFromEmails bool            `json:"unsubscribed_from_emails"`
	CreatedAt              int64           `json:"created_at,omitempty"`
	UpdatedAt              int64           `json:"updated_at,omitempty"`
	SignedUpAt             int64           `json:"signed_up_at,omitempty"`
	LastSeenAt             int64           `json:"last_seen_at,omitempty"`
	LastRepliedAt          int64           `json:"last_replied_at,omitempty"`
	LastContactedAt        int64           `json:"last_contacted_at,omitempty"`
	LastEmailOpenedAt      int64           `json:"last_email_opened_at,omitempty"`
	LastEmailClickedAt     int64           `json:"last_email_clicked_at,omitempty"`
	LanguageOverride       string          `json:"language_override,omitempty"`
	Browser                string          `json:"browser,omitempty"`
	BrowserVersion         string          `json:"browser_version,omitempty"`
	BrowserLanguage        string          `json:"browser_language,omitempty"`
	OS                     string          `json:"os,omitempty"`
	Location               *Location       `json:"location,omitempty"`
	CustomAttributes       map[string]any  `json:"custom_attributes,omitempty"`
	Tags                   AddressableList `json:"tags"`
	Notes                  AddressableList `json:"notes"`
	Companies              AddressableList `json:"companies"`
	UTMCampaign            string          `json:"utm_campaign,omitempty"`
	UTMContent             string          `json:"utm_content,omitempty"`
	UTMMedium              string          `json:"utm_medium,omitempty"`
	UTMSource              string          `json:"utm_source,omitempty"`
	UTMTerm                string          `json:"utm_term,omitempty"`
	Referrer               string          `json:"referrer,omitempty"`
	// MergedFrom is set on contact.merged webhook items: the absorbed contact.
	MergedFrom *Reference `json:"merged_from,omitempty"`
}

// ContactRequest is the body of a contact create or update. Only non-nil
// fields are sent, so an update changes only what is set. In
// CustomAttributes a nil value is sent as JSON null, clearing the attribute.
type ContactRequest struct {
	Role                   *string        `json:"role,omitempty"`
	ExternalID             *string        `json:"external_id,omitempty"`
	Email                  *string        `json:"email,omitempty"`
	Phone                  *string        `json:"phone,omitempty"`
	Name                   *string        `json:"name,omitempty"`
	Avatar                 *string        `json:"avatar,omitempty"`
	SignedUpAt             *int64         `json:"signed_up_at,omitempty"`
	LastSeenAt             *int64         `json:"last_seen_at,omitempty"`
	UnsubscribedFromEmails *bool          `json:"unsubscribed_from_emails,omitempty"`
	EmailVerified          *bool          `json:"email_verified,omitempty"`
	CustomAttributes       map[string]any `json:"custom_attributes,omitempty"`
	// OwnerID is an admin id; "" removes the owner. It is encoded as an
	// integer or a string according to the client's Intercom-Version.
	OwnerID *string `json:"-"`
}

// contactBody adds the version-dependent owner_id to a ContactRequest.
type contactBody struct {
	*ContactRequest
	OwnerID json.RawMessage `json:"owner_id,omitempty"`
}

func (s *ContactsService) body(r *ContactRequest) any {
	if r == nil {
		r = &ContactRequest{}
	}
	b := contactBody{ContactRequest: r}
	if r.OwnerID != nil {
		b.OwnerID = EncodeOwnerID(*r.OwnerID, s.client.version)
	}
	return b
}

// Ptr returns a pointer to v, for the optional fields of request types.
func Ptr[T any](v T) *T { return &v }

// ContactStatus is the answer to delete, archive and unarchive.
type ContactStatus struct {
	Type       string `json:"type,omitempty"`
	ID         string `json:"id"`
	ExternalID string `json:"external_id,omitempty"`
	Deleted    bool   `json:"deleted,omitempty"`
	Archived   bool   `json:"archived,omitempty"`
}

// ContactList is a page of contacts.
type ContactList struct {
	Type       string     `json:"type,omitempty"`
	Data       []*Contact `json:"data"`
	TotalCount int        `json:"total_count"`
	Pages      *Pages     `json:"pages,omitempty"`
}

func contactPath(id string) string { return "contacts/" + url.PathEscape(id) }

// Create creates a user or lead. A duplicate user answers *ConflictError
// carrying the existing contact's id.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/createcontact
func (s *ContactsService) Create(ctx context.Context, r *ContactRequest) (*Contact, *Response, error) {
	c := new(Contact)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "contacts", s.body(r), c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Get fetches a contact. A contact merged into another answers
// *MergedError (410, API 2.16) or ErrNotFound (404, older versions).
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/showcontact
func (s *ContactsService) Get(ctx context.Context, id string) (*Contact, *Response, error) {
	c := new(Contact)
	resp, err := (*service)(s).get(ctx, contactPath(id), c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Update changes only the fields set in r; custom attributes merge key by key.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/updatecontact
func (s *ContactsService) Update(ctx context.Context, id string, r *ContactRequest) (*Contact, *Response, error) {
	c := new(Contact)
	resp, err := (*service)(s).send(ctx, http.MethodPut, contactPath(id), s.body(r), c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Delete deletes a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/deletecontact
func (s *ContactsService) Delete(ctx context.Context, id string) (*ContactStatus, *Response, error) {
	return s.status(ctx, http.MethodDelete, contactPath(id))
}

// Archive archives a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/archivecontact
func (s *ContactsService) Archive(ctx context.Context, id string) (*ContactStatus, *Response, error) {
	return s.status(ctx, http.MethodPost, contactPath(id)+"/archive")
}

// Unarchive restores an archived contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/unarchivecontact
func (s *ContactsService) Unarchive(ctx context.Context, id string) (*ContactStatus, *Response, error) {
	return s.status(ctx, http.MethodPost, contactPath(id)+"/unarchive")
}

func (s *ContactsService) status(ctx context.Context, method, path string) (*ContactStatus, *Response, error) {
	st := new(ContactStatus)
	resp, err := (*service)(s).send(ctx, method, path, nil, st)
	if err != nil {
		return nil, resp, err
	}
	return st, resp, nil
}

// List returns one page of contacts; Response.NextCursor points at the next.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/listcontacts
func (s *ContactsService) List(ctx context.Context, opts *ListOptions) ([]*Contact, *Response, error) {
	var l ContactList
	resp, err := (*service)(s).get(ctx, withQuery("contacts", opts.query()), &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Data, resp, nil
}

// ListIter iterates over every contact from opts on, fetching pages lazily.
func (s *ContactsService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[*Contact, error] {
	o := ListOptions{}
	if opts != nil {
		o = *opts
	}
	return iterate(o.StartingAfter, func(cursor string) ([]*Contact, *Response, error) {
		o.StartingAfter = cursor
		return s.List(ctx, &o)
	})
}

// Search runs a contact search; Response.NextCursor points at the next page.
// Search is eventually consistent: new contacts can be missing for minutes.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/searchcontacts
func (s *ContactsService) Search(ctx context.Context, r *SearchRequest) ([]*Contact, *Response, error) {
	var l ContactList
	resp, err := (*service)(s).send(ctx, http.MethodPost, "contacts/search", r, &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	return l.Data, resp, nil
}

// SearchIter iterates over every contact matching r, following the cursor
// in the request body.
func (s *ContactsService) SearchIter(ctx context.Context, r *SearchRequest) iter.Seq2[*Contact, error] {
	start := ""
	if r.Pagination != nil {
		start = r.Pagination.StartingAfter
	}
	return iterate(start, func(cursor string) ([]*Contact, *Response, error) {
		return s.Search(ctx, r.withCursor(cursor))
	})
}

// FindByExternalID fetches the user with the given external_id.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/showcontactbyexternalid
func (s *ContactsService) FindByExternalID(ctx context.Context, externalID string) (*Contact, *Response, error) {
	c := new(Contact)
	resp, err := (*service)(s).get(ctx, "contacts/find_by_external_id/"+url.PathEscape(externalID), c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// FindByEmail returns every contact (users and leads) whose email equals
// email, following all result pages. The Response is the last page's.
func (s *ContactsService) FindByEmail(ctx context.Context, email string) ([]*Contact, *Response, error) {
	r := &SearchRequest{
		Query:      Where("email", OpEquals, email),
		Pagination: &Pagination{PerPage: 150},
	}
	var out []*Contact
	for {
		page, resp, err := s.Search(ctx, r)
		if err != nil {
			return nil, resp, err
		}
		out = append(out, page...)
		if resp.NextCursor == "" || len(page) == 0 {
			return out, resp, nil
		}
		r = r.withCursor(resp.NextCursor)
	}
}

// Merge merges a lead into a user and returns the surviving user.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/mergecontact
func (s *ContactsService) Merge(ctx context.Context, leadID, userID string) (*Contact, *Response, error) {
	body := map[string]string{"from": leadID, "into": userID}
	c := new(Contact)
	resp, err := (*service)(s).send(ctx, http.MethodPost, "contacts/merge", body, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// AttachCompany attaches the company with Intercom id companyID (not its
// company_id) to a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/attachcontacttoacompany
func (s *ContactsService) AttachCompany(ctx context.Context, contactID, companyID string) (*Company, *Response, error) {
	co := new(Company)
	resp, err := (*service)(s).send(ctx, http.MethodPost, contactPath(contactID)+"/companies", map[string]string{"id": companyID}, co)
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// DetachCompany detaches a company (Intercom id) from a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/detachcontactfromacompany
func (s *ContactsService) DetachCompany(ctx context.Context, contactID, companyID string) (*Company, *Response, error) {
	co := new(Company)
	resp, err := (*service)(s).send(ctx, http.MethodDelete, contactPath(contactID)+"/companies/"+url.PathEscape(companyID), nil, co)
	if err != nil {
		return nil, resp, err
	}
	return co, resp, nil
}

// ListCompanies lists the companies attached to a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/listcompaniesforacontact
func (s *ContactsService) ListCompanies(ctx context.Context, contactID string) ([]*Company, *Response, error) {
	var l struct {
		Data      []*Company `json:"data"`
		Companies []*Company `json:"companies"`
		Pages     *Pages     `json:"pages"`
	}
	resp, err := (*service)(s).get(ctx, contactPath(contactID)+"/companies", &l)
	if err != nil {
		return nil, resp, err
	}
	resp.NextCursor = l.Pages.cursor()
	if l.Data == nil {
		l.Data = l.Companies
	}
	return l.Data, resp, nil
}

// AddTag tags a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/attachtagtocontact
func (s *ContactsService) AddTag(ctx context.Context, contactID, tagID string) (*Tag, *Response, error) {
	t := new(Tag)
	resp, err := (*service)(s).send(ctx, http.MethodPost, contactPath(contactID)+"/tags", map[string]string{"id": tagID}, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}

// RemoveTag removes a tag from a contact.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/detachtagfromcontact
func (s *ContactsService) RemoveTag(ctx context.Context, contactID, tagID string) (*Tag, *Response, error) {
	t := new(Tag)
	resp, err := (*service)(s).send(ctx, http.MethodDelete, contactPath(contactID)+"/tags/"+url.PathEscape(tagID), nil, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}
