package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

const maxWebhookBody = 1 << 20

// intercomWebhook receives Intercom notifications. The signature is checked
// on the raw body before anything is parsed; a valid notification becomes
// the durable jobs jobs.ForNotification names, inserted in the same
// transaction that records its id, so a duplicate delivery is acknowledged
// without a second job and a crash loses nothing (Intercom retries until it
// gets a 2xx).
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
	n, err := intercom.ParseNotification(body)
	if errors.Is(err, intercom.ErrNotNotification) {
		var got intercom.Notification
		_ = json.Unmarshal(body, &got) // it is JSON: ParseNotification got that far
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "The body is not an Intercom notification (type %q, topic %q).", got.Type, got.Topic))
		return
	} else if err != nil {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "The notification is not valid JSON: %v.", err))
		return
	}
	args := jobs.ForNotification(*n)
	if s.ConversationJobs != nil {
		args = append(args, s.ConversationJobs(n.Topic, body)...)
	}
	_, triggers := s.tasks()
	args = append(args, jobs.TaskJobsFor(triggers, n.Topic, body)...)
	if len(args) == 0 {
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
		params := make([]river.InsertManyParams, len(args))
		for i, a := range args {
			params[i] = river.InsertManyParams{Args: a}
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
