package console

import "net/http"

// signout answers POST /admin/signout: the session ends on every replica.
func (c *Console) signout(w http.ResponseWriter, r *http.Request) {
	c.endSession(w, r)
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
}
