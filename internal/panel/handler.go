package panel

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/tandemhq/tandem/intercom"
)

// maxBody is the largest Canvas Kit request read (a canvas is at most
// 64 KB; the conversation and contact come with it).
const maxBody = 1 << 20

// Handler serves the Canvas Kit endpoints.
type Handler struct {
	Service *Service
	// Secret is the Intercom app's client secret, the key of
	// X-Body-Signature. Without one every request is refused.
	Secret string
}

// Initialize serves POST /intercom/canvas/initialize.
func (h *Handler) Initialize(w http.ResponseWriter, r *http.Request) {
	req, ok := h.read(w, r)
	if !ok {
		return
	}
	writeCanvas(w, h.Service.Initialize(r.Context(), req))
}

// Submit serves POST /intercom/canvas/submit.
func (h *Handler) Submit(w http.ResponseWriter, r *http.Request) {
	req, ok := h.read(w, r)
	if !ok {
		return
	}
	writeCanvas(w, h.Service.Submit(r.Context(), req))
}

// read checks the signature on the raw body, then decodes it. A request
// that is unsigned or signed with another secret is answered 401 and has
// no effect.
func (h *Handler) read(w http.ResponseWriter, r *http.Request) (*Request, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, "The request body could not be read.")
		return nil, false
	}
	if h.Secret == "" {
		writeError(w, http.StatusUnauthorized, "The inbox app has no client secret configured (intercom.client_secret).")
		return nil, false
	}
	if err := intercom.ValidateCanvasSignature(body, r.Header.Get(intercom.CanvasSignatureHeader), h.Secret); err != nil {
		writeError(w, http.StatusUnauthorized, "Invalid X-Body-Signature.")
		return nil, false
	}
	req := &Request{}
	if err := json.Unmarshal(body, &req.CanvasSubmitRequest); err != nil {
		writeError(w, http.StatusBadRequest, "The request body is not a Canvas Kit request: "+err.Error())
		return nil, false
	}
	var raw struct {
		Contact  map[string]any `json:"contact"`
		Customer map[string]any `json:"customer"`
	}
	_ = json.Unmarshal(body, &raw)
	req.PersonAttrs = raw.Contact
	if req.PersonAttrs == nil {
		req.PersonAttrs = raw.Customer
	}
	return req, true
}

func writeCanvas(w http.ResponseWriter, resp *intercom.CanvasResponse) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"message": msg}})
}
