package intercomsim

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// contactTopic returns the webhook topic for a change to c ("created" or "updated").
func contactTopic(c *contact, change string) string {
	return "contact." + c.Role + "." + change
}

// liveContact returns a contact that is neither deleted nor merged away.
// Callers hold s.mu.
func (s *Server) liveContact(id, version string) (*contact, *apiError) {
	c, ok := s.contacts[id]
	if !ok || c.deleted {
		return nil, errNotFound("User Not Found")
	}
	if c.MergedInto != "" {
		if !atLeast216(version) {
			return nil, errNotFound("User Not Found")
		}
		canon := c
		for i := 0; i < 3 && canon.MergedInto != ""; i++ {
			canon = s.contacts[canon.MergedInto]
		}
		e := errorf(http.StatusGone, "contact_merged", "Contact has been merged into %s", canon.ID)
		e.Header = http.Header{"Link": {"</contacts/" + canon.ID + ">; rel=\"canonical\""}}
		return nil, e
	}
	return c, nil
}

// duplicateOf returns a user that already owns email or externalID, other
// than self. Callers hold s.mu.
func (s *Server) duplicateOf(self *contact, role, email, externalID string) *contact {
	if role != "user" {
		return nil
	}
	if o := s.usersByEmail[strings.ToLower(email)]; email != "" && o != nil && o != self {
		return o
	}
	if o := s.usersByExtID[externalID]; externalID != "" && o != nil && o != self {
		return o
	}
	return nil
}

// unindexContact removes c from the user uniqueness indexes. Callers hold s.mu.
func (s *Server) unindexContact(c *contact) {
	if k := strings.ToLower(c.Email); s.usersByEmail[k] == c {
		delete(s.usersByEmail, k)
	}
	if s.usersByExtID[c.ExternalID] == c {
		delete(s.usersByExtID, c.ExternalID)
	}
}

// indexContact adds a live user to the uniqueness indexes. Callers hold s.mu.
func (s *Server) indexContact(c *contact) {
	if c.Role != "user" || c.deleted || c.MergedInto != "" {
		return
	}
	if c.Email != "" {
		s.usersByEmail[strings.ToLower(c.Email)] = c
	}
	if c.ExternalID != "" {
		s.usersByExtID[c.ExternalID] = c
	}
}

func conflictError(o *contact) *apiError {
	if o.Archived {
		return errorf(http.StatusConflict, "conflict", "An archived contact matching those details already exists with id=%s", o.ID)
	}
	return errorf(http.StatusConflict, "conflict", "A contact matching those details already exists with id=%s", o.ID)
}

// applyContactFields applies API-named fields to c (which may be a fresh
// contact). Callers hold s.mu.
func (s *Server) applyContactFields(c *contact, f map[string]any) *apiError {
	next := *c
	next.CustomAttributes = maps.Clone(c.CustomAttributes)
	for k, v := range f {
		switch k {
		case "role":
			r := str(v)
			if r != "user" && r != "lead" {
				return errInvalid("role", "role must be one of user, lead")
			}
			next.Role = r
		case "email":
			next.Email = strings.TrimSpace(str(v))
			if next.Email != "" && !strings.Contains(next.Email, "@") {
				return errInvalid("email", "Email address is invalid")
			}
		case "external_id":
			next.ExternalID = str(v)
		case "name":
			next.Name = str(v)
		case "phone":
			next.Phone = str(v)
		case "owner_id":
			id := str(v)
			if id != "" && id != "0" && s.findAdmin(id) == nil {
				return errInvalid("owner_id", "Owner not found")
			}
			if id == "0" {
				id = ""
			}
			next.OwnerID = id
		case "signed_up_at", "last_seen_at":
			var t int64
			if v != nil {
				var ok bool
				if t, ok = toInt64(v); !ok {
					return errInvalid(k, "%s must be a unix timestamp", k)
				}
			}
			if k == "signed_up_at" {
				next.SignedUpAt = t
			} else {
				next.LastSeenAt = t
			}
		case "unsubscribed_from_emails":
			b, ok := v.(bool)
			if !ok {
				return errInvalid(k, "unsubscribed_from_emails must be a boolean")
			}
			next.Unsubscribed = b
		case "custom_attributes":
			m, ok := v.(map[string]any)
			if !ok {
				return errInvalid(k, "custom_attributes must be an object")
			}
			ca, e := s.checkCustomAttributes("contact", m)
			if e != nil {
				return e
			}
			if next.CustomAttributes == nil {
				next.CustomAttributes = map[string]any{}
			}
			maps.Copy(next.CustomAttributes, ca)
		case "avatar", "email_verified", "language_override", "skip_duplicate_validation":
			// accepted, not modelled
		default:
			// Intercom ignores unknown top-level keys.
		}
	}
	if o := s.duplicateOf(c, next.Role, next.Email, next.ExternalID); o != nil {
		return conflictError(o)
	}
	s.unindexContact(c)
	*c = next
	s.indexContact(c)
	return nil
}

// createContact creates a contact from API-named fields. Callers hold s.mu.
func (s *Server) createContact(f map[string]any) (*contact, *apiError) {
	if str(f["email"]) == "" && str(f["external_id"]) == "" && str(f["role"]) == "" {
		return nil, errorf(http.StatusBadRequest, "parameter_not_found", "at least one of email, external_id or role is required")
	}
	now := s.now()
	c := &contact{Role: "user", CreatedAt: now, UpdatedAt: now, CustomAttributes: map[string]any{}}
	if e := s.applyContactFields(c, f); e != nil {
		return nil, e
	}
	c.ID = s.ids.hex24()
	s.seq++
	c.seq = s.seq
	s.contacts[c.ID] = c
	s.contactList = append(s.contactList, c)
	s.liveCount++
	s.emit(contactTopic(c, "created"), s.renderContact(c, s.opts.DefaultVersion))
	return c, nil
}

// updateContact applies fields to the contact id. Callers hold s.mu.
func (s *Server) updateContact(c *contact, f map[string]any) *apiError {
	if e := s.applyContactFields(c, f); e != nil {
		return e
	}
	s.touchContact(c)
	return nil
}

// touchContact bumps updated_at and fires the updated webhook.
func (s *Server) touchContact(c *contact) {
	c.UpdatedAt = max(s.now(), c.UpdatedAt)
	s.emit(contactTopic(c, "updated"), s.renderContact(c, s.opts.DefaultVersion))
}

// deleteContact removes c. Callers hold s.mu.
func (s *Server) deleteContact(c *contact) {
	s.unindexContact(c)
	s.unlinkCompanies(c)
	s.liveCount--
	c.deleted = true
	delete(s.contacts, c.ID)
	s.emit("contact.deleted", map[string]any{"type": "contact", "id": c.ID,
		"external_id": nullable(c.ExternalID), "email": c.Email, "role": c.Role})
}

// embeddedList renders one of the ≤10-item lists embedded in a contact;
// each item's url is its object's own path (/companies/{id}, /tags/{id},
// /notes/{id}).
func embeddedList(kind, url string, ids []string) map[string]any {
	collection := collectionOf(kind)
	data := []any{}
	for i, id := range ids {
		if i == 10 {
			break
		}
		data = append(data, map[string]any{"type": kind, "id": id, "url": "/" + collection + "/" + id})
	}
	return map[string]any{"type": "list", "data": data, "url": url, "total_count": len(ids), "has_more": len(ids) > 10}
}

// collectionOf is the path segment of kind's objects.
func collectionOf(kind string) string {
	if kind == "company" {
		return "companies"
	}
	return kind + "s"
}

// appendEmbeddedList appends what embeddedList(kind, url, ids) encodes to,
// url being the contact's path with list appended.
func appendEmbeddedList(b []byte, kind, contactID, list string, ids []string) []byte {
	b = append(b, `{"data":[`...)
	for i, id := range ids {
		if i == 10 {
			break
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b, _ = appendJSONString(b, id)
		b = append(b, `,"type":"`...)
		b = append(b, kind...)
		b = append(b, `","url":`...)
		b, _ = appendJSONString(b, "/"+collectionOf(kind)+"/"+id)
		b = append(b, '}')
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, len(ids) > 10)
	b = append(b, `,"total_count":`...)
	b = strconv.AppendInt(b, int64(len(ids)), 10)
	b = append(b, `,"type":"list","url":`...)
	b, _ = appendJSONString(b, "/contacts/"+contactID+"/"+list)
	return append(b, '}')
}

// renderContact renders c as the API returns it for version.
func (s *Server) renderContact(c *contact, version string) map[string]any {
	return renderMap(s, contactAttrs, c, version)
}

// contactAttrs are the attributes of a rendered contact.
var contactAttrs = attrs(append([]attr[*contact]{
	{name: "type", value: constant("contact")},
	{name: "id", value: func(_ *Server, c *contact, _ string) any { return c.ID }},
	{name: "workspace_id", value: func(s *Server, _ *contact, _ string) any { return s.opts.WorkspaceID }},
	{name: "external_id", value: func(_ *Server, c *contact, _ string) any { return nullable(c.ExternalID) }},
	{name: "role", value: func(_ *Server, c *contact, _ string) any { return c.Role }},
	{name: "email", value: func(_ *Server, c *contact, _ string) any { return c.Email }},
	{name: "email_domain", value: func(_ *Server, c *contact, _ string) any {
		_, domain, _ := strings.Cut(c.Email, "@")
		return domain
	}},
	{name: "phone", value: func(_ *Server, c *contact, _ string) any { return nullable(c.Phone) }},
	{name: "name", value: func(_ *Server, c *contact, _ string) any { return nullable(c.Name) }},
	{name: "owner_id", value: func(_ *Server, c *contact, version string) any {
		switch {
		case c.OwnerID == "":
			return nil
		case atLeast216(version):
			return c.OwnerID
		}
		owner, _ := toInt64(c.OwnerID)
		return owner
	}},
	{name: "has_hard_bounced", value: constant(false)},
	{name: "marked_email_as_spam", value: constant(false)},
	{name: "unsubscribed_from_emails", value: func(_ *Server, c *contact, _ string) any { return c.Unsubscribed }},
	{name: "created_at", value: func(_ *Server, c *contact, _ string) any { return c.CreatedAt }},
	{name: "updated_at", value: func(_ *Server, c *contact, _ string) any { return c.UpdatedAt }},
	{name: "signed_up_at", value: func(_ *Server, c *contact, _ string) any { return nullableInt(c.SignedUpAt) }},
	{name: "last_seen_at", value: func(_ *Server, c *contact, _ string) any { return nullableInt(c.LastSeenAt) }},
	{name: "custom_attributes", value: func(_ *Server, c *contact, _ string) any { return maps.Clone(c.CustomAttributes) }},
	listAttr("tags", "tag", func(c *contact) []string { return c.TagIDs }),
	listAttr("notes", "note", func(c *contact) []string { return c.NoteIDs }),
	listAttr("companies", "company", func(c *contact) []string { return c.CompanyIDs }),
	{name: "location", value: func(*Server, *contact, string) any { return location() },
		appendValue: constantJSON[*contact](location())},
	{name: "social_profiles", value: func(*Server, *contact, string) any { return socialProfiles() },
		appendValue: constantJSON[*contact](socialProfiles())},
}, nulls(
	"last_replied_at", "last_contacted_at", "last_email_opened_at", "last_email_clicked_at",
	"language_override", "browser", "browser_version", "browser_language", "os", "avatar",
	"android_app_name", "android_app_version", "android_device", "android_os_version",
	"android_sdk_version", "android_last_seen_at",
	"ios_app_name", "ios_app_version", "ios_device", "ios_os_version", "ios_sdk_version", "ios_last_seen_at",
)...))

// listAttr is the attribute list of a contact, the embedded list of its
// objects of kind with the given ids.
func listAttr(list, kind string, ids func(*contact) []string) attr[*contact] {
	return attr[*contact]{name: list,
		value: func(_ *Server, c *contact, _ string) any {
			return embeddedList(kind, "/contacts/"+c.ID+"/"+list, ids(c))
		},
		appendValue: func(b []byte, _ *Server, c *contact, _ string) []byte {
			return appendEmbeddedList(b, kind, c.ID, list, ids(c))
		}}
}

// location is a contact's location: the simulator tracks none.
func location() map[string]any {
	return map[string]any{"type": "location", "country": nil, "region": nil, "city": nil, "country_code": nil, "continent_code": nil}
}

// socialProfiles is a contact's list of social profiles: always empty.
func socialProfiles() map[string]any {
	return map[string]any{"type": "list", "data": []any{}}
}

// constant is the value of an attribute that is always v.
func constant(v any) func(*Server, *contact, string) any {
	return func(*Server, *contact, string) any { return v }
}

// nulls are attributes the simulator does not track: always null.
func nulls(names ...string) []attr[*contact] {
	as := make([]attr[*contact], len(names))
	for i, n := range names {
		as[i] = attr[*contact]{name: n, value: constant(nil)}
	}
	return as
}

// liveContacts returns contacts that are listed (not deleted, not merged).
func (s *Server) liveContacts() []*contact {
	out := make([]*contact, 0, len(s.contactList))
	for _, c := range s.contactList {
		if !c.deleted && c.MergedInto == "" {
			out = append(out, c)
		}
	}
	return out
}

// mergeContacts merges lead from into user into. Callers hold s.mu.
func (s *Server) mergeContacts(fromID, intoID string, skipValidation bool, version string) (*contact, *apiError) {
	from, e := s.liveContact(fromID, version)
	if e != nil {
		return nil, e
	}
	into, e := s.liveContact(intoID, version)
	if e != nil {
		return nil, e
	}
	if from.Role != "lead" || into.Role != "user" {
		return nil, errorf(http.StatusBadRequest, "invalid_merge", "Only a lead can be merged into a user")
	}
	if atLeast216(version) && !skipValidation {
		shared := (from.Email != "" && strings.EqualFold(from.Email, into.Email)) || (from.Phone != "" && from.Phone == into.Phone)
		if !shared {
			return nil, errorf(http.StatusBadRequest, "invalid_merge", "Contacts must share an email or phone to be merged")
		}
	}
	for k, v := range from.CustomAttributes {
		if _, ok := into.CustomAttributes[k]; !ok {
			into.CustomAttributes[k] = v
		}
	}
	for _, id := range from.CompanyIDs {
		if !slices.Contains(into.CompanyIDs, id) {
			into.CompanyIDs = append(into.CompanyIDs, id)
		}
	}
	s.unindexContact(from)
	s.unlinkCompanies(from)
	s.liveCount--
	from.MergedInto = into.ID
	s.linkCompanies(into)
	into.UpdatedAt = max(s.now(), into.UpdatedAt)
	item := s.renderContact(into, s.opts.DefaultVersion)
	item["merged_from"] = map[string]any{"type": "contact", "id": from.ID}
	s.emit("contact.merged", item)
	return into, nil
}
