package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem"
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
		s.Error(w, r, tandem.Errorf(tandem.EUNAVAILABLE, "Salesforce or Intercom could not be reached; try again."))
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
