package console

import (
	"io/fs"
	"net/http"
)

// routes lists every route of the console.
func (c *Console) routes() *http.ServeMux {
	mux := http.NewServeMux()
	assets, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /admin/assets/", http.StripPrefix("/admin/assets/", assetHandler(http.FileServerFS(assets))))

	mux.HandleFunc("GET /admin/signin", c.signinShow)
	mux.HandleFunc("POST /admin/signin", c.signinSubmit)
	mux.HandleFunc("POST /admin/signout", c.authed(c.signout))

	mux.HandleFunc("GET /admin/{$}", c.authed(c.overviewShow))
	mux.HandleFunc("GET /admin/errors", c.authed(c.syncErrorsList))
	mux.HandleFunc("POST /admin/errors/{id}/retry", c.authed(c.syncErrorRetry))
	mux.HandleFunc("POST /admin/errors/{id}/ignore", c.authed(c.syncErrorIgnore))
	mux.HandleFunc("POST /admin/errors/retry-group", c.authed(c.syncErrorGroupRetry))
	mux.HandleFunc("GET /admin/bulk", c.authed(c.bulkShow))
	mux.HandleFunc("POST /admin/bulk", c.authed(c.bulkStart))
	mux.HandleFunc("POST /admin/bulk/plan", c.authed(c.bulkPlan))
	mux.HandleFunc("GET /admin/bulk/{id}/events", c.authed(c.bulkEvents))
	mux.HandleFunc("GET /admin/people", c.authed(c.peopleSearch))
	mux.HandleFunc("GET /admin/people/{id}", c.authed(c.personShow))
	mux.HandleFunc("POST /admin/people/{id}/resync", c.authed(c.personResync))
	mux.HandleFunc("POST /admin/leads", c.authed(c.leadCreate))
	mux.HandleFunc("GET /admin/audit", c.authed(c.auditList))
	mux.HandleFunc("POST /admin/audit/{id}/revert", c.authed(c.auditRevert))
	mux.HandleFunc("GET /admin/jobs", c.authed(c.jobsList))
	if c.cfg.JobsUI != nil {
		mux.Handle(riverUIPrefix, c.riverUI(c.cfg.JobsUI))
	}
	mux.HandleFunc("GET /admin/settings", c.authed(c.settingsShow))
	mux.HandleFunc("POST /admin/settings", c.authed(c.settingsSave))
	mux.HandleFunc("/admin/", c.authed(c.notFound))
	return mux
}

func assetHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.renderError(w, r, http.StatusNotFound, "There is no page "+r.URL.Path+".")
}
