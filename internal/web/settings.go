package web

import (
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/usecase"
)

type settingJSON struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value,omitempty"`
	Text      string          `json:"text"`
	Source    string          `json:"source"`
	Editable  bool            `json:"editable"`
	ChangedBy string          `json:"changed_by,omitempty"`
	ChangedAt *time.Time      `json:"changed_at,omitempty"`
}

type settingsJSON struct {
	Version  int64         `json:"version"`
	Settings []settingJSON `json:"settings"`
}

func settingsOut(v usecase.SettingsView) settingsJSON {
	out := settingsJSON{Version: v.Version, Settings: make([]settingJSON, 0, len(v.Settings))}
	for _, s := range v.Settings {
		j := settingJSON{Key: s.Key, Value: s.Value, Text: s.Text, Source: s.Source, Editable: s.Editable, ChangedBy: s.By}
		if !s.At.IsZero() {
			at := s.At
			j.ChangedAt = &at
		}
		out.Settings = append(out.Settings, j)
	}
	return out
}

// settingsShow answers GET /api/v1/settings: every setting with its value
// in force and where it comes from.
func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.UseCases.Settings(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsOut(v))
}

type settingsChangeRequest struct {
	Version int64                      `json:"version"`
	Set     map[string]json.RawMessage `json:"set"`
	Reset   []string                   `json:"reset"`
}

// settingsUpdate answers PUT /api/v1/settings: the change is validated as
// start-up validates the configuration, saved as the next version and put
// in force on every replica; 400 lists every problem, 409 when version is
// not the one stored.
func (s *Server) settingsUpdate(w http.ResponseWriter, r *http.Request) {
	var req settingsChangeRequest
	if err := decodeJSON(r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	v, err := s.UseCases.SaveSettings(r.Context(), usecase.SettingsChange{Version: req.Version, Set: req.Set, Reset: req.Reset,
		By: "API client at " + host, Via: "the API"})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsOut(v))
}
