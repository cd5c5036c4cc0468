package intercomsim

import (
	"embed"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The inbox page: GET /inbox is a small teammate inbox — conversations on
// the left, the selected one in the middle, the person and the inbox app
// on the right. The app's canvas is rendered in the browser from the
// canvases the app returns to signed initialize and submit requests, which
// the simulator sends exactly as Intercom does (see CanvasInitialize and
// CanvasSubmit). Like Intercom's web app, the page needs no API token.

//go:embed inbox
var inboxFiles embed.FS

var inboxPage = template.Must(template.New("inbox.html").Funcs(template.FuncMap{
	"when": func(t int64) string { return time.Unix(t, 0).UTC().Format("2 Jan 15:04") },
}).ParseFS(inboxFiles, "inbox/inbox.html"))

// inboxApp is the Canvas Kit app shown beside conversations.
type inboxApp struct {
	mu                       sync.Mutex
	initializeURL, submitURL string
}

// SetCanvasApp configures the inbox app the inbox page shows: the URLs
// Intercom's Developer Hub calls the initialize and submit URLs ("For
// teammates", "Add to conversation details"). Empty URLs remove it.
func (s *Server) SetCanvasApp(initializeURL, submitURL string) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	s.inbox.initializeURL, s.inbox.submitURL = initializeURL, submitURL
}

func (s *Server) canvasApp() (string, string) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	return s.inbox.initializeURL, s.inbox.submitURL
}

type inboxConv struct {
	ID, Person, Email, Snippet, State string
	UpdatedAt                         int64
	Selected                          bool
}

type inboxPart struct {
	Kind, Author, Body string // Kind: customer, teammate, note, event
	At                 int64
}

type inboxPerson struct {
	ID, Name, Email, Role, Phone, Owner string
	Companies                           []string
}

type inboxData struct {
	Workspace     string
	Conversations []inboxConv
	Selected      *inboxConv
	Parts         []inboxPart
	Person        *inboxPerson
	AdminID       string
	AdminName     string
	AppConfigured bool
}

func (s *Server) serveInbox(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/inbox":
		s.inboxPage(w, r, false)
	case r.Method == http.MethodGet && r.URL.Path == "/inbox/thread":
		s.inboxPage(w, r, true)
	case r.Method == http.MethodGet && (r.URL.Path == "/inbox/inbox.js" || r.URL.Path == "/inbox/inbox.css"):
		b, _ := inboxFiles.ReadFile(strings.TrimPrefix(r.URL.Path, "/"))
		ct := "text/css; charset=utf-8"
		if strings.HasSuffix(r.URL.Path, ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(b)
	case r.Method == http.MethodPost && (r.URL.Path == "/inbox/canvas/initialize" || r.URL.Path == "/inbox/canvas/submit"):
		s.inboxCanvas(w, r, strings.HasSuffix(r.URL.Path, "/submit"))
	default:
		http.NotFound(w, r)
	}
}

// inboxPage renders the page, or only its conversation thread.
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, threadOnly bool) {
	init, _ := s.canvasApp()
	d := inboxData{Workspace: s.opts.WorkspaceID, AppConfigured: init != ""}
	sel := r.URL.Query().Get("conversation")
	s.mu.Lock()
	if a := s.findAdmin(r.URL.Query().Get("admin")); a != nil {
		d.AdminID, d.AdminName = a.ID, a.Name
	} else if len(s.admins) > 0 {
		d.AdminID, d.AdminName = s.admins[0].ID, s.admins[0].Name
	}
	convs := slices.Clone(s.convList)
	slices.SortStableFunc(convs, func(a, b *conversation) int {
		if a.State != b.State { // open first
			if a.State == "open" {
				return -1
			} else if b.State == "open" {
				return 1
			}
		}
		return int(b.UpdatedAt - a.UpdatedAt)
	})
	for _, c := range convs {
		ic := inboxConv{ID: c.ID, State: c.State, UpdatedAt: c.UpdatedAt, Snippet: snippet(plainText(c.Body), 80), Selected: c.ID == sel}
		if len(c.ContactIDs) > 0 {
			if p := s.contacts[c.ContactIDs[0]]; p != nil {
				ic.Person, ic.Email = p.Name, p.Email
			}
		}
		if ic.Person == "" {
			ic.Person = ic.Email
		}
		if ic.Person == "" {
			ic.Person = "Unknown visitor"
		}
		d.Conversations = append(d.Conversations, ic)
		if ic.Selected {
			selected := ic
			d.Selected = &selected
			d.Parts, d.Person = s.inboxThread(c)
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	name := "page"
	if threadOnly {
		name = "thread"
	}
	if err := inboxPage.ExecuteTemplate(w, name, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// inboxThread lists a conversation's messages and the person it is with.
// Callers hold s.mu.
func (s *Server) inboxThread(c *conversation) ([]inboxPart, *inboxPerson) {
	author := func(typ, id string) string {
		m := s.renderAuthor(typ, id)
		if n, ok := m["name"].(string); ok && n != "" {
			return n
		}
		e, _ := m["email"].(string)
		return e
	}
	kindOf := func(typ string) string {
		if typ == "admin" || typ == "bot" || typ == "team" {
			return "teammate"
		}
		return "customer"
	}
	parts := []inboxPart{{Kind: kindOf(c.AuthorType), Author: author(c.AuthorType, c.AuthorID), Body: plainText(c.Body), At: c.CreatedAt}}
	for _, p := range c.Parts {
		ip := inboxPart{Author: author(p.AuthorType, p.AuthorID), Body: plainText(p.Body), At: p.CreatedAt}
		switch p.PartType {
		case "comment":
			ip.Kind = kindOf(p.AuthorType)
		case "note":
			ip.Kind = "note"
		default:
			ip.Kind, ip.Body = "event", strings.ReplaceAll(p.PartType, "_", " ")
		}
		parts = append(parts, ip)
	}
	var person *inboxPerson
	if len(c.ContactIDs) > 0 {
		if p := s.contacts[c.ContactIDs[0]]; p != nil {
			person = &inboxPerson{ID: p.ID, Name: p.Name, Email: p.Email, Role: p.Role, Phone: p.Phone}
			if a := s.findAdmin(p.OwnerID); a != nil {
				person.Owner = a.Name
			}
			for _, id := range p.CompanyIDs {
				if co := s.companies[id]; co != nil && !co.deleted {
					person.Companies = append(person.Companies, co.Name)
				}
			}
		}
	}
	return parts, person
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// inboxCanvasRequest is what the inbox page posts to have the simulator
// call the app.
type inboxCanvasRequest struct {
	ConversationID string          `json:"conversation_id"`
	AdminID        string          `json:"admin_id"`
	ComponentID    string          `json:"component_id"`
	InputValues    map[string]any  `json:"input_values"`
	CurrentCanvas  json.RawMessage `json:"current_canvas"`
}

// inboxCanvas sends the signed Canvas Kit request for the page and answers
// the canvas, or an error the page shows as Intercom does.
func (s *Server) inboxCanvas(w http.ResponseWriter, r *http.Request, submit bool) {
	var in inboxCanvasRequest
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid request: " + err.Error()})
		return
	}
	initURL, submitURL := s.canvasApp()
	if initURL == "" {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "No inbox app is configured (SetCanvasApp)."})
		return
	}
	var canvas json.RawMessage
	var err error
	if submit {
		canvas, err = s.CanvasSubmit(r.Context(), submitURL, in.ConversationID, in.AdminID, in.ComponentID, in.InputValues, in.CurrentCanvas)
	} else {
		canvas, err = s.CanvasInitialize(r.Context(), initURL, in.ConversationID, in.AdminID)
	}
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]any{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"canvas": canvas})
}
