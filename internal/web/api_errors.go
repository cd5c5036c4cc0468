package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem"
)

// apiErrors makes the mux's own answers under /api/ — no such route (404),
// or a route that does not take the method (405) — JSON errors in the
// envelope every other API error uses, instead of net/http's plain text.
func (s *Server) apiErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			mux.ServeHTTP(w, r)
			return
		}
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// No route matched: let the mux decide between 404, 405 and a
		// redirect (a cleaned path), then answer in JSON.
		rec := &recorder{header: http.Header{}}
		mux.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			s.Error(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no API endpoint %s.", r.URL.Path))
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]string{
				"code":    tandem.EINVALID,
				"message": "The endpoint " + r.URL.Path + " does not answer " + r.Method + "; it answers " + rec.header.Get("Allow") + ".",
			}})
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body.Bytes())
		}
	})
}

// recorder keeps the response of a handler for apiErrors to rewrite.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
