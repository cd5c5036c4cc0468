package console

import (
	"errors"
	"net/http"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

// settingsSave answers POST /admin/settings: the change is validated as
// start-up validates the configuration, saved, and put in force on every
// replica. A refused change shows the form again with what was submitted
// and each problem next to its setting.
func (c *Console) settingsSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := c.cfg.UseCases.Settings(ctx)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	ch, f := parseSettingsForm(r, v)
	if len(f.Problems) > 0 {
		w.WriteHeader(http.StatusBadRequest)
		c.renderSettings(w, r, f)
		return
	}
	ch.By, ch.Via = "admin at "+remoteAddr(r), "console"
	if _, err := c.cfg.UseCases.SaveSettings(ctx, ch); err != nil {
		var se *usecase.SettingsError
		switch {
		case errors.As(err, &se):
			for _, p := range se.Problems {
				key := p.Key
				if key != "mappings" && fieldKind(key) == "" {
					key = "" // about no one input: shown above the form
				}
				f.Problems[key] = append(f.Problems[key], p.Message)
			}
			w.WriteHeader(http.StatusBadRequest)
		case tandem.ErrorCode(err) == tandem.ECONFLICT || tandem.ErrorCode(err) == tandem.EUNAVAILABLE:
			f.Problems[""] = append(f.Problems[""], tandem.ErrorMessage(err))
			w.WriteHeader(http.StatusConflict)
		default:
			c.fail(w, r, err)
			return
		}
		c.renderSettings(w, r, f)
		return
	}
	setFlash(w, r, "Saved — applied on every replica within a few seconds.")
	http.Redirect(w, r, Prefix+"settings", http.StatusSeeOther)
}
