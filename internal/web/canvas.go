package web

import (
	"net/http"

	"github.com/tandemhq/tandem"
)

// canvasInitialize serves Intercom's Canvas Kit initialize requests (the
// inbox panel), canvasSubmit its submit requests; see package panel.
func (s *Server) canvasInitialize(w http.ResponseWriter, r *http.Request) {
	if s.Canvas == nil {
		s.Error(w, r, tandem.Errorf(tandem.ENOTFOUND, "The inbox app is not enabled in this process."))
		return
	}
	s.Canvas.Initialize(w, r)
}

func (s *Server) canvasSubmit(w http.ResponseWriter, r *http.Request) {
	if s.Canvas == nil {
		s.Error(w, r, tandem.Errorf(tandem.ENOTFOUND, "The inbox app is not enabled in this process."))
		return
	}
	s.Canvas.Submit(w, r)
}
