package web

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

type createBulkSyncRequest struct {
	DryRun  bool `json:"dry_run"`
	Records bool `json:"records"`
}

// bulkSyncsCreate answers POST /api/v1/bulk-syncs[ {"dry_run": bool}]: it
// starts a bulk sync (202) or returns the one already running (200). The
// body is optional. A dry run answers its plan (200) once it is made,
// having written nothing; "records": true lists every record in it.
func (s *Server) bulkSyncsCreate(w http.ResponseWriter, r *http.Request) {
	var req createBulkSyncRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil && !emptyBody(err) {
			s.Error(w, r, err)
			return
		}
	}
	if req.DryRun {
		plan, err := s.UseCases.PlanBulkSync(r.Context(), usecase.PlanBulkSyncParams{Records: req.Records})
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, plan)
		return
	}
	res, err := s.UseCases.StartBulkSync(r.Context(), usecase.BulkSyncOptions{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusAccepted
	}
	w.Header().Set("Location", "/api/v1/bulk-syncs/"+strconv.FormatInt(res.Run.ID, 10))
	writeJSON(w, status, res.Run)
}

// bulkSyncsShow answers GET /api/v1/bulk-syncs/{id} ("latest" for the
// newest run).
func (s *Server) bulkSyncsShow(w http.ResponseWriter, r *http.Request) {
	var (
		v   usecase.BulkSyncView
		err error
	)
	if r.PathValue("id") == "latest" {
		v, err = s.UseCases.LatestBulkSync(r.Context())
	} else {
		id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if perr != nil {
			s.Error(w, r, tandem.Errorf(tandem.EINVALID, "Bulk sync id must be an integer or \"latest\"."))
			return
		}
		v, err = s.UseCases.BulkSync(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
