package sfsim

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ValidationRule is a custom validation rule. It sees the record as it would
// be saved (canonical field names, Go values) and returns ok=false with a
// message, and optionally the field, to reject the save with
// FIELD_CUSTOM_VALIDATION_EXCEPTION.
type ValidationRule func(rec map[string]any) (errMsg string, field string, ok bool)

// Server is a simulated Salesforce org. It is an http.Handler and a state
// handle; all methods are safe for concurrent use.
type Server struct {
	opts   Options
	faults *Faults

	mu          sync.Mutex
	objects     map[string]*object
	objectList  []*object
	byPrefix    map[string]*object
	seq         int64
	caseSeq     int
	tokens      map[string]*tokenInfo
	refresh     map[string]string
	usage       usageCounter
	calls       map[string]int
	cursors     map[string]*cursor
	cursorOrder []string
	rules       map[*object][]ValidationRule
	defaultUser string
	assignUser  string
	caseOwner   string
	rtHidden    map[string]map[string]bool   // user → record type → withdrawn
	rtDefault   map[string]map[string]string // user → sobject → record type
	journal     *[]func()                    // undo log of an all-or-none composite request
	orgID       string
	started     time.Time
}

type tokenInfo struct {
	user    string
	expires time.Time // zero: never
}

// response is what a handler produces under the lock; ServeHTTP writes it.
type response struct {
	status int
	body   []byte
	header map[string]string
}

func jsonResp(status int, body []byte) response { return response{status: status, body: body} }

func errResp(e *Error) response { return response{status: e.Status, body: errorBody(e)} }

// New returns a simulator with an empty org holding three users (the
// integration user, who is the API caller; the lead assignment user; the
// default case owner), the stock Case and Task status values and
// Opportunity stages, and one Case record type, "Support".
// It panics if opts.CustomFields is invalid.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	objs, list, err := buildSchema(opts.CustomFields)
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts: opts, objects: objs, objectList: list,
		tokens: map[string]*tokenInfo{}, refresh: map[string]string{},
		calls: map[string]int{}, cursors: map[string]*cursor{}, rules: map[*object][]ValidationRule{},
		caseSeq: 1000, rtHidden: map[string]map[string]bool{}, rtDefault: map[string]map[string]string{},
	}
	s.byPrefix = map[string]*object{}
	for _, o := range list {
		s.byPrefix[o.keyPrefix] = o
	}
	s.faults = newFaults(s, opts.Seed)
	s.started = s.now()
	s.seq = 1
	s.orgID = newID("00D", 1)
	// The integration user creates itself, so its id is known up front.
	s.seq++
	s.defaultUser = newID("005", s.seq)
	s.mustInsert("User", map[string]any{"Id": s.defaultUser, "FirstName": "Integration", "LastName": "User",
		"Email": opts.Username, "Username": opts.Username, "IsActive": true, "Alias": "integ"})
	s.assignUser = s.mustInsertUser("Lead Assignment Queue", "lead.router@sfsim.example", "lead.router@sfsim.example")
	s.caseOwner = s.mustInsertUser("Support Desk", "support.desk@sfsim.example", "support.desk@sfsim.example")
	s.seedOrgData()
	s.mustInsert("RecordType", map[string]any{"Name": "Support", "DeveloperName": "Support", "SobjectType": "Case", "IsActive": true})
	s.tokens[opts.Token] = s.newTokenInfo(s.defaultUser)
	return s
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

func (s *Server) newTokenInfo(user string) *tokenInfo {
	t := &tokenInfo{user: user}
	if s.opts.TokenTTL > 0 {
		t.expires = s.now().Add(s.opts.TokenTTL)
	}
	return t
}

func (s *Server) mustInsertUser(name, email, username string) string {
	first, last, _ := strings.Cut(name, " ")
	if last == "" {
		first, last = "", name
	}
	return s.mustInsert("User", map[string]any{"FirstName": first, "LastName": last, "Email": email,
		"Username": username, "IsActive": true, "Alias": strings.ToLower(first + "xxxx")[:4]})
}

func (s *Server) mustInsert(obj string, fields map[string]any) string {
	o := s.objects[strings.ToLower(obj)]
	r, e := s.insert(o, fields, writeCtx{user: s.defaultUser, ui: true})
	if e != nil {
		panic(e)
	}
	return r.id
}

// ServeHTTP serves the Salesforce REST API and OAuth endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	var resp response
	switch {
	case strings.HasPrefix(p, "/services/oauth2/"):
		resp = s.serveOAuth(r)
	case strings.HasPrefix(p, "/id/"):
		resp = s.serveIdentity(r)
	case p == "/services/data" || p == "/services/data/":
		s.mu.Lock()
		resp = s.limitInfoLocked(s.versions())
		s.mu.Unlock()
	case strings.HasPrefix(p, "/services/data/v"):
		var ok bool
		resp, ok = s.serveAPI(w, r)
		if !ok {
			return
		}
	case strings.HasPrefix(p, "/lightning/r/"):
		s.serveLightning(w, r)
		return
	default:
		if s.serveShortLink(w, r) {
			return
		}
		resp = errResp(notFound())
	}
	s.write(w, resp)
}

func (s *Server) write(w http.ResponseWriter, resp response) {
	h := w.Header()
	for k, v := range resp.header {
		h.Set(k, v)
	}
	if resp.body != nil && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.WriteHeader(resp.status)
	if resp.body != nil {
		_, _ = w.Write(resp.body)
	}
}

const maxURILength = 16 << 10

// apiReq is one authenticated REST call.
type apiReq struct {
	r       *http.Request
	method  string
	version string // "62.0"
	base    string // "/services/data/v62.0"
	segs    []string
	body    []byte
	user    string
}

func parseVersion(seg string) (string, bool) {
	if len(seg) < 2 || seg[0] != 'v' {
		return "", false
	}
	f, err := strconv.ParseFloat(seg[1:], 64)
	if err != nil || f < 50 || !strings.Contains(seg, ".") {
		return "", false
	}
	return seg[1:], true
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) (response, bool) {
	rest := strings.TrimPrefix(r.URL.Path, "/services/data/")
	vseg, rest, _ := strings.Cut(rest, "/")
	version, ok := parseVersion(vseg)
	if !ok {
		return s.withLimitInfo(errResp(notFound())), true
	}
	if len(r.URL.RawPath)+len(r.URL.Path)+len(r.URL.RawQuery) > maxURILength {
		// Salesforce rejects request URIs over about 16 KB; long IN lists must be chunked.
		return s.withLimitInfo(response{status: http.StatusRequestURITooLong}), true
	}
	rest = strings.Trim(rest, "/")
	var segs []string
	if rest != "" {
		segs = strings.Split(rest, "/")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return errResp(badRequest("JSON_PARSER_ERROR", "could not read request body")), true
	}
	req := &apiReq{r: r, method: r.Method, version: version, base: "/services/data/v" + version, segs: segs, body: body}

	if !s.faults.delay(r.Context()) {
		return response{}, false
	}
	key := s.callKey(req)
	if kind, hit := s.faults.take(r.Method != http.MethodGet && r.Method != http.MethodHead); hit {
		s.mu.Lock()
		s.calls[key]++
		resp := s.faultResponse(kind, req)
		s.mu.Unlock()
		if kind == FaultDropConnection {
			panic(http.ErrAbortHandler)
		}
		return s.withLimitInfo(resp), true
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.authenticate(r)
	if !ok {
		resp := errResp(apiErr(401, "INVALID_SESSION_ID", "Session expired or invalid"))
		resp.header = map[string]string{"WWW-Authenticate": "Token"}
		return s.limitInfoLocked(resp), true
	}
	req.user = user
	s.calls[key]++
	now := s.now()
	if s.usage.used(now) >= s.opts.DailyAPILimit {
		return s.limitInfoLocked(errResp(apiErr(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))), true
	}
	s.usage.add(now)
	return s.limitInfoLocked(s.dispatch(req)), true
}

func (s *Server) withLimitInfo(resp response) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limitInfoLocked(resp)
}

func (s *Server) limitInfoLocked(resp response) response {
	if resp.header == nil {
		resp.header = map[string]string{}
	}
	resp.header["Sforce-Limit-Info"] = "api-usage=" + strconv.Itoa(s.usage.used(s.now())) + "/" + strconv.Itoa(s.opts.DailyAPILimit)
	return resp
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(h, "OAuth ")
	}
	if !ok {
		return "", false
	}
	t := s.tokens[strings.TrimSpace(tok)]
	if t == nil || (!t.expires.IsZero() && !s.now().Before(t.expires)) {
		return "", false
	}
	return t.user, true
}

func methodNotAllowed(method string, allowed ...string) response {
	return errResp(apiErr(405, "METHOD_NOT_ALLOWED",
		"HTTP Method '"+method+"' not allowed. Allowed are "+strings.Join(allowed, ",")))
}

// object resolves an sObject name from a path or body, case-insensitively.
func (s *Server) object(name string) *object { return s.objects[strings.ToLower(name)] }

func (s *Server) objectOrErr(name string) (*object, *Error) {
	if o := s.object(name); o != nil {
		return o, nil
	}
	return nil, apiErr(404, "NOT_FOUND", "The requested resource does not exist")
}

func (s *Server) dispatch(q *apiReq) response {
	segs := q.segs
	if len(segs) == 0 {
		if q.method != http.MethodGet {
			return methodNotAllowed(q.method, "GET", "HEAD")
		}
		return s.resources(q)
	}
	switch segs[0] {
	case "limits":
		if len(segs) == 1 {
			if q.method != http.MethodGet {
				return methodNotAllowed(q.method, "GET", "HEAD")
			}
			return s.limits()
		}
	case "query", "queryAll":
		if q.method != http.MethodGet {
			return methodNotAllowed(q.method, "GET", "HEAD")
		}
		all := segs[0] == "queryAll"
		switch len(segs) {
		case 1:
			return s.query(q, all)
		case 2:
			return s.queryMore(q, segs[1])
		}
	case "sobjects":
		return s.dispatchSObjects(q)
	case "composite":
		if len(segs) == 1 {
			return s.composite(q)
		}
		if len(segs) >= 2 && segs[1] == "sobjects" {
			return s.dispatchCollections(q)
		}
	}
	return errResp(notFound())
}

// callKey names the endpoint for Calls(): method plus the resource path with
// record ids and external id values left out.
func (s *Server) callKey(q *apiReq) string {
	segs := q.segs
	canon := func(name string) string {
		if o := s.object(name); o != nil {
			return o.name
		}
		return name
	}
	var parts []string
	switch {
	case len(segs) == 0:
		parts = nil
	case segs[0] == "query" || segs[0] == "queryAll":
		parts = segs[:1]
	case segs[0] == "sobjects":
		parts = []string{"sobjects"}
		if len(segs) > 1 {
			parts = append(parts, canon(segs[1]))
		}
		if len(segs) > 2 {
			switch strings.ToLower(segs[2]) {
			case "describe", "updated", "deleted":
				parts = append(parts, strings.ToLower(segs[2]))
			default:
				if len(segs) > 3 || (q.method == http.MethodPost) {
					parts = append(parts, segs[2])
				}
			}
		}
	case segs[0] == "composite" && len(segs) > 1:
		parts = []string{"composite", segs[1]}
		if len(segs) > 2 {
			parts = append(parts, canon(segs[2]))
		}
		if len(segs) > 3 {
			parts = append(parts, segs[3])
		}
	default:
		parts = segs
	}
	return q.method + " " + strings.Join(parts, "/")
}
