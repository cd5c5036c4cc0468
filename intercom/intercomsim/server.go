package intercomsim

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the simulated Intercom workspace. It implements http.Handler and
// is also the state handle tests use to seed and inspect data.
type Server struct {
	opts Options
	mux  *http.ServeMux
	// special holds routes whose patterns conflict with mux's wildcards
	// (find_by_external_id); it is consulted first.
	special *http.ServeMux

	mu             sync.Mutex
	ids            ids
	contacts       map[string]*contact
	contactList    []*contact          // every contact ever created, in creation (seq) order
	liveCount      int                 // contacts neither deleted nor merged away
	usersByEmail   map[string]*contact // live users by lower-cased email
	usersByExtID   map[string]*contact // live users by external_id
	companies      map[string]*company
	companyList    []*company
	companiesByCID map[string]*company // company_id to the company that last took it
	conversations  map[string]*conversation
	convList       []*conversation
	admins         []*admin
	tags           []*tag
	notes          map[string]*note
	attributes     []*dataAttribute
	actions        map[string]*customAction
	seq            int

	inbox   inboxApp // the Canvas Kit app the inbox page shows
	calls   callCounter
	limiter rateLimiter
	faults  *Faults
	hooks   *webhooks
}

// New returns a simulator with an empty workspace (one admin, the token's
// owner) and the standard data attributes.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:           opts,
		mux:            http.NewServeMux(),
		special:        http.NewServeMux(),
		contacts:       map[string]*contact{},
		usersByEmail:   map[string]*contact{},
		usersByExtID:   map[string]*contact{},
		companies:      map[string]*company{},
		companiesByCID: map[string]*company{},
		conversations:  map[string]*conversation{},
		notes:          map[string]*note{},
		actions:        map[string]*customAction{},
		calls:          callCounter{counts: map[string]int{}},
		limiter:        rateLimiter{windows: map[string]*rateWindow{}},
	}
	s.faults = newFaults()
	s.hooks = newWebhooks(s)
	s.admins = append(s.admins, &admin{ID: s.ids.num(), Name: "Operator", Email: "operator@tandem.example"})
	s.routes()
	return s
}

func (s *Server) now() int64 { return s.opts.Now().Unix() }

// ServeHTTP serves the Intercom REST API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := s.faults.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if r.URL.Path == "/inbox" || strings.HasPrefix(r.URL.Path, "/inbox/") {
		s.serveInbox(w, r) // a teammate's browser, not the API: no token
		return
	}
	if !s.authorized(r) {
		writeError(w, errorf(http.StatusUnauthorized, "unauthorized", "Access Token Invalid"))
		return
	}
	mux := s.mux
	_, pattern := s.special.Handler(r)
	if pattern != "" {
		mux = s.special
	} else {
		_, pattern = s.mux.Handler(r)
	}
	if pattern != "" {
		s.calls.add(pattern)
	}
	if kind, ok := s.faults.next(); ok {
		s.injectFault(w, r, kind)
		return
	}
	if !s.limiter.allow(w, s.opts, s.opts.Token) {
		return
	}
	mux.ServeHTTP(w, r)
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return ok && tok == s.opts.Token
}

// version returns the request's API version.
func (s *Server) version(r *http.Request) string {
	if v := strings.TrimSpace(r.Header.Get("Intercom-Version")); v != "" {
		return v
	}
	return s.opts.DefaultVersion
}

// atLeast216 reports whether a version string is 2.16 or newer
// ("Unstable"/"Preview" count as newest).
func atLeast216(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	if !ok {
		return true
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil {
		return true
	}
	return ma > 2 || (ma == 2 && mi >= 16)
}

// handle registers a route whose handler returns a body or an API error.
func (s *Server) handle(pattern string, h func(r *http.Request) (any, *apiError)) {
	mux := s.mux
	if strings.Contains(pattern, "find_by_external_id") {
		mux = s.special
	}
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, e := h(r)
		if e != nil {
			writeError(w, e)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}

func (s *Server) routes() {
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "not_found", "Resource Not Found"))
	})
	s.handle("GET /me", s.httpMe)
	s.handle("GET /admins", s.httpListAdmins)
	s.handle("GET /admins/{id}", s.httpGetAdmin)
	s.handle("GET /teams", s.httpListTeams)

	s.handle("POST /contacts", s.httpCreateContact)
	s.handle("GET /contacts", s.httpListContacts)
	s.handle("GET /contacts/{id}", s.httpGetContact)
	s.handle("PUT /contacts/{id}", s.httpUpdateContact)
	s.handle("DELETE /contacts/{id}", s.httpDeleteContact)
	s.handle("GET /contacts/find_by_external_id/{external_id}", s.httpFindByExternalID)
	s.handle("POST /contacts/search", s.httpSearchContacts)
	s.handle("POST /contacts/merge", s.httpMergeContacts)
	s.handle("POST /contacts/{id}/archive", s.httpArchiveContact(true))
	s.handle("POST /contacts/{id}/unarchive", s.httpArchiveContact(false))
	s.handle("GET /contacts/{id}/companies", s.httpContactCompanies)
	s.handle("POST /contacts/{id}/companies", s.httpAttachCompany)
	s.handle("DELETE /contacts/{id}/companies/{company_id}", s.httpDetachCompany)
	s.handle("GET /contacts/{id}/notes", s.httpListNotes)
	s.handle("POST /contacts/{id}/notes", s.httpCreateNote)
	s.handle("GET /contacts/{id}/tags", s.httpContactTags)
	s.handle("POST /contacts/{id}/tags", s.httpTagContact)
	s.handle("DELETE /contacts/{id}/tags/{tag_id}", s.httpUntagContact)

	s.handle("POST /companies", s.httpUpsertCompany)
	s.handle("GET /companies", s.httpListCompanies)
	s.handle("POST /companies/list", s.httpListCompaniesPost)
	s.handle("GET /companies/scroll", s.httpScrollCompanies)
	s.handle("GET /companies/{id}", s.httpGetCompany)
	s.handle("PUT /companies/{id}", s.httpUpdateCompany)
	s.handle("DELETE /companies/{id}", s.httpDeleteCompany)
	s.handle("GET /companies/{id}/contacts", s.httpCompanyContacts)

	s.handle("POST /conversations", s.httpCreateConversation)
	s.handle("GET /conversations", s.httpListConversations)
	s.handle("POST /conversations/search", s.httpSearchConversations)
	s.handle("GET /conversations/attributes", s.httpListConversationAttributes)
	s.handle("POST /conversations/attributes", s.httpCreateConversationAttribute)
	s.handle("GET /conversations/{id}", s.httpGetConversation)
	s.handle("PUT /conversations/{id}", s.httpUpdateConversation)
	s.handle("POST /conversations/{id}/reply", s.httpReply)
	s.handle("POST /conversations/{id}/parts", s.httpManage)
	s.handle("POST /conversations/{id}/tags", s.httpTagConversation)
	s.handle("DELETE /conversations/{id}/tags/{tag_id}", s.httpUntagConversation)

	s.handle("POST /messages", s.httpCreateMessage)
	s.handle("POST /custom_actions/{name}/run", s.httpRunCustomAction)

	s.handle("GET /data_attributes", s.httpListDataAttributes)
	s.handle("POST /data_attributes", s.httpCreateDataAttribute)
	s.handle("GET /tags", s.httpListTags)
	s.handle("POST /tags", s.httpCreateTag)
}
