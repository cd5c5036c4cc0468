package web

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
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
	res, err := s.UseCases.CreateLead(r.Context(), usecase.CreateLeadParams{IntercomContactID: req.IntercomContactID, Fields: req.Fields})
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
