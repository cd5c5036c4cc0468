package web

import (
	"net/http"
	"strings"

	"github.com/tandemhq/tandem"
)

type createLeadRequest struct {
	IntercomContactID string         `json:"intercom_contact_id"`
	Fields            map[string]any `json:"fields"`
}

// leadsCreate answers POST /api/v1/leads: Create Lead for an Intercom lead
// or user. 201 with the new Lead; 200 when the Lead existed and was linked
// (a retry or a double click never makes two).
func (s *Server) leadsCreate(w http.ResponseWriter, r *http.Request) {
	var req createLeadRequest
	if err := decodeJSON(r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	req.IntercomContactID = strings.TrimSpace(req.IntercomContactID)
	if req.IntercomContactID == "" {
		s.Error(w, r, tandem.Errorf(tandem.EINVALID, "intercom_contact_id is required."))
		return
	}
	res, err := s.Syncer.CreateLead(r.Context(), req.IntercomContactID, req.Fields)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, res)
}
