package intercomsim

import (
	"maps"
	"net/http"
	"slices"
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
	collection := kind + "s"
	if kind == "company" {
		collection = "companies"
	}
	data := []any{}
	for i, id := range ids {
		if i == 10 {
			break
		}
		data = append(data, map[string]any{"type": kind, "id": id, "url": "/" + collection + "/" + id})
	}
	return map[string]any{"type": "list", "data": data, "url": url, "total_count": len(ids), "has_more": len(ids) > 10}
}

// renderContact renders c as the API returns it for version.
func (s *Server) renderContact(c *contact, version string) map[string]any {
	var owner any
	if c.OwnerID != "" {
		if atLeast216(version) {
			owner = c.OwnerID
		} else {
			owner, _ = toInt64(c.OwnerID)
		}
	}
	domain := ""
	if _, d, ok := strings.Cut(c.Email, "@"); ok {
		domain = d
	}
	base := "/contacts/" + c.ID
	return map[string]any{
		"type": "contact", "id": c.ID, "workspace_id": s.opts.WorkspaceID,
		"external_id": nullable(c.ExternalID), "role": c.Role, "email": c.Email, "email_domain": domain,
		"phone": nullable(c.Phone), "name": nullable(c.Name), "owner_id": owner,
		"has_hard_bounced": false, "marked_email_as_spam": false, "unsubscribed_from_emails": c.Unsubscribed,
		"created_at": c.CreatedAt, "updated_at": c.UpdatedAt,
		"signed_up_at": nullableInt(c.SignedUpAt), "last_seen_at": nullableInt(c.LastSeenAt),
		"last_replied_at": nil, "last_contacted_at": nil, "last_email_opened_at": nil, "last_email_clicked_at": nil,
		"language_override": nil, "browser": nil, "browser_version": nil, "browser_language": nil, "os": nil,
		"android_app_name": nil, "android_app_version": nil, "android_device": nil, "android_os_version": nil,
		"android_sdk_version": nil, "android_last_seen_at": nil,
		"ios_app_name": nil, "ios_app_version": nil, "ios_device": nil, "ios_os_version": nil,
		"ios_sdk_version": nil, "ios_last_seen_at": nil,
		"custom_attributes": maps.Clone(c.CustomAttributes),
		"avatar":            nil,
		"tags":              embeddedList("tag", base+"/tags", c.TagIDs),
		"notes":             embeddedList("note", base+"/notes", c.NoteIDs),
		"companies":         embeddedList("company", base+"/companies", c.CompanyIDs),
		"location":          map[string]any{"type": "location", "country": nil, "region": nil, "city": nil, "country_code": nil, "continent_code": nil},
		"social_profiles":   map[string]any{"type": "list", "data": []any{}},
	}
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
