package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/salesforce"
)

// The engine reads and writes Intercom records as decoded JSON (the Raw
// methods of the intercom client), so that mappings can address any
// standard or custom attribute by name. Paging, retries, write pacing and
// the shapes that differ between API versions are the client's business.
// The helpers below only pick the service by the pair's object.

// icGetContact reads an Intercom contact.
func (s *engine) icGetContact(ctx context.Context, id string) (map[string]any, error) {
	c, _, err := s.ic.Contacts.GetRaw(ctx, id)
	return c, err
}

// icGetCompany reads an Intercom company by its Intercom id.
func (s *engine) icGetCompany(ctx context.Context, id string) (map[string]any, error) {
	c, _, err := s.ic.Companies.GetRaw(ctx, id)
	return c, err
}

// icGet reads the Intercom side of a link.
func (s *engine) icGet(ctx context.Context, obj tandem.Object, id string) (map[string]any, error) {
	if obj == tandem.ObjectAccount {
		return s.icGetCompany(ctx, id)
	}
	return s.icGetContact(ctx, id)
}

// icUpdate writes a partial update to the Intercom side of a link.
func (s *engine) icUpdate(ctx context.Context, obj tandem.Object, id string, body map[string]any) error {
	var err error
	if obj == tandem.ObjectAccount {
		_, _, err = s.ic.Companies.UpdateRaw(ctx, id, body)
	} else {
		_, _, err = s.ic.Contacts.UpdateRaw(ctx, id, body)
	}
	return err
}

// icFindPeople searches Intercom contacts of role whose key field equals key,
// most recently updated first.
func (s *engine) icFindPeople(ctx context.Context, role, field, key string) ([]map[string]any, error) {
	found, _, err := s.ic.Contacts.SearchRaw(ctx, &intercom.SearchRequest{
		Query:      intercom.And(intercom.Where(field, intercom.OpEquals, key), intercom.Where("role", intercom.OpEquals, role)),
		Pagination: &intercom.Pagination{PerPage: 10},
		Sort:       &intercom.Sort{Field: "updated_at", Order: intercom.SortDescending},
	})
	return found, err
}

// icFindCompany looks a company up by its company_id; nil when none.
func (s *engine) icFindCompany(ctx context.Context, companyID string) (map[string]any, error) {
	c, _, err := s.ic.Companies.GetByCompanyIDRaw(ctx, companyID)
	if errors.Is(err, intercom.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// sfQuery runs a SOQL query and calls fn for every record, following pages.
func (s *engine) sfQuery(ctx context.Context, soql string, fn func(salesforce.Record) error) error {
	return queryAll(ctx, s.sf, soql, fn)
}

// queryAll runs a SOQL query with client sf and calls fn for every record,
// following pages.
func queryAll(ctx context.Context, sf *salesforce.Client, soql string, fn func(salesforce.Record) error) error {
	for rec, err := range sf.Query(ctx, soql, nil) {
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
func (s *engine) sfGet(ctx context.Context, obj tandem.Object, id string) (salesforce.Record, error) {
	rec, _, err := s.sf.SObjects.Get(ctx, obj.SObject(), id, s.sfFields(ctx, obj))
	return rec, err
}

// sfFields lists the Salesforce fields the engine reads for obj.
func (s *engine) sfFields(ctx context.Context, obj tandem.Object) []string {
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
	if s.settings(ctx).Ownership.Enabled {
		add("OwnerId")
	}
	for _, m := range s.settings(ctx).Mappings {
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
func (s *engine) sfKeyField(obj tandem.Object) string {
	if obj == tandem.ObjectAccount {
		return s.cfg.CompanyMatchField
	}
	if s.cfg.PeopleMatch == "external_id" {
		return s.cfg.PeopleExternalIDField
	}
	return "Email"
}

// icKeyField is the Intercom attribute the matching key lives in.
func (s *engine) icKeyField(obj tandem.Object) string {
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
