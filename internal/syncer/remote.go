package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/salesforce"
)

// This file is the engine's only contact with the vendor clients: Intercom
// records travel as decoded JSON objects so that mappings can address any
// standard or custom attribute by name.

// icGetContact reads an Intercom contact.
func (s *Syncer) icGetContact(ctx context.Context, id string) (map[string]any, error) {
	return s.icJSON(ctx, http.MethodGet, "contacts/"+url.PathEscape(id), nil)
}

// icGetCompany reads an Intercom company by its Intercom id.
func (s *Syncer) icGetCompany(ctx context.Context, id string) (map[string]any, error) {
	return s.icJSON(ctx, http.MethodGet, "companies/"+url.PathEscape(id), nil)
}

// icGet reads the Intercom side of a link.
func (s *Syncer) icGet(ctx context.Context, obj tandem.Object, id string) (map[string]any, error) {
	if obj == tandem.ObjectAccount {
		return s.icGetCompany(ctx, id)
	}
	return s.icGetContact(ctx, id)
}

// icUpdate writes a partial update to the Intercom side of a link.
func (s *Syncer) icUpdate(ctx context.Context, obj tandem.Object, id string, body map[string]any) (map[string]any, error) {
	if obj == tandem.ObjectAccount {
		return s.icJSON(ctx, http.MethodPut, "companies/"+url.PathEscape(id), body)
	}
	return s.icJSON(ctx, http.MethodPut, "contacts/"+url.PathEscape(id), body)
}

// icFindPeople searches Intercom contacts of role whose key field equals key,
// most recently updated first.
func (s *Syncer) icFindPeople(ctx context.Context, role, field, key string) ([]map[string]any, error) {
	body := map[string]any{
		"query": map[string]any{"operator": "AND", "value": []any{
			map[string]any{"field": field, "operator": "=", "value": key},
			map[string]any{"field": "role", "operator": "=", "value": role},
		}},
		"pagination": map[string]any{"per_page": 10},
		"sort":       map[string]any{"field": "updated_at", "order": "descending"},
	}
	res, err := s.icJSON(ctx, http.MethodPost, "contacts/search", body)
	if err != nil {
		return nil, err
	}
	return objects(res["data"]), nil
}

// icFindCompany looks a company up by its company_id; nil when none.
func (s *Syncer) icFindCompany(ctx context.Context, companyID string) (map[string]any, error) {
	res, err := s.icJSON(ctx, http.MethodGet, "companies?company_id="+url.QueryEscape(companyID), nil)
	if errors.Is(err, intercom.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if str(res["type"]) == "company" {
		return res, nil
	}
	// 2.16 answers with a list wrapper.
	if data := objects(res["data"]); len(data) > 0 {
		return data[0], nil
	}
	return nil, nil
}

func (s *Syncer) icJSON(ctx context.Context, method, path string, body any) (map[string]any, error) {
	req, err := s.ic.NewRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if _, err := s.ic.Do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// sfQuery runs a SOQL query and calls fn for every record, following pages.
func (s *Syncer) sfQuery(ctx context.Context, soql string, fn func(salesforce.Record) error) error {
	for rec, err := range s.sf.Query(ctx, soql, nil) {
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// sfGet reads the Salesforce side of a link with the fields the engine uses.
func (s *Syncer) sfGet(ctx context.Context, obj tandem.Object, id string) (salesforce.Record, error) {
	rec, _, err := s.sf.SObjects.Get(ctx, obj.SObject(), id, s.sfFields(obj))
	return rec, err
}

// sfFields lists the Salesforce fields the engine reads for obj.
func (s *Syncer) sfFields(obj tandem.Object) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
	}
	add("Id")
	add("LastModifiedDate")
	add("SystemModstamp")
	add(s.sfKeyField(obj))
	if obj == tandem.ObjectLead {
		add("IsConverted")
		add("ConvertedContactId")
		add("ConvertedAccountId")
	}
	if s.cfg.Ownership.Enabled {
		add("OwnerId")
	}
	for _, m := range s.cfg.Mappings {
		if m.Object != obj {
			continue
		}
		if m.Salesforce == "Name" && obj != tandem.ObjectAccount {
			add("FirstName")
			add("LastName")
			continue
		}
		add(m.Salesforce)
	}
	return out
}

// sfKeyField is the Salesforce field the matching key lives in.
func (s *Syncer) sfKeyField(obj tandem.Object) string {
	if obj == tandem.ObjectAccount {
		return s.cfg.CompanyMatchField
	}
	if s.cfg.PeopleMatch == "external_id" {
		return s.cfg.PeopleExternalIDField
	}
	return "Email"
}

// icKeyField is the Intercom attribute the matching key lives in.
func (s *Syncer) icKeyField(obj tandem.Object) string {
	if obj == tandem.ObjectAccount {
		return "company_id"
	}
	if s.cfg.PeopleMatch == "external_id" {
		return "external_id"
	}
	return "email"
}

// normKey normalises a matching key: emails compare case-insensitively.
func normKey(field, v string) string {
	v = strings.TrimSpace(v)
	if strings.EqualFold(field, "email") {
		return strings.ToLower(v)
	}
	return v
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func objects(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
