package console

import (
	"net/http"
)

// settingsShow answers GET /admin/settings: the settings that can change
// at run time as a form (those the file or the environment give are shown
// locked), and the configuration-only ones, secrets redacted.
func (c *Console) settingsShow(w http.ResponseWriter, r *http.Request) {
	v, err := c.cfg.UseCases.Settings(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderSettings(w, r, formOf(v))
}

// renderSettings shows the settings form f.
func (c *Console) renderSettings(w http.ResponseWriter, r *http.Request, f settingsForm) {
	var choices FieldChoices
	if c.cfg.Choices != nil {
		choices = c.cfg.Choices()
	}
	settings := map[string]any{}
	for _, s := range f.View.Settings {
		settings[s.Key] = s
	}
	c.render(w, r, "settings", "Settings", "settings", map[string]any{
		"Form": f, "Sections": settingSections, "Settings": settings, "All": f.View.Settings, "Choices": choices,
		"Objects": []string{"lead", "contact", "account"}, "Directions": []string{"to_salesforce", "to_intercom"},
		"Policies": []string{"fill_blanks", "overwrite"},
	})
}
