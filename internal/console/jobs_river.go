package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// riverUIPrefix is where River's UI is mounted.
const riverUIPrefix = Prefix + "jobs/river/"

// riverUI wraps River's UI so that it answers only within a session, and
// only to its own pages for anything that changes state.
//
// River's UI is a single-page application whose actions (retry, cancel,
// delete a job; pause a queue) are JSON requests sent by fetch: they carry
// no form field for the console's CSRF token. They are protected instead
// by the browser's own word on where a request comes from: an unsafe
// method (POST, PUT, PATCH, DELETE) must come from this origin, as
// Sec-Fetch-Site says (every current browser sends it) or, from an older
// browser, as Origin says compared with Host. This is the standard
// library's [http.CrossOriginProtection]. A request that names neither
// header does not come from a browser, so it cannot be a forgery riding on
// a victim's cookie; the session cookie (SameSite=Lax) is not sent with a
// cross-site POST either way.
func (c *Console) riverUI(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "This request did not come from the console's own pages.", http.StatusForbidden)
	}))
	guarded := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.loadSession(r)
		if !ok {
			// The application's page sends the browser to sign in; its
			// API, called by fetch, answers 401.
			if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, riverUIPrefix+"api/") {
				http.Redirect(w, r, Prefix+"signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "Sign in first.", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		}
		guarded.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, s)))
	})
}
