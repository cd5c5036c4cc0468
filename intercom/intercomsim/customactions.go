package intercomsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// CustomAction is a Custom Action as a workspace admin configures it
// (Settings → Integrations → Actions): an HTTPS endpoint Intercom's backend
// calls from a Workflow, a bot or the Help Desk, authenticated by a token
// in a header.
type CustomAction struct {
	// Name identifies the action (action_name in the execution webhook).
	Name string
	// URL receives the request.
	URL string
	// Method defaults to POST.
	Method string
	// Token is sent as "Authorization: Bearer <Token>" when set.
	Token string
	// Headers are extra request headers.
	Headers map[string]string
}

// CustomActionResult is what the endpoint answered.
type CustomActionResult struct {
	Status int
	Header http.Header
	Body   []byte
}

type customAction struct {
	CustomAction
	id string
}

// AddCustomAction configures a Custom Action (replacing one of the same
// name) and returns its id.
func (s *Server) AddCustomAction(a CustomAction) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.Method == "" {
		a.Method = http.MethodPost
	}
	ca := &customAction{CustomAction: a, id: s.ids.num()}
	if old := s.actions[a.Name]; old != nil {
		ca.id = old.id
	}
	s.actions[a.Name] = ca
	return ca.id
}

// RunCustomAction runs a configured Custom Action as Intercom's backend
// does: it sends body as JSON with the action's token and headers, and
// returns the answer. Each run, failed or not, fires
// data_connector.execution.completed; a "conversation_id" in body is
// reported there.
func (s *Server) RunCustomAction(ctx context.Context, name string, body any) (*CustomActionResult, error) {
	s.mu.Lock()
	ca := s.actions[name]
	s.mu.Unlock()
	if ca == nil {
		return nil, fmt.Errorf("intercomsim: no custom action named %q", name)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("intercomsim: custom action body: %w", err)
	}
	start := time.Now()
	res, err := s.callAction(ctx, ca, raw)
	s.reportExecution(ca, body, res, err, time.Since(start))
	return res, err
}

func (s *Server) callAction(ctx context.Context, ca *customAction, raw []byte) (*CustomActionResult, error) {
	req, err := http.NewRequestWithContext(ctx, ca.Method, ca.URL, bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("intercomsim: custom action %s: %w", ca.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Intercom-Custom-Actions")
	if ca.Token != "" {
		req.Header.Set("Authorization", "Bearer "+ca.Token)
	}
	for k, v := range ca.Headers {
		req.Header.Set(k, v)
	}
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("intercomsim: custom action %s: %w", ca.Name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("intercomsim: custom action %s: %w", ca.Name, err)
	}
	return &CustomActionResult{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

func (s *Server) reportExecution(ca *customAction, body any, res *CustomActionResult, err error, took time.Duration) {
	item := map[string]any{"type": "data_connector.execution", "app_id": s.opts.WorkspaceID, "action_id": ca.id,
		"action_name": ca.Name, "success": err == nil && res.Status < 300, "http_status": nil, "error_type": nil,
		"execution_time_ms": took.Milliseconds(), "completed_at": s.now(), "source_type": "workflow", "source_id": nil,
		"conversation_id": nil, "user_id": nil, "admin_id": nil}
	switch {
	case err != nil:
		item["error_type"] = "faraday_error"
	case res.Status >= 300:
		item["http_status"], item["error_type"] = res.Status, "third_party_error"
	default:
		item["http_status"] = res.Status
	}
	if m, ok := body.(map[string]any); ok {
		for _, k := range []string{"conversation_id", "user_id", "admin_id"} {
			if v := str(m[k]); v != "" {
				item[k] = v
			}
		}
	}
	s.mu.Lock()
	item["id"] = s.ids.num()
	s.mu.Unlock()
	s.emit("data_connector.execution.completed", item)
}

// httpRunCustomAction serves POST /custom_actions/{name}/run, the
// simulator's own endpoint (not an Intercom API) that lets tests and the
// demo trigger a configured Custom Action over HTTP. The request body is
// sent as is; the answer reports the endpoint's status and body.
func (s *Server) httpRunCustomAction(r *http.Request) (any, *apiError) {
	var body any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil && err != io.EOF {
		return nil, errorf(http.StatusBadRequest, "parameter_invalid", "body must be JSON: %v", err)
	}
	res, err := s.RunCustomAction(r.Context(), r.PathValue("name"), body)
	if err != nil {
		s.mu.Lock()
		known := s.actions[r.PathValue("name")] != nil
		s.mu.Unlock()
		if !known {
			return nil, errNotFound("Custom action not found")
		}
		return map[string]any{"type": "custom_action.execution", "success": false, "error": err.Error()}, nil
	}
	var out any = string(res.Body)
	if json.Valid(res.Body) && len(res.Body) > 0 {
		out = json.RawMessage(res.Body)
	}
	return map[string]any{"type": "custom_action.execution", "success": res.Status < 300, "http_status": res.Status, "body": out}, nil
}
