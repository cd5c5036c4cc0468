package sfsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

const maxCollection = 200

type collectionBody struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
}

// itemResult is one element of a Collections response.
type itemResult struct {
	id      string
	err     *Error
	created *bool
	undo    func()
}

func appendResults(results []itemResult) []byte {
	b := []byte{'['}
	for i, r := range results {
		if i > 0 {
			b = append(b, ',')
		}
		first := true
		b = append(b, '{')
		if r.id != "" {
			b = appendKey(b, true, "id")
			b = appendString(b, r.id)
			first = false
		}
		b = appendKey(b, first, "success")
		b = appendBool(b, r.err == nil)
		b = append(b, `,"errors":[`...)
		if r.err != nil {
			b = append(b, `{"statusCode":`...)
			b = appendString(b, r.err.Code)
			b = append(b, `,"message":`...)
			b = appendString(b, r.err.Message)
			b = append(b, `,"fields":`...)
			fields := r.err.Fields
			if fields == nil {
				fields = []string{}
			}
			b = appendStrings(b, fields)
			b = append(b, '}')
		}
		b = append(b, ']')
		if r.created != nil && r.err == nil {
			b = append(b, `,"created":`...)
			b = appendBool(b, *r.created)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func decodeCollection(body []byte) (*collectionBody, *Error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var cb collectionBody
	if err := dec.Decode(&cb); err != nil {
		return nil, badRequest("JSON_PARSER_ERROR", "Unexpected character in request body: "+err.Error())
	}
	if len(cb.Records) > maxCollection {
		return nil, badRequest("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")
	}
	return &cb, nil
}

func (s *Server) dispatchCollections(q *apiReq) response {
	switch len(q.segs) {
	case 2:
		switch q.method {
		case http.MethodPost:
			return s.collectionWrite(q, "create", nil, nil)
		case http.MethodPatch:
			return s.collectionWrite(q, "update", nil, nil)
		case http.MethodDelete:
			return s.collectionDelete(q)
		}
		return methodNotAllowed(q.method, "POST", "PATCH", "DELETE")
	case 3:
		o, e := s.objectOrErr(q.segs[2])
		if e != nil {
			return errResp(e)
		}
		switch q.method {
		case http.MethodGet, http.MethodPost:
			return s.collectionRetrieve(q, o)
		}
		return methodNotAllowed(q.method, "GET", "POST")
	case 4:
		o, e := s.objectOrErr(q.segs[2])
		if e != nil {
			return errResp(e)
		}
		if q.method != http.MethodPatch {
			return methodNotAllowed(q.method, "PATCH")
		}
		f := s.extField(o, q.segs[3])
		if f == nil {
			return errResp(apiErr(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+q.segs[3]))
		}
		return s.collectionWrite(q, "upsert", o, f)
	}
	return errResp(notFound())
}

func recordType(rec map[string]any) string {
	attrs, _ := rec["attributes"].(map[string]any)
	t, _ := attrs["type"].(string)
	return t
}

// collectionWrite creates, updates or upserts up to 200 records, each with
// its own result; with allOrNone one failure rolls back every record.
func (s *Server) collectionWrite(q *apiReq, op string, upsertObj *object, extField *field) response {
	cb, e := decodeCollection(q.body)
	if e != nil {
		return errResp(e)
	}
	wc := s.writeCtx(q)
	results := make([]itemResult, len(cb.Records))
	var extSeen map[string]int
	if op == "upsert" {
		extSeen = map[string]int{}
		for _, rec := range cb.Records {
			for k, v := range rec {
				if strings.EqualFold(k, extField.name) {
					if cv, err := coerce(extField, v); err == nil && cv != nil {
						k, _ := indexKey(extField, cv)
						extSeen[k]++
					}
				}
			}
		}
	}
	failed := false
	for i, rec := range cb.Records {
		res := s.collectionItem(op, rec, wc, upsertObj, extField, extSeen)
		results[i] = res
		if res.err != nil {
			failed = true
		}
	}
	if failed && cb.AllOrNone {
		for i := len(results) - 1; i >= 0; i-- {
			if results[i].undo != nil {
				results[i].undo()
			}
		}
		rolledBack := badRequest("ALL_OR_NONE_OPERATION_ROLLED_BACK",
			"Record rolled back because not all records were valid and the request was using AllOrNone header")
		for i := range results {
			if results[i].err == nil {
				if op == "create" || (results[i].created != nil && *results[i].created) {
					results[i].id = ""
				}
				results[i].err = rolledBack
				results[i].created = nil
			}
		}
	}
	return jsonResp(200, appendResults(results))
}

func (s *Server) collectionItem(op string, rec map[string]any, wc writeCtx, upsertObj *object, extField *field, extSeen map[string]int) itemResult {
	typ := recordType(rec)
	if typ == "" {
		return itemResult{err: badRequest("INVALID_TYPE", "When using composite sobjects, all records must have attributes.type")}
	}
	o := s.object(typ)
	if o == nil {
		return itemResult{err: badRequest("INVALID_TYPE", "sObject type '"+typ+"' is not supported.")}
	}
	switch op {
	case "create":
		r, e := s.insert(o, rec, wc)
		if e != nil {
			return itemResult{err: e}
		}
		return itemResult{id: r.id, undo: func() { o.tbl.remove(r) }}
	case "update":
		var idVal any
		for k, v := range rec {
			if strings.EqualFold(k, "Id") {
				idVal = v
			}
		}
		idStr, _ := idVal.(string)
		if idStr == "" {
			return itemResult{err: badRequest("MISSING_ARGUMENT", "Id not specified in an update call")}
		}
		id, ok := To18(idStr)
		if !ok || !strings.HasPrefix(id, o.keyPrefix) {
			return itemResult{id: idStr, err: badRequest("MALFORMED_ID", "Id: id value of incorrect type: "+idStr, "Id")}
		}
		r := o.tbl.byID[id]
		if r == nil {
			return itemResult{id: id, err: badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")}
		}
		if r.deleted {
			return itemResult{id: id, err: badRequest("ENTITY_IS_DELETED", "entity is deleted")}
		}
		old, e := s.update(r, rec, wc)
		if e != nil {
			return itemResult{id: id, err: e}
		}
		return itemResult{id: id, undo: func() { s.commitVals(r, old) }}
	case "upsert":
		if o != upsertObj {
			return itemResult{err: badRequest("INVALID_TYPE", "Record type "+typ+" does not match the type "+upsertObj.name+" in the URL")}
		}
		var key any
		for k, v := range rec {
			if strings.EqualFold(k, extField.name) {
				cv, e := coerce(extField, v)
				if e != nil {
					return itemResult{err: e}
				}
				key = cv
				delete(rec, k)
			}
		}
		if key == nil {
			return itemResult{err: badRequest("MISSING_ARGUMENT", extField.name+" not specified", extField.name)}
		}
		if k, _ := indexKey(extField, key); extSeen[k] > 1 {
			return itemResult{err: badRequest("DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: "+k, extField.name)}
		}
		matches := s.liveMatches(o, extField, key)
		switch len(matches) {
		case 0:
			if extField.name == "Id" {
				return itemResult{err: badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")}
			}
			rec[extField.name] = key
			r, e := s.insert(o, rec, wc)
			if e != nil {
				return itemResult{err: e}
			}
			created := true
			return itemResult{id: r.id, created: &created, undo: func() { o.tbl.remove(r) }}
		case 1:
			r := matches[0]
			old, e := s.update(r, rec, wc)
			if e != nil {
				return itemResult{id: r.id, err: e}
			}
			created := false
			return itemResult{id: r.id, created: &created, undo: func() { s.commitVals(r, old) }}
		}
		ids := make([]string, len(matches))
		for i, m := range matches {
			ids[i] = m.id
		}
		return itemResult{err: badRequest("DUPLICATE_EXTERNAL_ID",
			extField.name+": more than one record found for external id field: ["+strings.Join(ids, ", ")+"]", extField.name)}
	}
	return itemResult{err: badRequest("INVALID_OPERATION", "unsupported operation")}
}

func (s *Server) collectionDelete(q *apiReq) response {
	qs := q.r.URL.Query()
	var ids []string
	for _, id := range strings.Split(qs.Get("ids"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return errResp(badRequest("MISSING_ARGUMENT", "ids parameter is required"))
	}
	if len(ids) > maxCollection {
		return errResp(badRequest("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"))
	}
	allOrNone := strings.EqualFold(qs.Get("allOrNone"), "true")
	results := make([]itemResult, len(ids))
	failed := false
	for i, raw := range ids {
		id, ok := To18(raw)
		var r *record
		if ok {
			r = s.lookupID(id)
		}
		switch {
		case !ok:
			results[i] = itemResult{id: raw, err: badRequest("MALFORMED_ID", "malformed id "+raw)}
		case r == nil:
			results[i] = itemResult{id: id, err: badRequest("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")}
		default:
			old := r.vals
			if e := s.deleteRecord(r, q.user); e != nil {
				results[i] = itemResult{id: id, err: e}
			} else {
				results[i] = itemResult{id: id, undo: func() { s.commitVals(r, old); r.deleted = false }}
			}
		}
		if results[i].err != nil {
			results[i].err.Status = 400
			failed = true
		}
	}
	if failed && allOrNone {
		rolledBack := badRequest("ALL_OR_NONE_OPERATION_ROLLED_BACK",
			"Record rolled back because not all records were valid and the request was using AllOrNone header")
		for i := len(results) - 1; i >= 0; i-- {
			if results[i].undo != nil {
				results[i].undo()
			}
			if results[i].err == nil {
				results[i].err = rolledBack
			}
		}
	}
	return jsonResp(200, appendResults(results))
}

// collectionRetrieve serves GET ?ids=&fields= (up to 800 ids) and POST
// {"ids":[],"fields":[]} (up to 2000 ids).
func (s *Server) collectionRetrieve(q *apiReq, o *object) response {
	var ids, fieldNames []string
	limit := 800
	if q.method == http.MethodPost {
		var body struct {
			IDs    []string `json:"ids"`
			Fields []string `json:"fields"`
		}
		if err := json.Unmarshal(q.body, &body); err != nil {
			return errResp(badRequest("JSON_PARSER_ERROR", "Unexpected character in request body: "+err.Error()))
		}
		ids, fieldNames, limit = body.IDs, body.Fields, 2000
	} else {
		qs := q.r.URL.Query()
		if v := qs.Get("ids"); v != "" {
			ids = strings.Split(v, ",")
		}
		if v := qs.Get("fields"); v != "" {
			fieldNames = strings.Split(v, ",")
		}
	}
	if len(ids) == 0 || len(fieldNames) == 0 {
		return errResp(badRequest("MISSING_ARGUMENT", "ids and fields are both required"))
	}
	if len(ids) > limit {
		return errResp(badRequest("EXCEEDED_ID_LIMIT", "record limit reached"))
	}
	fields, e := s.fieldList(o, strings.Join(fieldNames, ","))
	if e != nil {
		return errResp(e)
	}
	b := []byte{'['}
	for i, raw := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		id, ok := To18(strings.TrimSpace(raw))
		r := o.tbl.byID[id]
		if !ok || r == nil || r.deleted {
			b = append(b, "null"...)
			continue
		}
		b = s.renderFull(b, q.base, r, fields)
	}
	return jsonResp(200, append(b, ']'))
}

// rowLockCollection answers a Collections write where every record hit a
// row lock: HTTP 200 with UNABLE_TO_LOCK_ROW per record.
func (s *Server) rowLockCollection(q *apiReq) response {
	n := 0
	if q.method == http.MethodDelete {
		n = len(strings.Split(q.r.URL.Query().Get("ids"), ","))
	} else if cb, e := decodeCollection(q.body); e == nil {
		n = len(cb.Records)
	}
	lock := badRequest("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records")
	results := make([]itemResult, n)
	for i := range results {
		results[i].err = lock
	}
	return jsonResp(200, appendResults(results))
}
