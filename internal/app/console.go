package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/console"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// newConsole builds the admin console over the app's use cases.
func (a *App) newConsole(cfg config.Config, log *slog.Logger, now func() time.Time) (*console.Console, error) {
	var workspace atomic.Value // the Intercom app's web URL, learnt from /me
	workspace.Store("")
	return console.New(console.Config{
		UseCases:     a.UseCases,
		AdminToken:   cfg.AdminToken.Reveal(),
		Sessions:     a.Store,
		Installation: tandem.DefaultInstallation,
		Budget:       a.Budget,
		BudgetMarks:  [2]float64{cfg.Budget.BulkShare, cfg.Budget.EventShare},
		Health: []console.HealthCheck{
			{Name: "Intercom", Check: func(ctx context.Context) error {
				me, _, err := a.Intercom.Admins.Me(ctx)
				if err == nil && me.App != nil && me.App.IDCode != "" {
					workspace.Store(intercomAppURL(me.App.Region, me.App.IDCode))
				}
				if errors.Is(err, intercom.ErrUnauthorized) {
					return tandem.Errorf(tandem.EUNAUTHORIZED, "Intercom refused the access token: it was revoked, or the app was "+
						"uninstalled from the workspace. Intercom said: %v", err)
				}
				return err
			}},
			{Name: "Salesforce", Check: func(ctx context.Context) error {
				_, _, err := a.Salesforce.Limits(ctx)
				if errors.Is(err, salesforce.ErrSessionExpired) || errors.Is(err, salesforce.ErrAuth) {
					return tandem.Errorf(tandem.EUNAUTHORIZED, "Salesforce refused tandem's credentials: the token was revoked or "+
						"has expired, or the connected app lost its access. Salesforce said: %v", err)
				}
				return err
			}},
		},
		Settings: settingsOf(cfg),
		Mappings: cfg.Mappings,
		Links:    console.RecordLinks{SalesforceURL: cfg.Salesforce.URL, IntercomURL: func() string { return workspace.Load().(string) }},
		JobsUI:   a.jobsUI,
		Log:      log,
		Now:      now,
	})
}

// intercomAppURL is the web address of an Intercom workspace.
func intercomAppURL(region, id string) string {
	host := "app.intercom.com"
	switch strings.ToUpper(region) {
	case "EU":
		host = "app.eu.intercom.com"
	case "AU":
		host = "app.au.intercom.com"
	}
	return "https://" + host + "/a/apps/" + url.PathEscape(id)
}

// settingsOf lists every setting of cfg but the mappings, secrets
// redacted, each marked as set in configuration (file or environment) or
// left at its default.
func settingsOf(cfg config.Config) []console.Setting {
	set := flatten(cfg)
	defaults := flatten(config.Config{}.WithDefaults())
	out := make([]console.Setting, 0, len(set))
	for k, v := range set {
		src := "set in configuration"
		if d, ok := defaults[k]; ok && d == v {
			src = "default"
		}
		if v == "" {
			src = "not set"
		}
		out = append(out, console.Setting{Name: k, Value: v, Source: src})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// flatten renders cfg as YAML (which redacts secrets) and returns its
// leaves by dotted path.
func flatten(cfg config.Config) map[string]string {
	cfg.Mappings = nil
	b, err := yaml.Marshal(cfg.Redacted())
	out := map[string]string{}
	if err != nil {
		return out
	}
	var m map[string]any
	if yaml.Unmarshal(b, &m) != nil {
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if prefix == "" && k == "mappings" {
					continue
				}
				walk(strings.TrimPrefix(prefix+"."+k, "."), x)
			}
		case nil:
			out[prefix] = ""
		case []any:
			parts := make([]string, len(t))
			for i, x := range t {
				parts[i] = fmt.Sprint(x)
			}
			out[prefix] = strings.Join(parts, ", ")
		default:
			out[prefix] = fmt.Sprint(t)
		}
	}
	walk("", m)
	return out
}

// lagRecorder collects sync lags in memory and adds them to the database's
// histogram every few seconds, so that every replica's lags count.
type lagRecorder struct {
	mu     sync.Mutex
	counts map[store.LagCount]int
}

func (l *lagRecorder) observe(d tandem.Direction, lag time.Duration, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = map[store.LagCount]int{}
	}
	l.counts[store.LagCount{Direction: d, Minute: at.Unix() / 60, Bucket: store.LagBucket(lag)}]++
}

func (l *lagRecorder) flush(ctx context.Context, db *store.DB) error {
	l.mu.Lock()
	counts := l.counts
	l.counts = nil
	l.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	list := make([]store.LagCount, 0, len(counts))
	for k, n := range counts {
		k.Samples = n
		list = append(list, k)
	}
	return db.AddLag(ctx, tandem.DefaultInstallation, list)
}

func (a *App) now(f func() time.Time) time.Time {
	if f != nil {
		return f()
	}
	return time.Now()
}
