package console

import "net/http"

// settingsShow answers GET /admin/settings: every setting, secrets
// redacted, and the attribute mappings.
func (c *Console) settingsShow(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, "settings", "Settings", "settings", map[string]any{"Settings": c.cfg.Settings, "Mappings": c.cfg.Mappings})
}
