package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxCollectionSize is the most records one sObject Collections write
// accepts; larger inputs are sent in chunks of this size.
const MaxCollectionSize = 200

// CollectionsService handles sObject Collections: many records in one call.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
type CollectionsService service

// SaveResult is the outcome for one record of a collection write, in input
// order.
type SaveResult struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Created bool       `json:"created"`
	Errors  []APIError `json:"errors"`
}

// Err returns nil for a success and otherwise the *ErrorResponse a
// single-record call would have returned, so errors.Is works the same way.
func (r SaveResult) Err() error {
	if r.Success {
		return nil
	}
	status := http.StatusBadRequest
	if len(r.Errors) > 0 {
		switch code := r.Errors[0].ErrorCode; {
		case code == "NOT_FOUND" || code == "ENTITY_IS_DELETED":
			status = http.StatusNotFound
		case code == "REQUEST_LIMIT_EXCEEDED":
			status = http.StatusForbidden
		case strings.HasPrefix(code, "INSUFFICIENT_ACCESS"):
			status = http.StatusForbidden
		}
	}
	errs := r.Errors
	if len(errs) == 0 {
		errs = []APIError{{Message: "record failed without an error entry"}}
	}
	return &ErrorResponse{StatusCode: status, Errors: errs}
}

type collectionRequest struct {
	AllOrNone bool     `json:"allOrNone"`
	Records   []Record `json:"records"`
}

// Create inserts records (each with attributes.type, see NewRecord, and no
// Id). allOrNone rolls back a chunk of up to 200 records when one fails;
// chunks are separate transactions. Record failures are reported in the
// results; the error is for calls that failed as a whole, with the results
// of earlier chunks still returned.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
func (s *CollectionsService) Create(ctx context.Context, records []Record, allOrNone bool, opts ...RequestOption) ([]SaveResult, error) {
	return s.write(ctx, http.MethodPost, "composite/sobjects", records, allOrNone, opts)
}

// Update updates records, each carrying attributes.type and Id. See Create
// for chunking and errors.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
func (s *CollectionsService) Update(ctx context.Context, records []Record, allOrNone bool, opts ...RequestOption) ([]SaveResult, error) {
	return s.write(ctx, http.MethodPatch, "composite/sobjects", records, allOrNone, opts)
}

// Upsert inserts or updates records of object matched on extIDField, which
// every record carries. SaveResult.Created tells inserts apart. See Create
// for chunking and errors.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
func (s *CollectionsService) Upsert(ctx context.Context, object, extIDField string, records []Record, allOrNone bool, opts ...RequestOption) ([]SaveResult, error) {
	if err := checkNames(object, extIDField); err != nil {
		return nil, err
	}
	return s.write(ctx, http.MethodPatch, "composite/sobjects/"+url.PathEscape(object)+"/"+url.PathEscape(extIDField), records, allOrNone, opts)
}

// Delete deletes records by id, 200 per call. See Create for errors.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
func (s *CollectionsService) Delete(ctx context.Context, ids []string, allOrNone bool, opts ...RequestOption) ([]SaveResult, error) {
	results := make([]SaveResult, 0, len(ids))
	for start := 0; start < len(ids); start += MaxCollectionSize {
		chunk := ids[start:min(start+MaxCollectionSize, len(ids))]
		q := url.Values{"ids": {strings.Join(chunk, ",")}, "allOrNone": {strconv.FormatBool(allOrNone)}}
		req, err := s.client.NewRequest(http.MethodDelete, "composite/sobjects?"+q.Encode(), nil, opts...)
		if err != nil {
			return results, err
		}
		var page []SaveResult
		if _, err := s.client.Do(ctx, req, &page); err != nil {
			return results, err
		}
		if len(page) != len(chunk) {
			return results, fmt.Errorf("salesforce: collection delete returned %d results for %d ids", len(page), len(chunk))
		}
		results = append(results, page...)
	}
	return results, nil
}

func (s *CollectionsService) write(ctx context.Context, method, path string, records []Record, allOrNone bool, opts []RequestOption) ([]SaveResult, error) {
	for i, r := range records {
		if r.Type() == "" {
			return nil, errors.New("salesforce: record " + strconv.Itoa(i) + " has no attributes.type (use NewRecord)")
		}
	}
	results := make([]SaveResult, 0, len(records))
	for start := 0; start < len(records); start += MaxCollectionSize {
		chunk := records[start:min(start+MaxCollectionSize, len(records))]
		req, err := s.client.NewRequest(method, path, collectionRequest{AllOrNone: allOrNone, Records: chunk}, opts...)
		if err != nil {
			return results, err
		}
		var page []SaveResult
		if _, err := s.client.Do(ctx, req, &page); err != nil {
			return results, err
		}
		if len(page) != len(chunk) {
			return results, fmt.Errorf("salesforce: collection write returned %d results for %d records", len(page), len(chunk))
		}
		results = append(results, page...)
	}
	return results, nil
}
