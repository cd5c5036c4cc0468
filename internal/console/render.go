package console

import (
	"bytes"
	"net/http"

	"github.com/tandemhq/tandem"
)

// page is what every template receives.
type page struct {
	Title  string
	Nav    string // the current section, for the navigation bar
	CSRF   string
	Flash  string
	Signed bool
	Data   any
}

// render writes a page with its layout.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name, title, nav string, data any) {
	t, ok := c.pages[name]
	if !ok {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	s, signed := r.Context().Value(ctxKey{}).(session)
	p := page{Title: title, Nav: nav, CSRF: s.CSRF, Signed: signed, Flash: takeFlash(w, r), Data: data}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		c.cfg.Log.Error("console: render", "template", name, "err", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// renderError shows a message on an error page with the given status.
func (c *Console) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.WriteHeader(status)
	c.render(w, r, "error", "Error", "", map[string]any{"Status": status, "Message": msg})
}

// fail shows a use case's error: its message for a domain error, a
// generic one (and a log line) for anything else.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := map[string]int{
		tandem.ECONFLICT: http.StatusConflict, tandem.EINVALID: http.StatusBadRequest, tandem.ENOTFOUND: http.StatusNotFound,
		tandem.EUNAUTHORIZED: http.StatusUnauthorized, tandem.EUNPROCESSABLE: http.StatusUnprocessableEntity,
		tandem.EUNAVAILABLE: http.StatusServiceUnavailable,
	}[tandem.ErrorCode(err)]
	if status == 0 {
		status = http.StatusInternalServerError
		c.cfg.Log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	c.renderError(w, r, status, tandem.ErrorMessage(err))
}

// back redirects to where a form came from, with a message for that page.
func back(w http.ResponseWriter, r *http.Request, fallback, msg string) {
	if msg != "" {
		setFlash(w, r, msg)
	}
	to := r.PostFormValue("back")
	if !localPath(to) {
		to = fallback
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath reports whether p is a path inside the console, safe to
// redirect to.
func localPath(p string) bool {
	return len(p) >= len(Prefix) && p[:len(Prefix)] == Prefix && !bytes.ContainsAny([]byte(p), "\\\r\n") &&
		(len(p) < 2 || p[:2] != "//")
}
