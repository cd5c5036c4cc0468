package sfsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The Composite resource: up to 25 subrequests in one API call, run in
// order as the same user, each able to use earlier results through
// @{referenceId.path} references.

const (
	maxCompositeSubrequests = 25
	maxCompositeQueries     = 5
)

type compositeBody struct {
	AllOrNone          bool           `json:"allOrNone"`
	CollateSubrequests *bool          `json:"collateSubrequests"`
	CompositeRequest   []compositeSub `json:"compositeRequest"`
}

type compositeSub struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	ReferenceID string          `json:"referenceId"`
	Body        json.RawMessage `json:"body"`
	HTTPHeaders map[string]any  `json:"httpHeaders"`
}

// compositeResult is one element of compositeResponse.
type compositeResult struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`
}

var referenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)

// refPattern finds @{ref.path} references.
var refPattern = regexp.MustCompile(`@\{([^}]*)\}`)

func compositeErr(code, msg string) response {
	return errResp(badRequest(code, msg))
}

// isQueryLike reports whether a subrequest URL counts against the limit of
// five query or sObject Collections subrequests.
func isQueryLike(path string) bool {
	_, rest, _ := strings.Cut(strings.TrimPrefix(path, "/services/data/"), "/")
	rest, _, _ = strings.Cut(rest, "?")
	return rest == "query" || rest == "queryAll" || strings.HasPrefix(rest, "query/") ||
		strings.HasPrefix(rest, "queryAll/") || strings.HasPrefix(rest, "composite/sobjects")
}

func (s *Server) composite(q *apiReq) response {
	if q.method != http.MethodPost {
		return methodNotAllowed(q.method, "POST")
	}
	dec := json.NewDecoder(bytes.NewReader(q.body))
	dec.UseNumber()
	var cb compositeBody
	if err := dec.Decode(&cb); err != nil {
		return compositeErr("JSON_PARSER_ERROR", "Unexpected character in request body: "+err.Error())
	}
	if len(cb.CompositeRequest) == 0 {
		return compositeErr("INVALID_INPUT", "compositeRequest must contain at least one subrequest")
	}
	if len(cb.CompositeRequest) > maxCompositeSubrequests {
		return compositeErr("LIMIT_EXCEEDED", fmt.Sprintf("A composite request can contain up to %d subrequests; this one has %d",
			maxCompositeSubrequests, len(cb.CompositeRequest)))
	}
	seen := map[string]bool{}
	queries := 0
	for _, sub := range cb.CompositeRequest {
		if !referenceIDPattern.MatchString(sub.ReferenceID) {
			return compositeErr("INVALID_INPUT", fmt.Sprintf(
				"Invalid referenceId '%s': it must start with a letter or number and contain only letters, numbers and underscores", sub.ReferenceID))
		}
		if seen[sub.ReferenceID] {
			return compositeErr("INVALID_INPUT", "Duplicate referenceId provided in the request: "+sub.ReferenceID)
		}
		seen[sub.ReferenceID] = true
		switch strings.ToUpper(sub.Method) {
		case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodHead:
		default:
			return compositeErr("INVALID_INPUT", fmt.Sprintf("Invalid method '%s' for subrequest %s", sub.Method, sub.ReferenceID))
		}
		if !strings.HasPrefix(sub.URL, "/services/data/v") {
			return compositeErr("INVALID_INPUT", fmt.Sprintf("The URL of subrequest %s must start with /services/data/vXX.X/", sub.ReferenceID))
		}
		if isQueryLike(sub.URL) {
			queries++
		}
		for k, v := range sub.HTTPHeaders {
			if _, ok := v.(string); !ok {
				return compositeErr("JSON_PARSER_ERROR", fmt.Sprintf("httpHeaders values must be strings (header %s of subrequest %s)", k, sub.ReferenceID))
			}
			switch strings.ToLower(k) {
			case "accept", "authorization", "content-type":
				return compositeErr("INVALID_INPUT", fmt.Sprintf("The %s header is inherited from the composite request and cannot be set on subrequest %s", k, sub.ReferenceID))
			}
		}
	}
	if queries > maxCompositeQueries {
		return compositeErr("LIMIT_EXCEEDED", fmt.Sprintf("A composite request can contain up to %d query or sObject Collections subrequests", maxCompositeQueries))
	}

	var undo []func()
	if cb.AllOrNone {
		s.journal = &undo
		defer func() { s.journal = nil }()
	}
	results := make([]compositeResult, len(cb.CompositeRequest))
	bodies := map[string]any{} // referenceId → parsed body of a successful subrequest
	failed := -1
	for i, sub := range cb.CompositeRequest {
		res := &results[i]
		res.ReferenceID, res.HTTPHeaders = sub.ReferenceID, map[string]string{}
		if cb.AllOrNone && failed >= 0 {
			continue // answered below, once the whole request is rolled back
		}
		resp, ok := s.runSubrequest(q, sub, bodies)
		res.HTTPStatusCode = resp.status
		if resp.body != nil {
			res.Body = resp.body
		} else {
			res.Body = json.RawMessage("null")
		}
		if loc := resp.header["Location"]; loc != "" {
			res.HTTPHeaders["Location"] = loc
		}
		if ok && resp.status < 300 {
			var v any
			if resp.body != nil && json.Unmarshal(resp.body, &v) == nil {
				bodies[sub.ReferenceID] = v
			} else {
				bodies[sub.ReferenceID] = map[string]any{}
			}
			continue
		}
		if failed < 0 {
			failed = i
		}
	}
	if cb.AllOrNone && failed >= 0 {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		halted := errorBody(badRequest("PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed."))
		for i := range results {
			if i == failed {
				continue
			}
			results[i].HTTPStatusCode, results[i].Body, results[i].HTTPHeaders = 400, halted, map[string]string{}
		}
	}
	b, err := json.Marshal(struct {
		CompositeResponse []compositeResult `json:"compositeResponse"`
	}{results})
	if err != nil {
		return errResp(apiErr(500, "UNKNOWN_EXCEPTION", err.Error()))
	}
	return jsonResp(200, b)
}

// runSubrequest resolves references and runs one subrequest. ok is false
// when a reference could not be resolved.
func (s *Server) runSubrequest(parent *apiReq, sub compositeSub, bodies map[string]any) (response, bool) {
	url, e := resolveRefs(sub.URL, bodies)
	if e != nil {
		return errResp(e), false
	}
	var body []byte
	if len(sub.Body) > 0 && string(sub.Body) != "null" {
		dec := json.NewDecoder(bytes.NewReader(sub.Body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return errResp(badRequest("JSON_PARSER_ERROR", err.Error())), false
		}
		v, e = resolveValue(v, bodies)
		if e != nil {
			return errResp(e), false
		}
		if body, e = marshalJSON(v); e != nil {
			return errResp(e), false
		}
	}
	r, err := http.NewRequestWithContext(parent.r.Context(), strings.ToUpper(sub.Method), url, bytes.NewReader(body))
	if err != nil {
		return errResp(badRequest("INVALID_INPUT", "invalid subrequest URL: "+url)), true
	}
	r.Host = parent.r.Host
	for _, h := range []string{"Accept", "Authorization", "Content-Type"} {
		if v := parent.r.Header.Get(h); v != "" {
			r.Header.Set(h, v)
		}
	}
	for k, v := range sub.HTTPHeaders {
		r.Header.Set(k, v.(string))
	}
	rest := strings.TrimPrefix(r.URL.Path, "/services/data/")
	vseg, rest, _ := strings.Cut(rest, "/")
	version, ok := parseVersion(vseg)
	if !ok {
		return errResp(notFound()), true
	}
	rest = strings.Trim(rest, "/")
	var segs []string
	if rest != "" {
		segs = strings.Split(rest, "/")
	}
	if len(segs) > 0 && segs[0] == "composite" && (len(segs) == 1 || segs[1] != "sobjects") {
		return errResp(badRequest("INVALID_INPUT", "A composite subrequest cannot be another composite, batch, tree or graph request")), true
	}
	q := &apiReq{r: r, method: r.Method, version: version, base: "/services/data/v" + version, segs: segs, body: body, user: parent.user}
	return s.dispatch(q), true
}

func marshalJSON(v any) ([]byte, *Error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, badRequest("JSON_PARSER_ERROR", err.Error())
	}
	return b, nil
}

// resolveValue replaces references inside a decoded JSON body. A string that
// is exactly one reference takes the referenced value with its JSON type.
func resolveValue(v any, bodies map[string]any) (any, *Error) {
	switch x := v.(type) {
	case string:
		if m := refPattern.FindStringSubmatch(x); m != nil && m[0] == x {
			return lookupRef(m[1], bodies)
		}
		return resolveRefs(x, bodies)
	case map[string]any:
		for k, e := range x {
			r, err := resolveValue(e, bodies)
			if err != nil {
				return nil, err
			}
			x[k] = r
		}
	case []any:
		for i, e := range x {
			r, err := resolveValue(e, bodies)
			if err != nil {
				return nil, err
			}
			x[i] = r
		}
	}
	return v, nil
}

// resolveRefs substitutes every @{ref.path} in s with the referenced value
// as text.
func resolveRefs(s string, bodies map[string]any) (string, *Error) {
	var firstErr *Error
	out := refPattern.ReplaceAllStringFunc(s, func(m string) string {
		v, e := lookupRef(m[2:len(m)-1], bodies)
		if e != nil {
			if firstErr == nil {
				firstErr = e
			}
			return m
		}
		switch x := v.(type) {
		case nil:
			return ""
		case string:
			return x
		case json.Number:
			return x.String()
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(x)
		}
		b, _ := json.Marshal(v)
		return string(b)
	})
	if firstErr != nil {
		return "", firstErr
	}
	return out, nil
}

// lookupRef evaluates "ref.path.to[0].Field" against the results so far.
func lookupRef(expr string, bodies map[string]any) (any, *Error) {
	parts := strings.Split(expr, ".")
	ref := parts[0]
	bad := func() *Error {
		return badRequest("PROCESSING_HALTED", fmt.Sprintf(
			"Invalid reference specified. No value for %s found in %s. Provided referenceId ('%s') must have been successfully processed before this subrequest.",
			expr, ref, ref))
	}
	cur, ok := bodies[ref]
	if !ok || len(parts) < 2 {
		return nil, bad()
	}
	for _, p := range parts[1:] {
		name, idxs, _ := strings.Cut(p, "[")
		if name != "" {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, bad()
			}
			if cur, ok = m[name]; !ok {
				return nil, bad()
			}
		}
		for idxs != "" {
			n, rest, ok := strings.Cut(idxs, "]")
			i, err := strconv.Atoi(n)
			list, isList := cur.([]any)
			if !ok || err != nil || !isList || i < 0 || i >= len(list) {
				return nil, bad()
			}
			cur = list[i]
			idxs = strings.TrimPrefix(rest, "[")
		}
	}
	return cur, nil
}
