package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
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
}

func toSyncErrorJSON(e tandem.SyncError) syncErrorJSON {
	return syncErrorJSON{ID: e.ID, Object: string(e.Object), Operation: e.Operation, IntercomID: e.IntercomID,
		SalesforceID: e.SalesforceID, Field: e.Field, System: e.System, Code: e.Code, Message: e.Message,
		Reason: e.Reason, Count: e.Count, FirstSeen: e.FirstSeen, LastSeen: e.LastSeen, ResolvedAt: e.ResolvedAt}
}

// syncErrorsList answers GET /api/v1/sync-errors[?resolved=true]: the open
// errors, newest first, and the groups by cause with counts.
func (s *Server) syncErrorsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, limit, err := paging(q.Get("after"), q.Get("limit"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if obj := tandem.Object(q.Get("object")); obj != "" && !obj.Valid() {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "object must be lead, contact or account, not %q.", obj))
		return
	}
	list, err := s.Store.ListSyncErrors(r.Context(), store.ListSyncErrorsParams{
		Installation: s.Installation, IncludeResolved: q.Get("resolved") == "true",
		Object: tandem.Object(q.Get("object")), Limit: limit, AfterID: after,
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	groups, err := s.Store.SyncErrorGroups(r.Context(), s.Installation)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]syncErrorJSON, 0, len(list))
	for _, e := range list {
		out = append(out, toSyncErrorJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": groups, "errors": out})
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
	e, err := s.Store.GetSyncError(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if e.ResolvedAt != nil {
		s.Error(w, r, tandem.Errorf(tandem.ECONFLICT, "Sync error %d is already resolved.", id))
		return
	}
	args, err := jobs.RetryArgs(e)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.River.Insert(r.Context(), args, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"retrying": toSyncErrorJSON(e), "job_id": res.Job.ID})
}
