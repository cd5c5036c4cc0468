package panel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/usecase"
	"github.com/tandemhq/tandem/salesforce"
)

// Config is what the panel needs.
type Config struct {
	// Installation keys the identity links read (tandem.DefaultInstallation
	// when empty).
	Installation string
	Store        *store.DB
	Intercom     *intercom.Client
	Salesforce   *salesforce.Client
	UseCases     *usecase.Service
	// Mappings are the installation's attribute mappings; Create Lead's
	// form is prefilled from the Lead ones.
	Mappings []tandem.Mapping
	// CacheTTL is how long a person's records are reused (default 30 s).
	CacheTTL time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// Service builds the panel's canvases. It is safe for concurrent use.
type Service struct {
	cfg      Config
	mappings atomic.Pointer[[]tandem.Mapping] // cfg.Mappings, or those SetMappings put in force
	flight   singleflight.Group

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	recs *Records
	at   time.Time
}

// New returns a Service over cfg.
func New(cfg Config) *Service {
	if cfg.Installation == "" {
		cfg.Installation = tandem.DefaultInstallation
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.Log = cfg.Log.With(slog.String("component", "panel"))
	s := &Service{cfg: cfg, cache: map[string]cached{}}
	s.SetMappings(cfg.Mappings)
	return s
}

// SetMappings puts changed attribute mappings in force (Create Lead's
// fields follow the Lead mappings).
func (s *Service) SetMappings(ms []tandem.Mapping) { s.mappings.Store(&ms) }

// Request is one Canvas Kit request, initialize or submit.
type Request struct {
	intercom.CanvasSubmitRequest
	// PersonAttrs is the request's contact as sent, for the attribute
	// mappings that prefill Create Lead.
	PersonAttrs map[string]any
}

// state is what a canvas remembers in stored_data.
type state struct {
	View        string
	Opportunity string
}

// The panel's views.
const (
	viewHome     = "home"
	viewCases    = "cases"
	viewCaseForm = "case_form"
	viewLeadForm = "lead_form"
	viewLog      = "log"
)

func stateOf(c *intercom.Canvas) state {
	st := state{View: viewHome}
	if c == nil {
		return st
	}
	if v, _ := c.StoredData["view"].(string); v != "" {
		st.View = v
	}
	st.Opportunity, _ = c.StoredData["opportunity"].(string)
	return st
}

// person is who the panel is about.
type person struct {
	intercomID, email, name, role string
	attrs                         map[string]any
}

func personOf(r *Request) (person, bool) {
	c := r.Person()
	if c == nil || c.ID == "" {
		return person{}, false
	}
	return person{intercomID: c.ID, email: strings.TrimSpace(c.Email), name: c.Name, role: c.Role, attrs: r.PersonAttrs}, true
}

// Initialize answers an initialize request: the person's records.
func (s *Service) Initialize(ctx context.Context, r *Request) *intercom.CanvasResponse {
	p, ok := personOf(r)
	if !ok {
		return respond(state{View: viewHome}, []intercom.Component{
			intercom.TextComponent("", "Open a conversation with a person to see their Salesforce records.", "muted")})
	}
	return s.home(ctx, p, state{View: viewHome}, "")
}

// Submit answers a submit request: the component clicked decides.
func (s *Service) Submit(ctx context.Context, r *Request) *intercom.CanvasResponse {
	p, ok := personOf(r)
	if !ok {
		return s.Initialize(ctx, r)
	}
	st := stateOf(r.CurrentCanvas)
	id := r.ComponentID
	switch {
	case id == "retry":
		s.Forget(p.intercomID)
		return s.home(ctx, p, state{View: viewHome, Opportunity: st.Opportunity}, "")
	case id == "back":
		return s.home(ctx, p, state{View: viewHome, Opportunity: st.Opportunity}, "")
	case id == "opportunity":
		st.Opportunity = r.InputString("opportunity")
		return s.home(ctx, p, state{View: viewHome, Opportunity: st.Opportunity}, "")
	case strings.HasPrefix(id, "opp-"):
		return s.home(ctx, p, state{View: viewHome, Opportunity: strings.TrimPrefix(id, "opp-")}, "")
	case id == "show_cases":
		return s.casesView(ctx, p, st)
	case id == "new_case":
		return s.caseForm(ctx, r, p, st, nil, "")
	case id == "case_submit":
		return s.submitCase(ctx, r, p, st)
	case id == "create_lead":
		return s.leadForm(ctx, p, st, nil, "")
	case id == "lead_submit":
		return s.submitLead(ctx, r, p, st)
	case id == "log":
		return s.logView(ctx, r, p, st, "")
	case strings.HasPrefix(id, "log-"):
		return s.logPart(ctx, r, p, st, strings.TrimPrefix(id, "log-"))
	}
	return s.home(ctx, p, state{View: viewHome, Opportunity: st.Opportunity}, "")
}

// Forget drops a person's cached records (after an action changed them).
func (s *Service) Forget(intercomID string) {
	s.mu.Lock()
	delete(s.cache, intercomID)
	s.mu.Unlock()
}

// records returns a person's Salesforce records, from the cache when they
// are fresh. Concurrent requests for one person share one Salesforce call.
func (s *Service) records(ctx context.Context, p person) (*Records, error) {
	now := s.cfg.Now()
	s.mu.Lock()
	c, ok := s.cache[p.intercomID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.cfg.CacheTTL {
		return c.recs, nil
	}
	v, err, _ := s.flight.Do(p.intercomID, func() (any, error) {
		w, err := s.who(ctx, p)
		if err != nil {
			return nil, err
		}
		// The call is shared: one caller giving up must not fail the others.
		recs, err := fetch(context.WithoutCancel(ctx), s.cfg.Salesforce, w)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.cache[p.intercomID] = cached{recs: recs, at: s.cfg.Now()}
		s.mu.Unlock()
		return recs, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Records), nil
}

// who finds how to look a person up: their identity link, else email.
func (s *Service) who(ctx context.Context, p person) (who, error) {
	w := who{email: p.email}
	if s.cfg.Store == nil {
		return w, nil
	}
	for _, obj := range []tandem.Object{tandem.ObjectContact, tandem.ObjectLead} {
		l, err := s.cfg.Store.LinkByIntercomID(ctx, s.cfg.Installation, obj, p.intercomID)
		if store.IsNotFound(err) {
			continue
		} else if err != nil {
			return w, err
		}
		if obj == tandem.ObjectContact {
			w.contactID = l.SalesforceID
		} else {
			w.leadID = l.SalesforceID
		}
		return w, nil
	}
	return w, nil
}

// instanceURL is the base of "Open in Salesforce" links.
func (s *Service) instanceURL(ctx context.Context) string {
	u, err := s.cfg.Salesforce.InstanceURL(ctx)
	if err != nil {
		return ""
	}
	return u
}

// plain turns an error into words for a teammate.
func plain(err error) string {
	var te *tandem.Error
	if errors.As(err, &te) {
		return tandem.ErrorMessage(err)
	}
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) {
		switch {
		case sfe.StatusCode >= 500:
			return fmt.Sprintf("Salesforce is not answering right now (HTTP %d).", sfe.StatusCode)
		case sfe.StatusCode == 401:
			return "tandem could not sign in to Salesforce; its session may have expired or been revoked."
		case sfe.StatusCode == 403 || errors.Is(err, salesforce.ErrRequestLimitExceeded):
			return "Salesforce refused the request: " + sfe.Error()
		}
		if len(sfe.Errors) > 0 {
			e := sfe.Errors[0]
			if strings.HasPrefix(e.ErrorCode, "INSUFFICIENT_ACCESS") {
				return "The Salesforce user tandem signs in as lacks permission: " + e.Message
			}
			return "Salesforce said: " + e.Message + " (" + e.ErrorCode + ")."
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Salesforce took too long to answer."
	}
	return "Salesforce could not be reached: " + err.Error()
}
