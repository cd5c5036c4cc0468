package console

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/usecase"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Prefix is where the console is mounted.
const Prefix = "/admin/"

// HealthCheck is a cheap call that tells whether one connection works.
type HealthCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// RecordLinks build the links to records in both systems.
type RecordLinks struct {
	// SalesforceURL is the org's instance URL; records open in Lightning.
	SalesforceURL string
	// IntercomURL returns the workspace's web app URL, such as
	// https://app.intercom.com/a/apps/APP_ID, once it is known; while it
	// returns "" (or is nil) ids show without links.
	IntercomURL func() string
}

// Config holds the console's dependencies.
type Config struct {
	UseCases   *usecase.Service
	AdminToken string
	Sessions   SessionStore
	// Installation keys the sessions (tandem.DefaultInstallation when empty).
	Installation string
	Budget       *budget.Budget
	// BudgetMarks are the shares of the 24-hour budget at which bulk work
	// and then event sync pause.
	BudgetMarks [2]float64
	Health      []HealthCheck
	// Choices lists the fields and attributes the mapping table offers
	// (nil: free text only).
	Choices func() FieldChoices
	Links   RecordLinks
	// JobsUI, when set, is River's UI, mounted under /admin/jobs/river/
	// (its base path must be that) and served only within a session; see
	// riverUI for how its actions are protected against forgery.
	JobsUI http.Handler
	Log    *slog.Logger
	Now    func() time.Time
	// SessionTTL is how long a session lasts (12 hours when zero).
	SessionTTL time.Duration
}

// Console serves the admin console.
type Console struct {
	cfg      Config
	pages    map[string]*template.Template
	mux      *http.ServeMux
	throttle *throttle
	health   *healthCache
}

// New builds the console.
func New(cfg Config) (*Console, error) {
	if cfg.Installation == "" {
		cfg.Installation = tandem.DefaultInstallation
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	c := &Console{cfg: cfg, throttle: newThrottle(5, 15*time.Minute, cfg.Now),
		health: newHealthCache(cfg.Health, 10*time.Second, cfg.Now)}
	if err := c.parseTemplates(); err != nil {
		return nil, err
	}
	c.mux = c.routes()
	return c, nil
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

func (c *Console) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	c.pages = map[string]*template.Template{}
	for _, n := range names {
		base := n[len("templates/"):]
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(c.funcs()).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("console template %s: %w", base, err)
		}
		c.pages[base[:len(base)-len(".html")]] = t
	}
	return nil
}
