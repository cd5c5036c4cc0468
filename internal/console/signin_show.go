package console

import "net/http"

// signinShow answers GET /admin/signin with the sign-in form.
func (c *Console) signinShow(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.loadSession(r); ok {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	c.render(w, r, "signin", "Sign in", "", map[string]any{"Next": r.URL.Query().Get("next")})
}
