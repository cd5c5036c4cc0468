package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/tasks"
)

// taskActionRequest is the body Intercom's Custom Action sends.
type taskActionRequest struct {
	ConversationID string `json:"conversation_id"`
	PartID         string `json:"part_id"`
}

// taskActionResponse lists the Tasks of the request.
type taskActionResponse struct {
	ConversationID string         `json:"conversation_id"`
	PartID         string         `json:"part_id,omitempty"`
	TaskIDs        []string       `json:"task_ids"`
	Tasks          []tasks.Result `json:"tasks"`
	// Queued is set when Salesforce or Intercom could not be reached: the
	// Tasks will be written by a background job.
	Queued bool `json:"queued,omitempty"`
}

// busyWait is how long a Custom Action waits for another request creating
// the same Task (a double click) before answering 409; Intercom gives up on
// an action after a few seconds.
const busyWait = 3 * time.Second

// actionsTasks answers POST /intercom/actions/tasks, the Custom Action that
// logs one part ({"conversation_id", "part_id"}) or, without part_id, the
// whole conversation as a completed Salesforce Task. It needs the actions
// token as a bearer token. 200 with the Task ids (also when they existed:
// a repeated call never makes a second Task); 202 when the remote systems
// are unreachable and a job will finish the work.
func (s *Server) actionsTasks(w http.ResponseWriter, r *http.Request) {
	if !s.actionAuthorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tandem"`)
		s.Error(w, r, tandem.Errorf(tandem.EUNAUTHORIZED, "A valid actions token is required (Authorization: Bearer TOKEN)."))
		return
	}
	ts, _ := s.tasks()
	if ts == nil {
		s.Error(w, r, tandem.Errorf(tandem.ENOTFOUND, "Tasks are turned off (tasks.enabled in the configuration)."))
		return
	}
	var body taskActionRequest
	if err := decodeJSON(r, &body); err != nil {
		s.Error(w, r, err)
		return
	}
	req := tasks.Request{Trigger: tasks.Whole, ConversationID: strings.TrimSpace(body.ConversationID), PartID: strings.TrimSpace(body.PartID)}
	if req.PartID != "" {
		req.Trigger = tasks.Part
	}
	res, err := ts.Handle(r.Context(), req)
	for deadline := s.now().Add(busyWait); errors.Is(err, tasks.ErrBusy) && s.now().Before(deadline); {
		select {
		case <-r.Context().Done():
			s.Error(w, r, r.Context().Err())
			return
		case <-time.After(200 * time.Millisecond):
		}
		res, err = ts.Handle(r.Context(), req)
	}
	out := taskActionResponse{ConversationID: req.ConversationID, PartID: req.PartID, TaskIDs: []string{}, Tasks: []tasks.Result{}}
	switch {
	case err == nil:
		_ = ts.Resolve(r.Context(), req)
	case errors.Is(err, tasks.ErrBusy):
		s.Error(w, r, err)
		return
	case tasks.Permanent(err):
		if code := tandem.ErrorCode(err); code != tandem.EINVALID && code != tandem.ENOTFOUND {
			e := ts.RecordFailure(r.Context(), req, err)
			if code == tandem.EINTERNAL { // a vendor's refusal: say it plainly
				err = tandem.Errorf(tandem.EUNPROCESSABLE, "%s", e.Reason)
			}
		}
		s.Error(w, r, err)
		return
	default:
		// Unreachable for now: the job finishes the work when it can.
		if _, qerr := s.River.Insert(r.Context(), jobs.TaskArgs{Request: req}, nil); qerr != nil {
			s.Error(w, r, errors.Join(err, qerr))
			return
		}
		s.Log.Warn("Task queued for later", slog.String("conversation_id", req.ConversationID), slog.Any("err", err))
		out.Queued = true
		writeJSON(w, http.StatusAccepted, out)
		return
	}
	for _, t := range res {
		out.TaskIDs = append(out.TaskIDs, t.TaskID)
		out.Tasks = append(out.Tasks, t)
	}
	writeJSON(w, http.StatusOK, out)
}

// actionAuthorized reports whether r carries the actions token as a bearer
// token, compared in constant time. No token configured refuses every
// request.
func (s *Server) actionAuthorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || s.ActionsToken == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.ActionsToken)) == 1
}
