package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

const maxWebhookBody = 1 << 20

// intercomWebhook receives Intercom notifications. The signature is checked
// on the raw body before anything is parsed; a valid notification becomes a
// durable job in the same transaction that records its id, so a duplicate
// delivery is acknowledged without a second job and a crash loses nothing
// (Intercom retries until it gets a 2xx).
func (s *Server) intercomWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "Could not read the request body: %v.", err))
		return
	}
	if len(body) > maxWebhookBody {
		s.oversizeWebhook(r)
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": map[string]string{"code": tandem.EINVALID, "message": "The notification is larger than 1 MiB."}})
		return
	}
	if err := intercom.ValidateSignature(body, r.Header.Get("X-Hub-Signature"), s.IntercomSecret); err != nil {
		s.Log.Warn("webhook rejected", slog.String("reason", err.Error()), slog.String("remote", r.RemoteAddr))
		msg := "The X-Hub-Signature header does not match the body signed with the client secret."
		if r.Header.Get("X-Hub-Signature") == "" {
			msg = "The X-Hub-Signature header is missing."
		} else if errors.Is(err, intercom.ErrNoSignature) {
			msg = "The X-Hub-Signature header is not of the form sha1=<40 hex digits>."
		}
		s.Error(w, r, tandem.Errorf(tandem.EUNAUTHORIZED, "%s", msg))
		return
	}
	var n envelope
	if err := json.Unmarshal(body, &n); err != nil {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "The notification is not valid JSON: %v.", err))
		return
	}
	if n.Type != "notification_event" || n.Topic == "" {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "The body is not an Intercom notification (type %q, topic %q).", n.Type, n.Topic))
		return
	}
	args := changes(n)
	var more []river.JobArgs
	if s.ConversationJobs != nil {
		more = s.ConversationJobs(n.Topic, body)
	}
	more = append(more, jobs.TaskJobsFor(s.TaskTriggers, n.Topic, body)...)
	if len(args) == 0 && len(more) == 0 {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "ignored": n.Topic})
		return
	}
	enqueued := 0
	err = s.Store.InTx(r.Context(), func(tx *store.Tx) error {
		if n.ID != "" {
			first, err := tx.MarkDelivery(r.Context(), s.Installation, n.ID, s.now())
			if err != nil || !first {
				return err
			}
		}
		params := make([]river.InsertManyParams, 0, len(args))
		for _, a := range args {
			params = append(params, river.InsertManyParams{Args: a})
		}
		for _, a := range more {
			params = append(params, river.InsertManyParams{Args: a})
		}
		res, err := s.River.InsertManyTx(r.Context(), tx.SQLTx(), params)
		enqueued = len(res)
		return err
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "jobs": enqueued})
}

// envelope is the part of Intercom's notification tandem reads.
// Only what tandem needs is typed strictly; timestamps are read leniently.
type envelope struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Topic     string    `json:"topic"`
	CreatedAt flexInt64 `json:"created_at"`
	Data      struct {
		Item struct {
			Type       string    `json:"type"`
			ID         flexID    `json:"id"`
			UpdatedAt  flexInt64 `json:"updated_at"`
			MergedFrom *struct {
				ID flexID `json:"id"`
			} `json:"merged_from"`
		} `json:"item"`
	} `json:"data"`
}

// changes turns a notification into the sync jobs it calls for. Topics
// tandem does not act on yield none.
func changes(n envelope) []jobs.IntercomChangeArgs {
	item := n.Data.Item
	if item.ID == "" {
		return nil
	}
	at := int64(item.UpdatedAt)
	if at == 0 {
		at = int64(n.CreatedAt)
	}
	base := jobs.IntercomChangeArgs{IntercomID: string(item.ID), Topic: n.Topic, Cause: tandem.CauseWebhook, At: at}
	switch {
	case n.Topic == "contact.deleted":
		base.Object, base.Deleted = tandem.ObjectContact, true
		return []jobs.IntercomChangeArgs{base}
	case n.Topic == "contact.merged":
		base.Object = tandem.ObjectContact
		out := []jobs.IntercomChangeArgs{base}
		if item.MergedFrom != nil && item.MergedFrom.ID != "" {
			out = append(out, jobs.IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: string(item.MergedFrom.ID), Deleted: true, Topic: n.Topic, Cause: tandem.CauseWebhook})
		}
		return out
	case strings.HasPrefix(n.Topic, "contact.") && item.Type == "contact":
		base.Object = tandem.ObjectContact
		return []jobs.IntercomChangeArgs{base}
	case n.Topic == "company.deleted":
		base.Object, base.Deleted = tandem.ObjectAccount, true
		return []jobs.IntercomChangeArgs{base}
	case (n.Topic == "company.created" || n.Topic == "company.updated") && item.Type == "company":
		base.Object = tandem.ObjectAccount
		return []jobs.IntercomChangeArgs{base}
	}
	return nil
}

// flexInt64 reads a number or a numeric string; anything else reads as 0.
type flexInt64 int64

func (f *flexInt64) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case float64:
		*f = flexInt64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		*f = flexInt64(n)
	}
	return nil
}

// flexID reads an id sent as a string or a number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*f = flexID(x)
	case float64:
		*f = flexID(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return nil
}

// oversizeWebhook handles a notification too large to read: its signature
// cannot be checked and its item is unknown, so it is logged, counted, and
// a reconciliation is queued at once (at most one waits at a time), which
// finds the changed contact by its updated_at within a minute instead of at
// the next periodic reconciliation.
func (s *Server) oversizeWebhook(r *http.Request) {
	s.Log.Warn("webhook over the size limit refused; reconciling now", slog.Int("limit_bytes", maxWebhookBody),
		slog.Int64("content_length", r.ContentLength), slog.String("remote", r.RemoteAddr))
	if s.OnOversizeWebhook != nil {
		s.OnOversizeWebhook()
	}
	if _, err := s.River.Insert(r.Context(), jobs.ReconcileArgs{}, nil); err != nil {
		s.Log.Error("queue a reconciliation after an oversize webhook", slog.Any("err", err))
	}
}
