package intercomsim

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
)

// validDataTypes are the data types a custom data attribute may have.
var validDataTypes = map[string]bool{"string": true, "integer": true, "float": true, "boolean": true, "date": true}

// validConvDataTypes are the data types of conversation attributes (2.16).
var validConvDataTypes = map[string]bool{"string": true, "integer": true, "list": true, "decimal": true,
	"boolean": true, "datetime": true, "relationship": true, "files": true}

// standardAttributes lists the built-in data attributes per model: name → data type.
var standardAttributes = map[string][][2]string{
	"contact": {{"name", "string"}, {"email", "string"}, {"phone", "string"}, {"external_id", "string"},
		{"role", "string"}, {"owner_id", "integer"}, {"created_at", "date"}, {"updated_at", "date"},
		{"signed_up_at", "date"}, {"last_seen_at", "date"}, {"unsubscribed_from_emails", "boolean"}},
	"company": {{"name", "string"}, {"company_id", "string"}, {"website", "string"}, {"industry", "string"},
		{"size", "integer"}, {"monthly_spend", "float"}, {"created_at", "date"}, {"updated_at", "date"}},
}

// findAttribute returns the custom attribute definition of model and name.
// Callers hold s.mu.
func (s *Server) findAttribute(model, name string) *dataAttribute {
	for _, a := range s.attributes {
		if a.Model == model && a.Name == name {
			return a
		}
	}
	return nil
}

// defineAttribute creates a custom attribute. Callers hold s.mu.
func (s *Server) defineAttribute(model, name, dataType, description string) (*dataAttribute, *apiError) {
	if name == "" {
		return nil, errInvalid("name", "Name must be provided")
	}
	if strings.ContainsAny(name, ".$[]\"'") {
		return nil, errInvalid("name", "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens")
	}
	if model == "conversation" {
		if !validConvDataTypes[dataType] {
			return nil, errorf(http.StatusUnprocessableEntity, "parameter_invalid", "Data type %q is not valid", dataType)
		}
	} else {
		if model != "contact" && model != "company" {
			return nil, errInvalid("model", "Model must be one of contact, company")
		}
		if dataType == "datetime" {
			dataType = "date"
		}
		if !validDataTypes[dataType] && dataType != "options" {
			return nil, errInvalid("data_type", "Data Type isn't an option")
		}
		if dataType == "options" {
			dataType = "string"
		}
		for _, st := range standardAttributes[model] {
			if st[0] == name {
				return nil, errInvalid("name", "You already have '%s' in your workspace. Please choose a new name.", name)
			}
		}
	}
	if s.findAttribute(model, name) != nil {
		return nil, errInvalid("name", "You already have '%s' in your workspace. Please choose a new name.", name)
	}
	a := &dataAttribute{ID: int64(len(s.attributes) + 1000), Model: model, Name: name, DataType: dataType,
		Description: description, CreatedAt: s.now()}
	s.attributes = append(s.attributes, a)
	return a, nil
}

// normalizeValue converts JSON-decoded or Go values into int64, float64,
// string, bool or nil.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case float32:
		return float64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case uint, uint32, uint64:
		b, _ := json.Marshal(x)
		return normalizeValue(json.Number(string(b)))
	}
	return v
}

// checkCustomAttributes validates and normalizes custom attribute values
// against the definitions of model. Callers hold s.mu.
func (s *Server) checkCustomAttributes(model string, in map[string]any) (map[string]any, *apiError) {
	out := make(map[string]any, len(in))
	for k, raw := range in {
		a := s.findAttribute(model, k)
		if a == nil || a.Archived {
			if model == "conversation" {
				return nil, errInvalid("custom_attributes", "Conversation attribute '%s' does not exist", k)
			}
			return nil, errInvalid("custom_attributes", "Custom attribute '%s' does not exist", k)
		}
		v := normalizeValue(raw)
		ok := true
		switch v.(type) {
		case nil:
		case string:
			ok = a.DataType == "string" || a.DataType == "list" || a.DataType == "date" && false
		case int64:
			ok = a.DataType == "integer" || a.DataType == "float" || a.DataType == "date" || a.DataType == "decimal" || a.DataType == "datetime"
			if ok && (a.DataType == "float" || a.DataType == "decimal") {
				v = float64(v.(int64))
			}
		case float64:
			ok = a.DataType == "float" || a.DataType == "decimal"
		case bool:
			ok = a.DataType == "boolean"
		default:
			ok = false
		}
		if !ok {
			return nil, errInvalid("custom_attributes", "Custom attribute '%s' expects a value of type %s", k, a.DataType)
		}
		out[k] = v
	}
	return out, nil
}

// DefineDataAttribute creates a custom data attribute for model "contact",
// "company" or "conversation" with the given data type.
func (s *Server) DefineDataAttribute(model, name, dataType string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.defineAttribute(model, name, dataType, ""); e != nil {
		return e
	}
	return nil
}

func (s *Server) renderAttribute(a *dataAttribute) map[string]any {
	return map[string]any{
		"type": "data_attribute", "id": a.ID, "model": a.Model, "name": a.Name,
		"full_name": "custom_attributes." + a.Name, "label": a.Name, "description": a.Description,
		"data_type": a.DataType, "api_writable": true, "ui_writable": true, "messenger_writable": false,
		"custom": true, "archived": a.Archived, "created_at": a.CreatedAt, "updated_at": a.CreatedAt,
		"admin_id": s.admins[0].ID,
	}
}

func renderStandardAttribute(model, name, dataType string) map[string]any {
	return map[string]any{
		"type": "data_attribute", "model": model, "name": name, "full_name": name, "label": name,
		"description": "", "data_type": dataType, "api_writable": name != "created_at" && name != "updated_at",
		"ui_writable": false, "messenger_writable": false, "custom": false, "archived": false,
	}
}

func (s *Server) renderConversationAttribute(a *dataAttribute) map[string]any {
	return map[string]any{
		"type": "conversation_attribute", "id": a.ID, "name": a.Name, "description": a.Description,
		"data_type": a.DataType, "required": false, "visible_to_team_ids": []any{}, "archived": a.Archived,
		"created_at": a.CreatedAt, "updated_at": a.CreatedAt, "admin_id": s.admins[0].ID,
	}
}

func (s *Server) httpListDataAttributes(r *http.Request) (any, *apiError) {
	model := r.URL.Query().Get("model")
	if model == "conversation" {
		if atLeast216(s.version(r)) {
			return nil, errorf(http.StatusUnprocessableEntity, "parameter_invalid",
				"model=conversation is not supported in this version; use GET /conversations/attributes")
		}
	} else if model != "" && model != "contact" && model != "company" {
		return nil, errInvalid("model", "Model must be one of contact, company")
	}
	includeArchived := r.URL.Query().Get("include_archived") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []any{}
	for _, m := range []string{"contact", "company"} {
		if model != "" && model != m {
			continue
		}
		for _, st := range standardAttributes[m] {
			data = append(data, renderStandardAttribute(m, st[0], st[1]))
		}
	}
	for _, a := range s.attributes {
		if (model == "" && a.Model != "conversation") || a.Model == model {
			if a.Archived && !includeArchived {
				continue
			}
			data = append(data, s.renderAttribute(a))
		}
	}
	return map[string]any{"type": "list", "data": data}, nil
}

func (s *Server) httpCreateDataAttribute(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, e := s.defineAttribute(str(body["model"]), str(body["name"]), str(body["data_type"]), str(body["description"]))
	if e != nil {
		return nil, e
	}
	return s.renderAttribute(a), nil
}

func (s *Server) httpListConversationAttributes(r *http.Request) (any, *apiError) {
	includeArchived := r.URL.Query().Get("include_archived") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []any{}
	for _, a := range s.attributes {
		if a.Model == "conversation" && (!a.Archived || includeArchived) {
			data = append(data, s.renderConversationAttribute(a))
		}
	}
	return map[string]any{"type": "list", "data": data}, nil
}

func (s *Server) httpCreateConversationAttribute(r *http.Request) (any, *apiError) {
	body, e := decodeBody(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, e := s.defineAttribute("conversation", str(body["name"]), str(body["data_type"]), str(body["description"]))
	if e != nil {
		return nil, e
	}
	return s.renderConversationAttribute(a), nil
}
