package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SObjectsService handles single-record sObject resources.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_basic_info.htm
type SObjectsService service

func sobjectPath(parts ...string) string {
	var b strings.Builder
	b.WriteString("sobjects")
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

func checkNames(names ...string) error {
	for _, n := range names {
		if n == "" {
			return errors.New("salesforce: empty object name, field name or id")
		}
	}
	return nil
}

// saveResponse is the body of a single-record create or upsert.
type saveResponse struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Errors  []APIError `json:"errors"`
	Created *bool      `json:"created"`
}

// Get retrieves one record by id. fields limits the returned fields; nil
// returns all of them.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve_get.htm
func (s *SObjectsService) Get(ctx context.Context, object, id string, fields []string, opts ...RequestOption) (Record, *Response, error) {
	if err := checkNames(object, id); err != nil {
		return nil, nil, err
	}
	path := sobjectPath(object, id)
	if len(fields) > 0 {
		path += "?" + url.Values{"fields": {strings.Join(fields, ",")}}.Encode()
	}
	req, err := s.client.NewRequest(http.MethodGet, path, nil, opts...)
	if err != nil {
		return nil, nil, err
	}
	var rec Record
	resp, err := s.client.Do(ctx, req, &rec)
	if err != nil {
		return nil, resp, err
	}
	return rec, resp, nil
}

// Create inserts a record and returns its id. opts set per-call headers,
// e.g. AutoAssign(true) to let the assignment rule pick the owner.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
func (s *SObjectsService) Create(ctx context.Context, object string, fields map[string]any, opts ...RequestOption) (string, *Response, error) {
	if err := checkNames(object); err != nil {
		return "", nil, err
	}
	req, err := s.client.NewRequest(http.MethodPost, sobjectPath(object), fields, opts...)
	if err != nil {
		return "", nil, err
	}
	var sr saveResponse
	resp, err := s.client.Do(ctx, req, &sr)
	if err != nil {
		return "", resp, err
	}
	if !sr.Success && len(sr.Errors) > 0 {
		return "", resp, &ErrorResponse{StatusCode: http.StatusBadRequest, Errors: sr.Errors, Method: req.Method, Path: req.URL.Path}
	}
	return sr.ID, resp, nil
}

// Update changes the given fields of a record (nil values clear fields).
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
func (s *SObjectsService) Update(ctx context.Context, object, id string, fields map[string]any, opts ...RequestOption) (*Response, error) {
	if err := checkNames(object, id); err != nil {
		return nil, err
	}
	req, err := s.client.NewRequest(http.MethodPatch, sobjectPath(object, id), fields, opts...)
	if err != nil {
		return nil, err
	}
	return s.client.Do(ctx, req, nil)
}

// Delete moves a record to the recycle bin. Deleting it again fails with
// ErrEntityDeleted.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_delete_record.htm
func (s *SObjectsService) Delete(ctx context.Context, object, id string, opts ...RequestOption) (*Response, error) {
	if err := checkNames(object, id); err != nil {
		return nil, err
	}
	req, err := s.client.NewRequest(http.MethodDelete, sobjectPath(object, id), nil, opts...)
	if err != nil {
		return nil, err
	}
	return s.client.Do(ctx, req, nil)
}

// UpsertResult tells what an upsert did.
type UpsertResult struct {
	// ID is the record id; empty when Salesforce answered 204 (API versions
	// before 46.0 on update).
	ID string
	// Created is true when a record was inserted.
	Created bool
}

// Upsert inserts or updates the record whose extIDField equals extID. fields
// must not contain extIDField. Several matches give *MultipleMatchesError
// (errors.Is ErrMultipleMatches); an unknown extIDField gives ErrNotFound.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
func (s *SObjectsService) Upsert(ctx context.Context, object, extIDField, extID string, fields map[string]any, opts ...RequestOption) (*UpsertResult, *Response, error) {
	if err := checkNames(object, extIDField, extID); err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest(http.MethodPatch, sobjectPath(object, extIDField, extID), fields, opts...)
	if err != nil {
		return nil, nil, err
	}
	var sr saveResponse
	resp, err := s.client.Do(ctx, req, &sr)
	if err != nil {
		return nil, resp, err
	}
	if !sr.Success && len(sr.Errors) > 0 {
		return nil, resp, &ErrorResponse{StatusCode: http.StatusBadRequest, Errors: sr.Errors, Method: req.Method, Path: req.URL.Path}
	}
	res := &UpsertResult{ID: sr.ID, Created: resp.StatusCode == http.StatusCreated}
	if sr.Created != nil {
		res.Created = *sr.Created
	}
	return res, resp, nil
}

// UpdatedResult lists the ids changed in a time window.
type UpdatedResult struct {
	IDs []string
	// LatestDateCovered is where the next poll should start.
	LatestDateCovered time.Time
}

// GetUpdated lists the ids of records of object changed (by SystemModstamp)
// between start and end, within the last 30 days. Salesforce truncates the
// times to the minute.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
func (s *SObjectsService) GetUpdated(ctx context.Context, object string, start, end time.Time) (*UpdatedResult, *Response, error) {
	var raw struct {
		IDs               []string `json:"ids"`
		LatestDateCovered string   `json:"latestDateCovered"`
	}
	resp, err := s.window(ctx, object, "updated", start, end, &raw)
	if err != nil {
		return nil, resp, err
	}
	res := &UpdatedResult{IDs: raw.IDs}
	res.LatestDateCovered, _ = ParseDateTime(raw.LatestDateCovered)
	return res, resp, nil
}

// DeletedRecord is one entry of GetDeleted.
type DeletedRecord struct {
	ID          string
	DeletedDate time.Time
}

// DeletedResult lists the records deleted in a time window.
type DeletedResult struct {
	DeletedRecords []DeletedRecord
	// EarliestDateAvailable is the oldest deletion Salesforce still knows.
	EarliestDateAvailable time.Time
	// LatestDateCovered is where the next poll should start.
	LatestDateCovered time.Time
}

// GetDeleted lists the records of object deleted between start and end,
// within the last 15 days.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
func (s *SObjectsService) GetDeleted(ctx context.Context, object string, start, end time.Time) (*DeletedResult, *Response, error) {
	var raw struct {
		DeletedRecords []struct {
			ID          string `json:"id"`
			DeletedDate string `json:"deletedDate"`
		} `json:"deletedRecords"`
		EarliestDateAvailable string `json:"earliestDateAvailable"`
		LatestDateCovered     string `json:"latestDateCovered"`
	}
	resp, err := s.window(ctx, object, "deleted", start, end, &raw)
	if err != nil {
		return nil, resp, err
	}
	res := &DeletedResult{DeletedRecords: make([]DeletedRecord, 0, len(raw.DeletedRecords))}
	for _, d := range raw.DeletedRecords {
		t, _ := ParseDateTime(d.DeletedDate)
		res.DeletedRecords = append(res.DeletedRecords, DeletedRecord{ID: d.ID, DeletedDate: t})
	}
	res.EarliestDateAvailable, _ = ParseDateTime(raw.EarliestDateAvailable)
	res.LatestDateCovered, _ = ParseDateTime(raw.LatestDateCovered)
	return res, resp, nil
}

func (s *SObjectsService) window(ctx context.Context, object, kind string, start, end time.Time, v any) (*Response, error) {
	if err := checkNames(object); err != nil {
		return nil, err
	}
	q := url.Values{"start": {FormatDateTime(start)}, "end": {FormatDateTime(end)}}
	req, err := s.client.NewRequest(http.MethodGet, sobjectPath(object, kind)+"/?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	return s.client.Do(ctx, req, v)
}

// Limit is one entry of the org limits.
type Limit struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// Limits returns the org's limits keyed by name (DailyApiRequests, ...).
// The call itself counts against the allocation; Response.Limit on any call
// is usually enough.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
func (c *Client) Limits(ctx context.Context) (map[string]Limit, *Response, error) {
	req, err := c.NewRequest(http.MethodGet, "limits", nil)
	if err != nil {
		return nil, nil, err
	}
	var raw map[string]json.RawMessage
	resp, err := c.Do(ctx, req, &raw)
	if err != nil {
		return nil, resp, err
	}
	limits := make(map[string]Limit, len(raw))
	for name, v := range raw {
		var l Limit
		if json.Unmarshal(v, &l) == nil {
			limits[name] = l
		}
	}
	return limits, resp, nil
}
