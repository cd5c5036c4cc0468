package web

import "net/http"

// budgetShow answers GET /api/v1/budget: Salesforce API usage against the
// 24-hour cap and which classes of work are paused.
func (s *Server) budgetShow(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Budget.Snapshot())
}
