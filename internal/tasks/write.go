package tasks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/convo"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// Salesforce's limits on Task fields (characters).
const (
	maxSubject     = 255
	maxDescription = 32000
	// maxSnippet is how much of one part a manual Task quotes.
	maxSnippet = 4000
)

// intentKind is the intent kind of every Task.
const intentKind = "task"

// work is what one request writes, shared by the Tasks of every person.
type work struct {
	r    Request
	conv *intercom.Conversation

	create bool // create the Task when it does not exist
	update bool // update the Task when it exists

	subject     string
	description string
	date        string // ActivityDate
	priority    string
	createState string // Status on create; "" leaves the org's default
	updateState string // Status on update; "" leaves it alone
	ownerID     string
	ownerNote   string
}

// key is the intent key of the Task of w for p.
func (w *work) key(p person) string {
	if w.r.Trigger == Part {
		return "part:" + w.r.PartID + ":" + p.id
	}
	return "conv:" + w.r.ConversationID + ":" + p.id
}

// HasTask reports whether a Task of the whole conversation was ever asked
// for (made, being made, or failed), for any of its people.
func (s *Service) HasTask(ctx context.Context, conversationID string) (bool, error) {
	return s.store.HasIntentWithPrefix(ctx, s.cfg.Installation, intentKind, "conv:"+conversationID+":")
}

// prepare works out the Task's fields from the conversation.
func (s *Service) prepare(ctx context.Context, r Request, conv *intercom.Conversation, part *intercom.ConversationPart) (*work, error) {
	w := &work{r: r, conv: conv, priority: priority(conv)}
	closed := conv.State == intercom.StateClosed
	link := convo.WebURL(s.appIDFor(ctx), conv.ID)
	switch r.Trigger {
	case Started:
		w.create = true
		w.date = day(conv.CreatedAt, s.now())
	case Closed:
		w.create, w.update = s.cfg.Automatic, true
		w.date = day(conv.UpdatedAt, s.now())
	case Whole:
		w.create, w.update = true, true
		w.date = day(s.now().Unix(), s.now())
	case Part:
		w.create = true
		w.date = day(part.CreatedAt, s.now())
	}
	var err error
	if w.ownerID, w.ownerNote, err = s.owner(ctx, conv); err != nil {
		return nil, err
	}
	footer := "\n\nIntercom conversation: " + link
	if r.Trigger == Part {
		footer += " (part " + r.PartID + ")"
	}
	footer += "\nLogged by tandem."
	if w.ownerNote != "" {
		footer += " Assigned to the integration user: " + w.ownerNote + "."
	}
	if r.Trigger == Part {
		lines := convo.Lines(&intercom.Conversation{Parts: &intercom.ConversationPartList{Parts: []*intercom.ConversationPart{part}}})
		if len(lines) == 0 {
			return nil, tandem.Errorf(tandem.EUNPROCESSABLE, "Part %s of Intercom conversation %s is a %s with no text to log; tag a message or a note.",
				r.PartID, conv.ID, partKind(part))
		}
		l := lines[0]
		what := "message"
		if part.PartType == "note" {
			what = "note"
		}
		w.subject = convo.Trim("Intercom "+what+": "+l.Body, maxSubject)
		w.description = fitEnd(l.Author+", "+l.At.Format("2006-01-02 15:04 MST")+":\n"+convo.Trim(l.Body, maxSnippet)+footer, maxDescription)
	} else {
		w.subject = convo.Trim("Intercom chat: "+convo.Subject(conv, maxSubject), maxSubject)
		budget := maxDescription - len(footer)
		w.description = convo.Transcript(convo.Lines(conv), budget) + footer
	}
	needClosed := r.Manual() || closed
	if needClosed {
		st, err := s.closedStatusFor(ctx)
		if err != nil {
			return nil, err
		}
		w.createState = st // a logged part or conversation is done; so is a closed one
		if closed && r.Trigger == Closed {
			w.updateState = st
		}
	}
	return w, nil
}

func partKind(p *intercom.ConversationPart) string {
	if p.PartType == "" {
		return "part"
	}
	return p.PartType + " part"
}

// priority is High for a conversation marked priority or urgent.
func priority(c *intercom.Conversation) string {
	switch strings.ToLower(c.Priority) {
	case "priority", "urgent", "high":
		return "High"
	}
	return "Normal"
}

// day is the UTC date of unix seconds at (now when zero), as Salesforce
// date fields take it.
func day(at int64, now time.Time) string {
	t := now
	if at > 0 {
		t = time.Unix(at, 0)
	}
	return t.UTC().Format("2006-01-02")
}

// fitEnd keeps s within max bytes, cutting the start of its text (the
// footer, at the end, stays).
func fitEnd(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[len(s)-max:], "")
}

// keyOf is the intent key of w's Task for p: w.key(p), unless p is a
// Contact converted from a Lead since that Lead's Task was made. The
// conversion moved the Task to the Contact (Salesforce moves a Lead's
// activities), so that Task, under the Lead's key, is the Contact's too.
func (s *Service) keyOf(ctx context.Context, w *work, p person) (string, error) {
	key := w.key(p)
	if p.object != "Contact" {
		return key, nil
	}
	if _, err := s.store.GetIntent(ctx, s.cfg.Installation, intentKind, key); !store.IsNotFound(err) {
		return key, err
	}
	prefix := strings.TrimSuffix(key, p.id)
	ins, err := s.store.IntentsWithPrefix(ctx, s.cfg.Installation, intentKind, prefix, 50)
	if err != nil {
		return key, err
	}
	for _, in := range ins {
		if in.State != store.IntentDone || in.RemoteID == "" || !strings.HasPrefix(strings.TrimPrefix(in.Key, prefix), "00Q") {
			continue // only a Lead's Task can have moved
		}
		t, _, err := s.sf.SObjects.Get(ctx, "Task", in.RemoteID, []string{"Id", "WhoId"})
		if taskGone(err) {
			continue
		} else if err != nil {
			return key, err
		}
		if t.String("WhoId") == p.id {
			return in.Key, nil
		}
	}
	return key, nil
}

// one makes sure the Task of w exists for p, and updates it when w says so.
func (s *Service) one(ctx context.Context, w *work, p person) (Result, error) {
	res := Result{WhoID: p.id, WhoObject: p.object}
	key, err := s.keyOf(ctx, w, p)
	if err != nil {
		return res, err
	}
	var what string // the new Task's relation, when w creates
	made := func(id string) (Result, error) {
		res.TaskID, res.Created, res.WhatID, res.OwnerID = id, true, what, w.ownerID
		s.event(Event{Request: w.r, Result: res, Action: "created", Subject: w.subject, Status: w.createState, OwnerNote: w.ownerNote})
		return res, nil
	}
	if !w.create {
		in, err := s.store.GetIntent(ctx, s.cfg.Installation, intentKind, key)
		if store.IsNotFound(err) {
			return Result{}, nil // no Task to update, and none to make
		} else if err != nil {
			return res, err
		}
		if in.State != store.IntentDone || in.RemoteID == "" {
			if in.State == store.IntentPending && s.now().Sub(in.UpdatedAt) < s.cfg.StaleAfter && !s.store.IntentAbandoned(in) {
				return res, ErrBusy // being created: update it once it exists
			}
			return Result{}, nil // never made; the attempt that retries it writes the latest
		}
		res.TaskID = in.RemoteID
	} else {
		if what, err = s.relatedTo(ctx, p); err != nil {
			return res, err
		}
		id, created, err := s.ensure(ctx, key, w, p, what)
		if err != nil {
			return res, err
		}
		if created {
			return made(id)
		}
		res.TaskID = id
		if w.r.Manual() && !w.update {
			// A teammate asking for the Task gets one: a Task deleted in
			// Salesforce is made again (automatic triggers leave it). A
			// Task to update is read below anyway.
			if _, _, err := s.sf.SObjects.Get(ctx, "Task", id, []string{"Id"}); taskGone(err) {
				return s.remake(ctx, key, w, p, what, made, id)
			} else if err != nil {
				return res, err
			}
		}
	}
	if !w.update {
		return res, nil
	}
	out, err := s.refresh(ctx, w, p, res)
	if err == nil && out.TaskID == "" && w.create && w.r.Manual() {
		return s.remake(ctx, key, w, p, what, made, res.TaskID) // deleted in Salesforce
	}
	return out, err
}

// taskGone reports whether err says the Task was deleted in Salesforce.
func taskGone(err error) bool {
	return errors.Is(err, salesforce.ErrNotFound) || errors.Is(err, salesforce.ErrEntityDeleted)
}

// remake makes the Task of key again, for a teammate asking for it, after
// the Task it had (id) was deleted in Salesforce: that Task's intent goes
// first.
func (s *Service) remake(ctx context.Context, key string, w *work, p person, what string, made func(string) (Result, error), id string) (Result, error) {
	res := Result{WhoID: p.id, WhoObject: p.object}
	in, err := s.store.GetIntent(ctx, s.cfg.Installation, intentKind, key)
	if err != nil {
		return res, err
	}
	if in.State == store.IntentDone && in.RemoteID == id {
		if err := s.store.DeleteIntent(ctx, in.ID); err != nil {
			return res, err
		}
	}
	s.log.Info("Task deleted in Salesforce; made again", slog.String("task_id", id), slog.String("key", key))
	newID, created, err := s.ensure(ctx, key, w, p, what)
	if err != nil || !created {
		res.TaskID = newID
		return res, err
	}
	return made(newID)
}

// refresh updates an existing Task: the transcript, the date, the closed
// status at close, and the Opportunity relation checked again.
func (s *Service) refresh(ctx context.Context, w *work, p person, res Result) (Result, error) {
	cur, _, err := s.sf.SObjects.Get(ctx, "Task", res.TaskID, []string{"Id", "WhatId", "OwnerId", "Status"})
	if taskGone(err) {
		s.log.Info("Task deleted in Salesforce; not updated", slog.String("task_id", res.TaskID),
			slog.String("conversation_id", w.r.ConversationID))
		return Result{}, nil
	} else if err != nil {
		return res, err
	}
	fields := map[string]any{"Description": w.description, "ActivityDate": w.date}
	if w.updateState != "" {
		fields["Status"] = w.updateState
	}
	res.WhatID, res.OwnerID = cur.String("WhatId"), cur.String("OwnerId")
	if p.object == "Contact" {
		// The relation is ours to keep only while it is empty or an
		// Opportunity: a Case or Account chosen by hand stays.
		if old := res.WhatID; old == "" || strings.HasPrefix(old, "006") {
			what, err := s.relatedTo(ctx, p)
			if err != nil {
				return res, err
			}
			if what != old {
				fields["WhatId"] = nilIfEmpty(what)
				res.WhatID = what
			}
		}
	}
	if _, err := s.sf.SObjects.Update(ctx, "Task", res.TaskID, fields); err != nil {
		return res, err
	}
	status := w.updateState
	if status == "" {
		status = cur.String("Status")
	}
	s.event(Event{Request: w.r, Result: res, Action: "updated", Subject: w.subject, Status: status})
	return res, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ensure returns the Task of key, creating it once. An intent is claimed
// before the create and completed with the Task id. A pending intent is
// left to its attempt for StaleAfter (ErrBusy), then taken over; a taken
// over intent first looks for a Task the earlier attempt made.
func (s *Service) ensure(ctx context.Context, key string, w *work, p person, what string) (string, bool, error) {
	in, claimed, err := s.store.ClaimIntent(ctx, store.ClaimIntentParams{Installation: s.cfg.Installation,
		Kind: intentKind, Key: key, Note: w.r.IntercomID()})
	if err != nil {
		return "", false, err
	}
	if !claimed {
		if in.State == store.IntentDone && in.RemoteID != "" {
			return in.RemoteID, false, nil
		}
		var ok bool
		if in, ok, err = s.store.RetryIntent(ctx, in.ID, s.cfg.StaleAfter); err != nil {
			return "", false, err
		} else if !ok {
			if in.State == store.IntentDone && in.RemoteID != "" {
				return in.RemoteID, false, nil
			}
			return "", false, ErrBusy
		}
		id, err := s.lookup(ctx, w, p, in.CreatedAt)
		if err != nil {
			_, _ = s.store.FailIntent(context.WithoutCancel(ctx), in.ID, "look up the Task: "+err.Error())
			return "", false, err
		}
		if id != "" {
			if _, err := s.store.CompleteIntent(ctx, in.ID, id); err != nil {
				return "", false, err
			}
			s.log.Info("Task of an interrupted attempt found", slog.String("task_id", id), slog.String("key", key))
			return id, true, nil
		}
	}
	fields := s.fields(w, p, what)
	id, _, err := s.sf.SObjects.Create(ctx, "Task", fields)
	if err != nil {
		_, _ = s.store.FailIntent(context.WithoutCancel(ctx), in.ID, err.Error())
		return "", false, err
	}
	if _, err := s.store.CompleteIntent(context.WithoutCancel(ctx), in.ID, id); err != nil {
		// The Task exists; the next attempt finds it by lookup.
		return "", false, fmt.Errorf("record Task %s: %w", id, err)
	}
	s.audit(ctx, w, fields, id)
	return id, true, nil
}

// fields are the new Task's fields.
func (s *Service) fields(w *work, p person, what string) map[string]any {
	f := map[string]any{
		"WhoId":        p.id,
		"Subject":      w.subject,
		"Description":  w.description,
		"ActivityDate": w.date,
		"Priority":     w.priority,
		// A logged conversation is a Task, not a Call (which would count
		// in call reports) nor an Email (which implies an email message).
		"TaskSubtype": "Task",
	}
	if s.cfg.Type != "" {
		f["Type"] = s.cfg.Type
	}
	if w.createState != "" {
		f["Status"] = w.createState
	}
	if w.ownerID != "" {
		f["OwnerId"] = w.ownerID
	}
	if what != "" {
		f["WhatId"] = what
	}
	if s.cfg.ExternalIDField != "" {
		f[s.cfg.ExternalIDField] = w.r.IntercomID()
	}
	return f
}

// lookup finds the Task an interrupted attempt created: by the external id
// field and WhoId, or without that field by WhoId, Subject and a
// CreatedDate after the intent was claimed.
func (s *Service) lookup(ctx context.Context, w *work, p person, since time.Time) (string, error) {
	soql := "SELECT Id FROM Task WHERE WhoId = " + salesforce.QuoteString(p.id)
	if f := s.cfg.ExternalIDField; f != "" {
		soql += " AND " + f + " = " + salesforce.QuoteString(w.r.IntercomID())
	} else {
		soql += " AND Subject = " + salesforce.QuoteString(w.subject) +
			" AND CreatedDate >= " + since.Add(-time.Minute).UTC().Format("2006-01-02T15:04:05Z")
	}
	soql += " ORDER BY CreatedDate, Id LIMIT 1"
	for rec, err := range s.sf.Query(ctx, soql, nil) {
		if err != nil {
			return "", err
		}
		return rec.ID(), nil
	}
	return "", nil
}

// audit records the new Task's fields (not its long description).
func (s *Service) audit(ctx context.Context, w *work, fields map[string]any, id string) {
	var entries []tandem.AuditEntry
	for _, name := range []string{"WhoId", "WhatId", "OwnerId", "Status", "Subject"} {
		v, ok := fields[name]
		if !ok {
			continue
		}
		entries = append(entries, tandem.AuditEntry{InstallationID: s.cfg.Installation, Direction: tandem.ToSalesforce,
			Object: tandem.ObjectTask, IntercomID: w.r.IntercomID(), SalesforceID: id, Field: name,
			NewValue: fmt.Sprint(v), Cause: cause(w.r), At: s.now()})
	}
	if err := s.store.InsertAudit(ctx, entries...); err != nil {
		s.log.Warn("audit of a Task", slog.String("task_id", id), slog.Any("err", err))
	}
}

func cause(r Request) tandem.Cause {
	if r.Manual() {
		return tandem.CauseAction
	}
	return tandem.CauseWebhook
}

func (s *Service) event(e Event) {
	attrs := []any{slog.String("action", e.Action), slog.String("task_id", e.TaskID), slog.String("who_id", e.WhoID),
		slog.String("what_id", e.WhatID), slog.String("conversation_id", e.ConversationID), slog.String("trigger", string(e.Trigger))}
	if e.OwnerNote != "" {
		attrs = append(attrs, slog.String("owner", "integration user: "+e.OwnerNote))
	}
	s.log.Info("Task "+e.Action, attrs...)
	if s.hooks.OnTask != nil {
		s.hooks.OnTask(e)
	}
}
