package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/syncer"
)

type caseActionRequest struct {
	ConversationID string `json:"conversation_id"`
}

// actionsCases answers POST /intercom/actions/cases, the Custom Action
// Intercom's Workflows, Fin and teammates call: it creates the
// conversation's Case (or refreshes the one it has) and answers its id,
// number and URL as fields the action can map. 201 when the Case was
// created, 200 when it existed.
func (s *Server) actionsCases(w http.ResponseWriter, r *http.Request) {
	var req caseActionRequest
	if err := decodeJSON(r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.UseCases.CaseForConversation(r.Context(), req.ConversationID)
	var perm *syncer.PermanentError
	switch {
	case errors.As(err, &perm):
		s.Error(w, r, perm.Err)
		return
	case err != nil && tandem.ErrorCode(err) == tandem.EINTERNAL:
		// Salesforce or Intercom could not be reached, or the caller gave
		// up waiting: a job makes the Case when it can, so that no
		// trigger has to come again (none may). Queued even when the
		// request's context has ended.
		if _, qerr := s.River.Insert(context.WithoutCancel(r.Context()),
			jobs.CaseArgs{ConversationID: req.ConversationID, Trigger: cases.TriggerAction}, nil); qerr != nil {
			s.Error(w, r, errors.Join(tandem.Errorf(tandem.EUNAVAILABLE, "Salesforce or Intercom could not be reached; try again."), qerr))
			return
		}
		s.Log.Warn("Case queued for later", slog.String("conversation_id", req.ConversationID), slog.Any("err", err))
		writeJSON(w, http.StatusAccepted, caseQueued{ConversationID: req.ConversationID, Queued: true})
		return
	case err != nil:
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, res)
}

// caseQueued answers a Case action whose Case a job will make: Salesforce
// or Intercom could not be reached.
type caseQueued struct {
	ConversationID string `json:"conversation_id"`
	Queued         bool   `json:"queued"`
}

// requireActions wraps h so that it answers 401 unless the request carries
// the Custom Actions token as a bearer token.
func (s *Server) requireActions(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		if !ok || s.ActionsToken == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.ActionsToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem actions"`)
			s.Error(w, r, tandem.Errorf(tandem.EUNAUTHORIZED, "A valid actions token is required (Authorization: Bearer TOKEN)."))
			return
		}
		h(w, r)
	}
}
