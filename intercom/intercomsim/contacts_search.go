package intercomsim

import (
	"net/http"
	"strings"
)

// contactSchema returns the searchable fields of contacts. Callers hold s.mu.
func (s *Server) contactSchema() *searchSchema[*contact] {
	str := func(get func(*contact) string) fieldSpec[*contact] {
		return fieldSpec[*contact]{typ: ftString, get: func(c *contact) any { return get(c) }}
	}
	date := func(get func(*contact) int64) fieldSpec[*contact] {
		return fieldSpec[*contact]{typ: ftDate, get: func(c *contact) any { return get(c) }}
	}
	fields := map[string]fieldSpec[*contact]{
		"id":          str(func(c *contact) string { return c.ID }),
		"role":        str(func(c *contact) string { return c.Role }),
		"name":        str(func(c *contact) string { return c.Name }),
		"email":       str(func(c *contact) string { return c.Email }),
		"phone":       str(func(c *contact) string { return c.Phone }),
		"external_id": str(func(c *contact) string { return c.ExternalID }),
		"email_domain": str(func(c *contact) string {
			_, d, _ := strings.Cut(c.Email, "@")
			return d
		}),
		"owner_id": {typ: ftInt, get: func(c *contact) any {
			if c.OwnerID == "" {
				return nil
			}
			v, _ := toInt64(c.OwnerID)
			return v
		}},
		"created_at":               date(func(c *contact) int64 { return c.CreatedAt }),
		"updated_at":               date(func(c *contact) int64 { return c.UpdatedAt }),
		"signed_up_at":             date(func(c *contact) int64 { return c.SignedUpAt }),
		"last_seen_at":             date(func(c *contact) int64 { return c.LastSeenAt }),
		"unsubscribed_from_emails": {typ: ftBool, get: func(c *contact) any { return c.Unsubscribed }},
		"tag_id":                   {typ: ftTagID, get: func(c *contact) any { return c.TagIDs }},
	}
	return &searchSchema[*contact]{
		fields: fields,
		custom: func(name string) (fieldType, bool) {
			a := s.findAttribute("contact", name)
			if a == nil {
				return 0, false
			}
			return dataTypeToField(a.DataType), true
		},
		customGet: func(c *contact, name string) any { return c.CustomAttributes[name] },
		loc:       s.opts.Location,
	}
}

// searchBody is the common part of a search request.
type searchBody struct {
	query     *queryNode
	per       int
	after     string
	sortField string
	desc      bool
}

func parseSearchBody(body map[string]any, defPer int, allowSort, strict bool) (searchBody, *apiError) {
	sb := searchBody{desc: true}
	q, e := parseQuery(body["query"])
	if e != nil {
		return sb, e
	}
	sb.query = q
	sb.per = defPer
	if p, ok := body["pagination"].(map[string]any); ok {
		if sb.per, e = perPage(p["per_page"], defPer); e != nil {
			return sb, e
		}
		sb.after = str(p["starting_after"])
	}
	if srt, ok := body["sort"].(map[string]any); ok && allowSort {
		sb.sortField = str(srt["field"])
		switch o := str(srt["order"]); o {
		case "", "descending":
		case "ascending":
			sb.desc = false
		case "asc":
			if strict {
				return sb, errorf(http.StatusBadRequest, "invalid_sort_order", "Invalid sort order '%s'. Must be one of: ascending, descending", o)
			}
			sb.desc = false
		default:
			if !strict {
				break
			}
			return sb, errorf(http.StatusBadRequest, "invalid_sort_order", "Invalid sort order '%s'. Must be one of: ascending, descending", o)
		}
	}
	return sb, nil
}

// searchContacts runs a contact search. Callers hold s.mu.
func (s *Server) searchContacts(body map[string]any, version string) (pageResult[*contact], *apiError) {
	sb, e := parseSearchBody(body, 50, true, atLeast216(version))
	if e != nil {
		return pageResult[*contact]{}, e
	}
	sc := s.contactSchema()
	pred, e := compile(sc, sb.query)
	if e != nil {
		return pageResult[*contact]{}, e
	}
	key := func(c *contact) sortKey { return sortKey{Seq: c.seq} }
	desc := false
	if sb.sortField != "" {
		spec, ok := sc.resolve(sb.sortField)
		if !ok {
			return pageResult[*contact]{}, errInvalid("sort", "%s is not a sortable field", sb.sortField)
		}
		key = func(c *contact) sortKey { return sortKeyOf(spec.get(c), c.seq) }
		desc = sb.desc
	}
	matched := func(yield func(*contact) bool) {
		for _, c := range s.contactList {
			if !c.deleted && c.MergedInto == "" && pred(c) && !yield(c) {
				return
			}
		}
	}
	return paginateSeq(matched, key, desc, sb.per, sb.after)
}
