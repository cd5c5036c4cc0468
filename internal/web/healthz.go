package web

import "net/http"

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.SQL().PingContext(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
