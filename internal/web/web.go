// Package web is tandem's HTTP surface: the Intercom webhook receiver, the
// JSON API under /api/v1 (bearer admin token), health and metrics. All
// routes are listed in routes.go; each handler lives in its own file.
package web

import (
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/panel"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tasks"
	"github.com/tandemhq/tandem/internal/usecase"
)

// Server holds the handlers' dependencies.
type Server struct {
	Installation string
	Store        *store.DB
	River        *river.Client[*sql.Tx]
	UseCases     *usecase.Service
	AdminToken   string
	// ActionsToken is the bearer token of Intercom Custom Actions.
	ActionsToken string
	// ConversationJobs, when set, turns a conversation notification into
	// the jobs it calls for (Cases).
	ConversationJobs func(topic string, body []byte) []river.JobArgs
	IntercomSecret   string
	// Canvas serves the inbox panel's Canvas Kit requests (nil: 404).
	Canvas  *panel.Handler
	Metrics http.Handler
	// OnOversizeWebhook, when set, is called for each notification refused
	// for its size.
	OnOversizeWebhook func()
	Budget            *budget.Budget
	// Console, when set, is the admin console, served under /admin/ (and
	// / redirects there).
	Console http.Handler
	Log     *slog.Logger
	Now     func() time.Time

	// Tasks logs conversations as Salesforce Tasks; nil when turned off.
	Tasks *tasks.Service
	// TaskTriggers chooses the conversation webhooks that become Task jobs.
	TaskTriggers jobs.TaskTriggers
	// TasksNow, when set, returns the Tasks and their triggers in force
	// (they change with the settings at run time); it overrides Tasks and
	// TaskTriggers.
	TasksNow func() (*tasks.Service, jobs.TaskTriggers)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// codes maps domain error codes to HTTP statuses, in one place.
var codes = map[string]int{
	tandem.ECONFLICT:      http.StatusConflict,
	tandem.EINVALID:       http.StatusBadRequest,
	tandem.ENOTFOUND:      http.StatusNotFound,
	tandem.EUNAUTHORIZED:  http.StatusUnauthorized,
	tandem.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	tandem.EUNAVAILABLE:   http.StatusServiceUnavailable,
	tandem.EINTERNAL:      http.StatusInternalServerError,
}

// Error writes err as a JSON error. Only internal errors are logged, and
// users only ever see a domain error's message.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := tandem.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	if code == tandem.EINTERNAL {
		s.Log.Error("http request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": tandem.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// requireAdmin wraps h so that it answers 401 unless the request carries the
// admin token as a bearer token.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		if !ok || s.AdminToken == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.AdminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem"`)
			s.Error(w, r, tandem.Errorf(tandem.EUNAUTHORIZED, "A valid admin token is required (Authorization: Bearer TOKEN)."))
			return
		}
		h(w, r)
	}
}

// maxJSONBody is the largest request body the JSON API reads.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON request body into v, rejecting unknown fields. A
// body over maxJSONBody is an error that Error answers with 413.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fmt.Errorf("%w%w", tandem.Errorf(tandem.EINVALID, "The request body is larger than %d bytes.", mbe.Limit), mbe)
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w%w", tandem.Errorf(tandem.EINVALID, "The request body is empty; a JSON object is expected."), io.EOF)
		}
		return tandem.Errorf(tandem.EINVALID, "Invalid JSON body: %v.", err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return tandem.Errorf(tandem.EINVALID, "Invalid JSON body: more than one JSON value.")
	}
	return nil
}

// emptyBody reports whether decodeJSON failed only because the body was
// empty (for endpoints whose body is optional).
func emptyBody(err error) bool { return errors.Is(err, io.EOF) }

// tasks returns the Task engine and triggers in force.
func (s *Server) tasks() (*tasks.Service, jobs.TaskTriggers) {
	if s.TasksNow != nil {
		return s.TasksNow()
	}
	return s.Tasks, s.TaskTriggers
}
