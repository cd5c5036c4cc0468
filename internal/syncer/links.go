package syncer

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// personObject returns the pair an Intercom contact belongs to by its role.
func personObject(role string) tandem.Object {
	if role == "lead" {
		return tandem.ObjectLead
	}
	return tandem.ObjectContact
}

// icRole is the Intercom role of a people pair.
func icRole(obj tandem.Object) string {
	if obj == tandem.ObjectLead {
		return "lead"
	}
	return "user"
}

// linkForIntercom returns the link of an Intercom contact or company. A lead
// may be linked to a Salesforce Contact after its Lead was converted.
func (s *Syncer) linkForIntercom(ctx context.Context, obj tandem.Object, id string) (tandem.Link, bool, error) {
	objs := []tandem.Object{obj}
	switch obj {
	case tandem.ObjectLead:
		objs = append(objs, tandem.ObjectContact)
	case tandem.ObjectContact:
		objs = append(objs, tandem.ObjectLead)
	}
	for _, o := range objs {
		l, err := s.store.LinkByIntercomID(ctx, s.cfg.Installation, o, id)
		if err == nil {
			return l, true, nil
		} else if !store.IsNotFound(err) {
			return tandem.Link{}, false, err
		}
	}
	return tandem.Link{}, false, nil
}

// findSalesforce returns the Salesforce records of obj whose key equals key,
// most recently modified first.
func (s *Syncer) findSalesforce(ctx context.Context, obj tandem.Object, key string) ([]salesforce.Record, error) {
	field := s.sfKeyField(obj)
	where := fmt.Sprintf("%s = %s", field, salesforce.QuoteString(key))
	if obj == tandem.ObjectLead {
		where += " AND IsConverted = false"
	}
	soql := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY LastModifiedDate DESC, Id LIMIT 20",
		strings.Join(s.sfFields(ctx, obj), ", "), obj.SObject(), where)
	var out []salesforce.Record
	err := s.sfQuery(ctx, soql, func(r salesforce.Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// findIntercom returns the Intercom records of obj whose key equals key, most
// recently updated first.
func (s *Syncer) findIntercom(ctx context.Context, obj tandem.Object, key string) ([]map[string]any, error) {
	if obj == tandem.ObjectAccount {
		c, err := s.icFindCompany(ctx, key)
		if err != nil || c == nil {
			return nil, err
		}
		return []map[string]any{c}, nil
	}
	return s.icFindPeople(ctx, icRole(obj), s.icKeyField(obj), key)
}

// linkFromIntercom tries to link an unlinked Intercom record to an existing
// Salesforce record by the matching key. It returns ok=false when there is
// nothing to link to: tandem never creates records to make a link.
func (s *Syncer) linkFromIntercom(ctx context.Context, obj tandem.Object, icObj map[string]any) (tandem.Link, salesforce.Record, bool, error) {
	field := s.icKeyField(obj)
	key := normKey(field, str(icObj[field]))
	if key == "" {
		return tandem.Link{}, nil, false, nil
	}
	cands, err := s.findSalesforce(ctx, obj, key)
	if err != nil {
		return tandem.Link{}, nil, false, err
	}
	return s.linkToCandidate(ctx, obj, icObj, key, cands)
}

// linkToCandidate links an Intercom record to the first of cands (the
// Salesforce records with its key, most recently modified first) that no
// link holds.
func (s *Syncer) linkToCandidate(ctx context.Context, obj tandem.Object, icObj map[string]any, key string, cands []salesforce.Record) (tandem.Link, salesforce.Record, bool, error) {
	for _, rec := range cands {
		if free, err := s.unlinked(ctx, obj, rec.ID()); err != nil {
			return tandem.Link{}, nil, false, err
		} else if !free {
			continue
		}
		l, made, err := s.linkFree(ctx, tandem.Link{
			InstallationID: s.cfg.Installation,
			Object:         obj,
			IntercomID:     str(icObj["id"]),
			SalesforceID:   rec.ID(),
			MatchedBy:      s.icKeyField(obj),
			MatchKey:       key,
			Note:           candidatesNote(len(cands)),
		})
		if err != nil {
			return tandem.Link{}, nil, false, err
		} else if !made {
			continue
		}
		return l, rec, true, nil
	}
	return tandem.Link{}, nil, false, nil
}

// unlinked reports whether no link of obj holds the Salesforce record id.
func (s *Syncer) unlinked(ctx context.Context, obj tandem.Object, id string) (bool, error) {
	_, err := s.store.LinkBySalesforceID(ctx, s.cfg.Installation, obj, id)
	if store.IsNotFound(err) {
		return true, nil
	}
	return false, err
}

// linkFromSalesforce tries to link an unlinked Salesforce record to an
// existing Intercom record by the matching key.
func (s *Syncer) linkFromSalesforce(ctx context.Context, obj tandem.Object, rec salesforce.Record) (tandem.Link, map[string]any, bool, error) {
	key := normKey(s.sfKeyField(obj), rec.String(s.sfKeyField(obj)))
	if key == "" {
		return tandem.Link{}, nil, false, nil
	}
	cands, err := s.findIntercom(ctx, obj, key)
	if err != nil || len(cands) == 0 {
		return tandem.Link{}, nil, false, err
	}
	for _, ic := range cands {
		id := str(ic["id"])
		if _, found, err := s.linkForIntercom(ctx, obj, id); err != nil {
			return tandem.Link{}, nil, false, err
		} else if found {
			continue
		}
		l, made, err := s.linkFree(ctx, tandem.Link{
			InstallationID: s.cfg.Installation,
			Object:         obj,
			IntercomID:     id,
			SalesforceID:   rec.ID(),
			MatchedBy:      s.icKeyField(obj),
			MatchKey:       key,
			Note:           candidatesNote(len(cands)),
		})
		if err != nil {
			return tandem.Link{}, nil, false, err
		} else if !made {
			continue
		}
		return l, ic, true, nil
	}
	return tandem.Link{}, nil, false, nil
}

// linkFree stores a link made by key, unless either record was linked
// since the caller looked (a webhook and the poll matching at the same
// moment): made is false then, except when the link made meanwhile is
// this very pair, which is returned.
func (s *Syncer) linkFree(ctx context.Context, l tandem.Link) (tandem.Link, bool, error) {
	stored, made, err := s.store.LinkIfFree(ctx, l)
	if err != nil || made {
		if made {
			s.linkEvent("made", stored)
		}
		return stored, made, err
	}
	cur, err := s.store.LinkByIntercomID(ctx, l.InstallationID, l.Object, l.IntercomID)
	if store.IsNotFound(err) {
		return tandem.Link{}, false, nil
	} else if err != nil {
		return tandem.Link{}, false, err
	}
	return cur, cur.SalesforceID == l.SalesforceID, nil
}

func candidatesNote(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf("%d candidates; the most recently modified was chosen", n)
}

// dropLink deletes a link (and its shadows) because one side is gone. The
// other side's record is never touched.
func (s *Syncer) dropLink(ctx context.Context, l tandem.Link, why string) error {
	if err := s.store.DeleteLink(ctx, l.ID); err != nil && !store.IsNotFound(err) {
		return err
	}
	l.Note = why
	s.linkEvent("dropped", l)
	return nil
}
