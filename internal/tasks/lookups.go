package tasks

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/salesforce"
)

// How long org data read from the APIs is reused.
const (
	orgDataTTL   = 10 * time.Minute
	directoryTTL = 5 * time.Minute
)

// closedStatusFor returns the Task status value the org counts as closed:
// the first TaskStatus with IsClosed, by sort order ("Completed" in a new
// org, but orgs rename and add values).
func (s *Service) closedStatusFor(ctx context.Context) (string, error) {
	s.mu.Lock()
	c := s.closedStatus
	s.mu.Unlock()
	if c.fresh(s.now(), orgDataTTL) {
		return c.v, nil
	}
	var status string
	for rec, err := range s.sf.Query(ctx, "SELECT ApiName, MasterLabel FROM TaskStatus WHERE IsClosed = true ORDER BY SortOrder LIMIT 1", nil) {
		if err != nil {
			return "", err
		}
		status = rec.String("ApiName")
		if status == "" {
			status = rec.String("MasterLabel")
		}
	}
	if status == "" {
		return "", tandem.Errorf(tandem.EUNPROCESSABLE, "The Salesforce org has no closed Task status (TaskStatus with IsClosed = true), so a Task cannot be completed.")
	}
	s.mu.Lock()
	s.closedStatus = cached[string]{v: status, at: s.now()}
	s.mu.Unlock()
	return status, nil
}

// relatedTo returns the Opportunity a Task on p relates to: for a Contact,
// the single open Opportunity on which it has a contact role; none when it
// has no such Opportunity or several, and never for a Lead (Salesforce
// refuses a WhatId on a Task whose WhoId is a Lead).
func (s *Service) relatedTo(ctx context.Context, p person) (string, error) {
	if p.object != "Contact" {
		return "", nil
	}
	soql := "SELECT Id FROM Opportunity WHERE IsClosed = false AND Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = " +
		salesforce.QuoteString(p.id) + ") LIMIT 2"
	var ids []string
	for rec, err := range s.sf.Query(ctx, soql, nil) {
		if err != nil {
			return "", err
		}
		ids = append(ids, rec.ID())
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	return "", nil
}

// owner returns the Salesforce user whose email is the assigned teammate's,
// or "" and why not (the Task then goes to the integration user).
func (s *Service) owner(ctx context.Context, conv *intercom.Conversation) (string, string, error) {
	if conv.AdminAssigneeID == 0 {
		return "", "no teammate is assigned to the conversation", nil
	}
	adminID := fmt.Sprint(conv.AdminAssigneeID)
	admins, err := s.adminEmails(ctx)
	if err != nil {
		return "", "", err
	}
	email := admins[adminID]
	if email == "" {
		return "", "the assigned teammate " + adminID + " has no email in Intercom", nil
	}
	id, err := s.userByEmail(ctx, email)
	if err != nil {
		return "", "", err
	}
	if id == "" {
		return "", "the assigned teammate " + email + " has no active Salesforce user", nil
	}
	return id, "", nil
}

func (s *Service) adminEmails(ctx context.Context) (map[string]string, error) {
	s.mu.Lock()
	c := s.admins
	s.mu.Unlock()
	if c.fresh(s.now(), directoryTTL) {
		return c.v, nil
	}
	list, _, err := s.ic.Admins.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(list))
	for _, a := range list {
		m[a.ID] = strings.ToLower(strings.TrimSpace(a.Email))
	}
	s.mu.Lock()
	s.admins = cached[map[string]string]{v: m, at: s.now()}
	s.mu.Unlock()
	return m, nil
}

func (s *Service) userByEmail(ctx context.Context, email string) (string, error) {
	s.mu.Lock()
	c, ok := s.users[email]
	s.mu.Unlock()
	if ok && c.fresh(s.now(), directoryTTL) {
		return c.v.id, nil
	}
	var id string
	soql := "SELECT Id FROM User WHERE IsActive = true AND Email = " + salesforce.QuoteString(email) + " ORDER BY CreatedDate, Id LIMIT 1"
	for rec, err := range s.sf.Query(ctx, soql, nil) {
		if err != nil {
			return "", err
		}
		id = rec.ID()
	}
	s.mu.Lock()
	s.users[email] = cached[userMatch]{v: userMatch{id: id}, at: s.now()}
	s.mu.Unlock()
	return id, nil
}

// appIDFor returns the Intercom workspace id for conversation links, or ""
// when /me cannot say (the link then uses the inbox's generic route).
func (s *Service) appIDFor(ctx context.Context) string {
	s.mu.Lock()
	c := s.appID
	s.mu.Unlock()
	if !c.at.IsZero() {
		return c.v
	}
	me, _, err := s.ic.Admins.Me(ctx)
	if err != nil {
		s.log.Warn("read the Intercom workspace id for conversation links", slog.Any("err", err))
		return ""
	}
	id := ""
	if me.App != nil {
		id = me.App.IDCode
	}
	s.mu.Lock()
	s.appID = cached[string]{v: id, at: s.now()}
	s.mu.Unlock()
	return id
}
