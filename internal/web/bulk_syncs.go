package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
)

type bulkSyncJSON struct {
	ID         int64      `json:"id"`
	Status     string     `json:"status"`
	Phase      string     `json:"phase"`
	Total      int64      `json:"total"`
	Done       int64      `json:"done"`
	Changed    int64      `json:"changed"`
	Linked     int64      `json:"linked"`
	Failed     int64      `json:"failed"`
	Percent    float64    `json:"percent"`
	Rate       float64    `json:"records_per_second"`
	ETASeconds *float64   `json:"eta_seconds,omitempty"`
	Error      string     `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// BulkSyncView adds the derived progress figures (percent, rate, ETA).
func BulkSyncView(b store.BulkSync, now time.Time) bulkSyncJSON {
	v := bulkSyncJSON{ID: b.ID, Status: b.Status, Phase: b.Phase, Total: b.Total, Done: b.Done, Changed: b.Changed,
		Linked: b.Linked, Failed: b.Failed, Error: b.Error, StartedAt: b.StartedAt, UpdatedAt: b.UpdatedAt, FinishedAt: b.FinishedAt}
	if b.Total > 0 {
		v.Percent = float64(b.Done) * 100 / float64(b.Total)
	}
	end := now
	if b.FinishedAt != nil {
		end = *b.FinishedAt
	}
	if secs := end.Sub(b.StartedAt).Seconds(); secs > 0 {
		v.Rate = float64(b.Done) / secs
	}
	if b.Status == store.BulkRunning && v.Rate > 0 && b.Total > b.Done {
		eta := float64(b.Total-b.Done) / v.Rate
		v.ETASeconds = &eta
	}
	return v
}

// bulkSyncsCreate answers POST /api/v1/bulk-syncs: it starts a bulk sync
// (202) or returns the one already running (200).
func (s *Server) bulkSyncsCreate(w http.ResponseWriter, r *http.Request) {
	b, created, err := s.Syncer.StartBulk(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Insert the job even for a run that exists: the job is unique per run,
	// so this is a no-op while it is queued or running, and it revives a run
	// whose job was lost or gave up.
	if _, err := s.River.Insert(r.Context(), jobs.BulkSyncArgs{RunID: b.ID}, nil); err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusAccepted
	}
	w.Header().Set("Location", "/api/v1/bulk-syncs/"+strconv.FormatInt(b.ID, 10))
	writeJSON(w, status, BulkSyncView(b, s.now()))
}

// bulkSyncsShow answers GET /api/v1/bulk-syncs/{id} ("latest" for the
// newest run).
func (s *Server) bulkSyncsShow(w http.ResponseWriter, r *http.Request) {
	var (
		b   store.BulkSync
		err error
	)
	if r.PathValue("id") == "latest" {
		b, err = s.Store.LatestBulkSync(r.Context(), s.Installation)
	} else {
		id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if perr != nil {
			s.Error(w, r, tandem.Errorf(tandem.EINVALID, "Bulk sync id must be an integer or \"latest\"."))
			return
		}
		b, err = s.Store.GetBulkSync(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, BulkSyncView(b, s.now()))
}
