package console

import (
	"crypto/subtle"
	"fmt"
	"net/http"
)

// signinSubmit answers POST /admin/signin: the admin token makes a session.
// Failures are throttled per remote address.
func (c *Console) signinSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	addr := remoteAddr(r)
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = Prefix
	}
	show := func(status int, msg string) {
		w.WriteHeader(status)
		c.render(w, r, "signin", "Sign in", "", map[string]any{"Next": next, "Error": msg})
	}
	if wait, d := c.throttle.blocked(addr); wait {
		w.Header().Set("Retry-After", fmt.Sprint(int(d.Seconds())+1))
		show(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins from your address. Try again in %s.", shortDuration(d)))
		return
	}
	token := r.PostFormValue("token")
	if c.cfg.AdminToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(c.cfg.AdminToken)) != 1 {
		c.throttle.fail(addr)
		c.cfg.Log.Warn("console: failed sign-in", "remote_addr", addr)
		show(http.StatusUnauthorized, "That is not the admin token.")
		return
	}
	c.throttle.reset(addr)
	if err := c.newSession(w, r); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
