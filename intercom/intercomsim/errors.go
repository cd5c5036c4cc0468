package intercomsim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is one Intercom error.list answer: an HTTP status plus one error.
type apiError struct {
	Status  int
	Code    string
	Message string
	Field   string
	// Header holds extra response headers (Link for merged contacts).
	Header http.Header
}

// Error implements error so state-handle methods can return API errors.
func (e *apiError) Error() string {
	return fmt.Sprintf("intercomsim: %d %s: %s", e.Status, e.Code, e.Message)
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNotFound(msg string) *apiError { return errorf(http.StatusNotFound, "not_found", "%s", msg) }

func errInvalid(field, format string, args ...any) *apiError {
	e := errorf(http.StatusBadRequest, "parameter_invalid", format, args...)
	e.Field = field
	return e
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// writeError writes an error.list body.
func writeError(w http.ResponseWriter, e *apiError) {
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	item := map[string]any{"code": e.Code, "message": e.Message}
	if e.Field != "" {
		item["field"] = e.Field
	}
	writeJSON(w, e.Status, map[string]any{
		"type":       "error.list",
		"request_id": requestID(),
		"errors":     []any{item},
	})
}

// writeJSON writes v as a JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := encodeBuffers.Get().(*[]byte)
	defer putEncodeBuffer(buf)
	b, err := appendJSON((*buf)[:0], v)
	*buf = b
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"type":"error.list","request_id":null,"errors":[{"code":"server_error","message":"encode failed"}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// decodeBody decodes a JSON request body into a generic object.
func decodeBody(r *http.Request) (map[string]any, *apiError) {
	m := map[string]any{}
	if r.Body == nil {
		return m, nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4<<20))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		if err.Error() == "EOF" {
			return m, nil
		}
		return nil, errorf(http.StatusBadRequest, "bad_request", "Request body is not valid JSON: %v", err)
	}
	return m, nil
}
