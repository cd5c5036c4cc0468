package sfsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func (s *Server) writeCtx(q *apiReq) writeCtx {
	aa := strings.TrimSpace(q.r.Header.Get("Sforce-Auto-Assign"))
	auto := aa == "" || strings.EqualFold(aa, "TRUE") || strings.HasPrefix(aa, "01Q")
	return writeCtx{user: q.user, autoAssign: auto, callOptions: q.r.Header.Get("Sforce-Call-Options")}
}

// decodeObject parses a JSON object body keeping numbers exact.
func decodeObject(body []byte) (map[string]any, *Error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		msg := "Unexpected end-of-input"
		if err != nil && len(bytes.TrimSpace(body)) > 0 {
			msg = "Unexpected character in request body: " + err.Error()
		}
		return nil, badRequest("JSON_PARSER_ERROR", msg)
	}
	return m, nil
}

func saveResult(id string, created *bool) []byte {
	b := []byte(`{"id":`)
	b = appendString(b, id)
	b = append(b, `,"success":true,"errors":[]`...)
	if created != nil {
		b = append(b, `,"created":`...)
		b = appendBool(b, *created)
	}
	return append(b, '}')
}

func (s *Server) dispatchSObjects(q *apiReq) response {
	segs := q.segs
	if len(segs) == 1 {
		if q.method != http.MethodGet {
			return methodNotAllowed(q.method, "GET", "HEAD")
		}
		return s.describeGlobal(q)
	}
	o, e := s.objectOrErr(segs[1])
	if e != nil {
		return errResp(e)
	}
	switch len(segs) {
	case 2:
		switch q.method {
		case http.MethodGet:
			return s.basicInfo(q, o)
		case http.MethodPost:
			return s.create(q, o)
		}
		return methodNotAllowed(q.method, "GET", "HEAD", "POST")
	case 3:
		switch strings.ToLower(segs[2]) {
		case "describe":
			if q.method != http.MethodGet {
				return methodNotAllowed(q.method, "GET", "HEAD")
			}
			return jsonResp(200, s.describe(q, o))
		case "updated", "deleted":
			if q.method != http.MethodGet {
				return methodNotAllowed(q.method, "GET", "HEAD")
			}
			return s.replication(q, o, strings.ToLower(segs[2]) == "deleted")
		}
		if q.method == http.MethodPost {
			// POST /sobjects/Obj/ExtField inserts, as an upsert with no value.
			f := o.field(segs[2])
			if f == nil || !f.externalID {
				return errResp(apiErr(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+segs[2]))
			}
			return s.create(q, o)
		}
		return s.recordOp(q, o, segs[2])
	case 4:
		return s.externalIDOp(q, o, segs[2], segs[3])
	}
	return errResp(notFound())
}

func (s *Server) create(q *apiReq, o *object) response {
	fields, e := decodeObject(q.body)
	if e != nil {
		return errResp(e)
	}
	r, e := s.insert(o, fields, s.writeCtx(q))
	if e != nil {
		return errResp(e)
	}
	resp := jsonResp(201, saveResult(r.id, nil))
	resp.header = map[string]string{"Location": q.base + "/sobjects/" + o.name + "/" + r.id}
	return resp
}

func (s *Server) recordOp(q *apiReq, o *object, idSeg string) response {
	id, ok := To18(idSeg)
	if !ok {
		return errResp(apiErr(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+idSeg))
	}
	r := o.tbl.byID[id]
	if r == nil {
		return errResp(notFound())
	}
	switch q.method {
	case http.MethodGet:
		if r.deleted {
			return errResp(notFound())
		}
		fields, e := s.fieldList(o, q.r.URL.Query().Get("fields"))
		if e != nil {
			return errResp(e)
		}
		return jsonResp(200, s.renderFull(nil, q.base, r, fields))
	case http.MethodPatch:
		fields, e := decodeObject(q.body)
		if e != nil {
			return errResp(e)
		}
		if _, e := s.update(r, fields, s.writeCtx(q)); e != nil {
			return errResp(e)
		}
		return response{status: 204}
	case http.MethodDelete:
		if e := s.deleteRecord(r, q.user); e != nil {
			return errResp(e)
		}
		return response{status: 204}
	}
	return methodNotAllowed(q.method, "GET", "HEAD", "PATCH", "DELETE")
}

// fieldList resolves a ?fields= list; empty means every field.
func (s *Server) fieldList(o *object, list string) ([]*field, *Error) {
	if strings.TrimSpace(list) == "" {
		return o.fields, nil
	}
	var out []*field
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		f := o.field(name)
		if f == nil {
			return nil, badRequest("INVALID_FIELD", "No such column '"+name+"' on entity '"+o.name+"'"+noColumnHint)
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Server) renderFull(b []byte, base string, r *record, fields []*field) []byte {
	b = appendAttributes(b, base, r.obj.name, r.obj.name, r.id)
	for _, f := range fields {
		b = appendKey(b, false, f.name)
		b = appendValue(b, f, r.vals[f.idx])
	}
	return append(b, '}')
}

func (s *Server) extField(o *object, name string) *field {
	f := o.field(name)
	if f == nil || !(f.externalID || f.name == "Id") {
		return nil
	}
	return f
}

func (s *Server) liveMatches(o *object, f *field, v any) []*record {
	var out []*record
	for _, r := range o.tbl.lookup(f, v) {
		if !r.deleted {
			out = append(out, r)
		}
	}
	return out
}

func multipleChoices(q *apiReq, o *object, rs []*record) response {
	urls := make([]string, len(rs))
	for i, r := range rs {
		urls[i] = q.base + "/sobjects/" + o.name + "/" + r.id
	}
	return jsonResp(300, appendStrings(nil, urls))
}

func (s *Server) externalIDOp(q *apiReq, o *object, fieldName, value string) response {
	f := s.extField(o, fieldName)
	if f == nil {
		return errResp(apiErr(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+fieldName))
	}
	key, e := coerce(f, value)
	if e != nil {
		return errResp(apiErr(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+value))
	}
	matches := s.liveMatches(o, f, key)
	switch q.method {
	case http.MethodGet:
		switch len(matches) {
		case 0:
			return errResp(notFound())
		case 1:
			fields, e := s.fieldList(o, q.r.URL.Query().Get("fields"))
			if e != nil {
				return errResp(e)
			}
			return jsonResp(200, s.renderFull(nil, q.base, matches[0], fields))
		}
		return multipleChoices(q, o, matches)
	case http.MethodDelete:
		switch len(matches) {
		case 0:
			return errResp(notFound())
		case 1:
			if e := s.deleteRecord(matches[0], q.user); e != nil {
				return errResp(e)
			}
			return response{status: 204}
		}
		return multipleChoices(q, o, matches)
	case http.MethodPatch, http.MethodPost:
		fields, e := decodeObject(q.body)
		if e != nil {
			return errResp(e)
		}
		r, created, resp, ok := s.upsertOne(q, o, f, key, matches, fields, q.r.URL.Query().Get("updateOnly") == "true")
		if !ok {
			return resp
		}
		status := 200
		if created {
			status = 201
		}
		return jsonResp(status, saveResult(r.id, &created))
	}
	return methodNotAllowed(q.method, "GET", "HEAD", "PATCH", "DELETE")
}

// upsertOne inserts or updates by external id; on failure it returns the
// error response.
func (s *Server) upsertOne(q *apiReq, o *object, f *field, key any, matches []*record, fields map[string]any, updateOnly bool) (*record, bool, response, bool) {
	for k, v := range fields {
		if strings.EqualFold(k, f.name) {
			if cv, e := coerce(f, v); e != nil || !sameKey(f, cv, key) {
				return nil, false, errResp(badRequest("INVALID_FIELD", "The external ID field value in the request body does not match the value in the URL", f.name)), false
			}
			delete(fields, k)
		}
	}
	switch len(matches) {
	case 0:
		if updateOnly || f.name == "Id" {
			return nil, false, errResp(notFound()), false
		}
		fields[f.name] = key
		r, e := s.insert(o, fields, s.writeCtx(q))
		if e != nil {
			return nil, false, errResp(e), false
		}
		return r, true, response{}, true
	case 1:
		if _, e := s.update(matches[0], fields, s.writeCtx(q)); e != nil {
			return nil, false, errResp(e), false
		}
		return matches[0], false, response{}, true
	}
	return nil, false, multipleChoices(q, o, matches), false
}

func sameKey(f *field, a, b any) bool {
	as, ok1 := a.(string)
	bs, ok2 := b.(string)
	if ok1 && ok2 && f.kind == kindString {
		return strings.EqualFold(as, bs)
	}
	return a == b
}

// replication serves getUpdated and getDeleted.
func (s *Server) replication(q *apiReq, o *object, deleted bool) response {
	qs := q.r.URL.Query()
	startS, endS := qs.Get("start"), qs.Get("end")
	if startS == "" || endS == "" {
		return errResp(badRequest("MISSING_ARGUMENT", "start and end are both required"))
	}
	start, ok1 := parseWriteTime(startS)
	end, ok2 := parseWriteTime(endS)
	if !ok1 || !ok2 {
		return errResp(badRequest("INVALID_REPLICATION_DATE", "start and end must be ISO 8601 date-times"))
	}
	now := s.now()
	start, end = start.Truncate(time.Minute), end.Truncate(time.Minute)
	if end.After(now) {
		end = now.Truncate(time.Minute)
	}
	window := 30 * 24 * time.Hour
	if deleted {
		window = 15 * 24 * time.Hour
	}
	if start.Before(now.Add(-window).Truncate(time.Minute)) {
		return errResp(badRequest("INVALID_REPLICATION_DATE", "startDate cannot be more than "+map[bool]string{false: "30", true: "15"}[deleted]+" days ago"))
	}
	if end.Before(start) {
		return errResp(badRequest("INVALID_REPLICATION_DATE", "EndDate can not be before StartDate"))
	}
	sm := o.field("SystemModstamp")
	if !deleted {
		b := []byte(`{"ids":[`)
		n := 0
		for _, r := range o.tbl.rows {
			t, _ := r.vals[sm.idx].(time.Time)
			if r.deleted || t.Before(start) || !t.Before(end) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = appendString(b, r.id)
			n++
		}
		b = append(b, `],"latestDateCovered":`...)
		b = appendString(b, FormatDateTime(end))
		return jsonResp(200, append(b, '}'))
	}
	b := []byte(`{"deletedRecords":[`)
	n := 0
	for _, r := range o.tbl.rows {
		if !r.deleted || r.deletedAt.Before(start) || !r.deletedAt.Before(end) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendString(b, r.id)
		b = append(b, `,"deletedDate":`...)
		b = appendString(b, FormatDateTime(r.deletedAt))
		b = append(b, '}')
		n++
	}
	earliest := s.started
	if e := now.Add(-window); e.After(earliest) {
		earliest = e
	}
	b = append(b, `],"earliestDateAvailable":`...)
	b = appendString(b, FormatDateTime(earliest.Truncate(time.Minute)))
	b = append(b, `,"latestDateCovered":`...)
	b = appendString(b, FormatDateTime(end))
	return jsonResp(200, append(b, '}'))
}
