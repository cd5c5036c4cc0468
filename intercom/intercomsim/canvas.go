package intercomsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// signCanvas returns the X-Body-Signature value for body: hex HMAC-SHA256
// with the client secret, without prefix.
func signCanvas(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// canvasBase builds the fields every Inbox Canvas Kit request carries.
func (s *Server) canvasBase(conversationID, adminID string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv, e := s.liveConversation(conversationID)
	if e != nil {
		return nil, e
	}
	a, e := s.adminFor(adminID)
	if e != nil {
		return nil, e
	}
	convID, _ := strconv.ParseInt(conv.ID, 10, 64)
	req := map[string]any{
		"workspace_id":          s.opts.WorkspaceID,
		"workspace_region":      "us",
		"admin":                 renderAdmin(a),
		"card_creation_options": map[string]any{},
		"context": map[string]any{"conversation_id": convID, "location": "conversation", "locale": "en",
			"messenger_action_colour": "#0057ff", "messenger_background_colour": "#ffffff"},
		"conversation": s.renderConversation(conv, handleVersion, conv.Parts),
	}
	if len(conv.ContactIDs) > 0 {
		if c := s.contacts[conv.ContactIDs[0]]; c != nil {
			req["contact"] = s.renderContact(c, handleVersion)
			req["customer"] = req["contact"]
		}
	}
	return req, nil
}

// postCanvas sends a signed Canvas Kit request and returns the canvas of
// the answer after checking its components.
func (s *Server) postCanvas(ctx context.Context, url string, req map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("X-Body-Signature", signCanvas(body, s.opts.ClientSecret))
	resp, err := s.opts.HTTPClient.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("intercomsim: canvas request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("intercomsim: canvas response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("intercomsim: canvas app answered %d: %s", resp.StatusCode, bytes.TrimSpace(raw))
	}
	var out struct {
		Canvas json.RawMessage `json:"canvas"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("intercomsim: canvas response is not JSON: %w", err)
	}
	if len(out.Canvas) == 0 || string(out.Canvas) == "null" {
		return nil, errors.New("intercomsim: canvas response has no canvas")
	}
	if err := validateCanvas(out.Canvas); err != nil {
		return nil, err
	}
	return out.Canvas, nil
}

// CanvasInitialize posts a signed Inbox initialize request for the
// conversation and admin to url and returns the canvas it answers.
func (s *Server) CanvasInitialize(ctx context.Context, url, conversationID, adminID string) (json.RawMessage, error) {
	req, err := s.canvasBase(conversationID, adminID)
	if err != nil {
		return nil, err
	}
	return s.postCanvas(ctx, url, req)
}

// CanvasSubmit posts a signed submit request (a click on componentID with
// the given input values, on top of currentCanvas) and returns the new
// canvas.
func (s *Server) CanvasSubmit(ctx context.Context, url, conversationID, adminID, componentID string,
	inputValues map[string]any, currentCanvas json.RawMessage) (json.RawMessage, error) {
	req, err := s.canvasBase(conversationID, adminID)
	if err != nil {
		return nil, err
	}
	if inputValues == nil {
		inputValues = map[string]any{}
	}
	req["component_id"] = componentID
	req["input_values"] = inputValues
	req["current_canvas"] = map[string]any{"current_canvas": currentCanvas}
	req["user"] = req["contact"]
	return s.postCanvas(ctx, url, req)
}

// canvasRequired lists the required fields of each Canvas Kit component.
var canvasRequired = map[string][]string{
	"text": {"text"}, "button": {"id", "label", "action"}, "list": {"items"},
	"dropdown": {"id", "options"}, "single-select": {"id", "options"}, "checkbox": {"id", "option", "label"},
	"input": {"id"}, "textarea": {"id"}, "data-table": {"items"}, "divider": nil, "spacer": nil,
	"image": {"url", "width", "height"},
}

// validateCanvas checks a canvas against the Canvas Kit component rules.
func validateCanvas(raw json.RawMessage) error {
	if len(raw) > 64<<10 {
		return errors.New("intercomsim: canvas exceeds 64 KB")
	}
	var c struct {
		Content *struct {
			Components []map[string]any `json:"components"`
		} `json:"content"`
		ContentURL string `json:"content_url"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("intercomsim: invalid canvas: %w", err)
	}
	if c.Content == nil && c.ContentURL == "" {
		return errors.New("intercomsim: canvas needs content or content_url")
	}
	if c.Content == nil {
		return nil
	}
	for i, comp := range c.Content.Components {
		typ, _ := comp["type"].(string)
		req, ok := canvasRequired[typ]
		if !ok {
			return fmt.Errorf("intercomsim: component %d has unknown type %q", i, typ)
		}
		for _, f := range req {
			if _, ok := comp[f]; !ok {
				return fmt.Errorf("intercomsim: %s component %d lacks %q", typ, i, f)
			}
		}
		if typ == "dropdown" || typ == "single-select" {
			if opts, _ := comp["options"].([]any); len(opts) < 2 || len(opts) > 10 {
				return fmt.Errorf("intercomsim: %s component %d needs 2 to 10 options", typ, i)
			}
		}
	}
	return nil
}
