package web

import "net/http"

// Handler returns every route of the bridge.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	if s.Metrics != nil {
		mux.Handle("GET /metrics", s.Metrics)
	}
	mux.HandleFunc("POST /intercom/webhooks", s.intercomWebhook)
	mux.HandleFunc("POST /intercom/actions/cases", s.requireActions(s.actionsCases))
	mux.HandleFunc("POST /intercom/actions/tasks", s.actionsTasks)
	mux.HandleFunc("POST /intercom/canvas/initialize", s.canvasInitialize)
	mux.HandleFunc("POST /intercom/canvas/submit", s.canvasSubmit)
	mux.HandleFunc("GET /api/v1/links", s.requireAdmin(s.linksList))
	mux.HandleFunc("GET /api/v1/budget", s.requireAdmin(s.budgetShow))
	mux.HandleFunc("GET /api/v1/settings", s.requireAdmin(s.settingsShow))
	mux.HandleFunc("PUT /api/v1/settings", s.requireAdmin(s.settingsUpdate))
	mux.HandleFunc("POST /api/v1/bulk-syncs", s.requireAdmin(s.bulkSyncsCreate))
	mux.HandleFunc("GET /api/v1/bulk-syncs/{id}", s.requireAdmin(s.bulkSyncsShow))
	mux.HandleFunc("POST /api/v1/leads", s.requireAdmin(s.leadsCreate))
	mux.HandleFunc("GET /api/v1/sync-errors", s.requireAdmin(s.syncErrorsList))
	mux.HandleFunc("POST /api/v1/sync-errors/retry", s.requireAdmin(s.syncErrorGroupRetry))
	mux.HandleFunc("POST /api/v1/sync-errors/{id}/retry", s.requireAdmin(s.syncErrorRetry))
	if s.Console != nil {
		mux.Handle("/admin/", s.Console)
		mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusFound))
	}
	return s.apiErrors(mux)
}
