package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

type syncErrorJSON struct {
	ID           int64      `json:"id"`
	Object       string     `json:"object"`
	Operation    string     `json:"operation"`
	IntercomID   string     `json:"intercom_id,omitempty"`
	SalesforceID string     `json:"salesforce_id,omitempty"`
	Field        string     `json:"field,omitempty"`
	System       string     `json:"system"`
	Code         string     `json:"code"`
	Message      string     `json:"message"`
	Reason       string     `json:"reason"`
	Count        int        `json:"count"`
	FirstSeen    time.Time  `json:"first_seen"`
	LastSeen     time.Time  `json:"last_seen"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
	Group        string     `json:"group"`
}

func toSyncErrorJSON(e tandem.SyncError) syncErrorJSON {
	return syncErrorJSON{ID: e.ID, Object: string(e.Object), Operation: string(e.Operation), IntercomID: e.IntercomID,
		SalesforceID: e.SalesforceID, Field: e.Field, System: string(e.System), Code: e.Code, Message: e.Message,
		Reason: e.Reason, Count: e.Count, FirstSeen: e.FirstSeen, LastSeen: e.LastSeen, ResolvedAt: e.ResolvedAt,
		Group: usecase.Cause{System: string(e.System), Code: e.Code, Field: e.Field}.String()}
}

// errorGroupJSON is a group of open sync errors with one cause; key names
// it for POST /api/v1/sync-errors/retry.
type errorGroupJSON struct {
	Key         string `json:"key"`
	System      string `json:"system"`
	Code        string `json:"code"`
	Field       string `json:"field"`
	Reason      string `json:"reason"`
	Errors      int    `json:"errors"`
	Occurrences int    `json:"occurrences"`
}

// syncErrorsList answers GET /api/v1/sync-errors[?resolved=true&object=…&category=…&after=ID&limit=N]:
// a page of errors, most recently seen first, and the open errors grouped
// by cause (system, code, field) with counts.
func (s *Server) syncErrorsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, limit, err := paging(q.Get("after"), q.Get("limit"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.UseCases.ListSyncErrors(r.Context(), usecase.ListSyncErrorsParams{
		Object: tandem.Object(q.Get("object")), Category: q.Get("category"), IncludeResolved: q.Get("resolved") == "true", AfterID: after, Limit: limit,
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	groups := make([]errorGroupJSON, 0, len(res.Groups))
	for _, g := range res.Groups {
		groups = append(groups, errorGroupJSON{Key: g.Cause.String(), System: g.System, Code: g.Code, Field: g.Field,
			Reason: g.Reason, Errors: g.Errors, Occurrences: g.Occurrences})
	}
	out := make([]syncErrorJSON, 0, len(res.Errors))
	for _, e := range res.Errors {
		out = append(out, toSyncErrorJSON(e))
	}
	resp := map[string]any{"groups": groups, "errors": out}
	if res.NextAfter != 0 {
		resp["next_after"] = res.NextAfter
	}
	writeJSON(w, http.StatusOK, resp)
}

// syncErrorRetry answers POST /api/v1/sync-errors/{id}/retry: it enqueues
// the sync of the record again. The error resolves itself when that write
// succeeds.
func (s *Server) syncErrorRetry(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "Sync error id must be an integer."))
		return
	}
	res, err := s.UseCases.RetrySyncError(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"retrying": toSyncErrorJSON(res.Error), "job_id": res.JobID})
}

type retryGroupRequest struct {
	Group string `json:"group"`
}

// syncErrorGroupRetry answers POST /api/v1/sync-errors/retry {"group": KEY}:
// it enqueues a retry of every open error of the group (key as listed in
// groups[].key).
func (s *Server) syncErrorGroupRetry(w http.ResponseWriter, r *http.Request) {
	var req retryGroupRequest
	if err := decodeJSON(r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := usecase.ParseCause(req.Group)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.UseCases.RetrySyncErrorGroup(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	skipped := res.Skipped
	if skipped == nil {
		skipped = []int64{}
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"group": res.Cause.String(), "queued": res.Queued, "skipped": skipped})
}
