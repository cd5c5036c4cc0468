package app

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
		Choices: a.fieldChoices,
		Links:   console.RecordLinks{SalesforceURL: cfg.Salesforce.URL, IntercomURL: func() string { return workspace.Load().(string) }},
		JobsUI:  a.jobsUI,
		Log:     log,
		Now:     now,
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

// fieldChoices lists the fields and attributes of the schema the engine's
// mappings were checked against, for the settings page's mapping table.
func (a *App) fieldChoices() console.FieldChoices {
	schema := a.Syncer.Settings().Schema
	out := console.FieldChoices{Intercom: map[string][]string{}, Salesforce: map[string][]string{}}
	for model, attrs := range schema.Intercom {
		for name := range attrs {
			out.Intercom[model] = append(out.Intercom[model], name)
			out.Intercom["all"] = append(out.Intercom["all"], name)
		}
	}
	for _, obj := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount} {
		for name := range schema.Salesforce[obj.SObject()] {
			out.Salesforce[string(obj)] = append(out.Salesforce[string(obj)], name)
			out.Salesforce["all"] = append(out.Salesforce["all"], name)
		}
	}
	for _, m := range []map[string][]string{out.Intercom, out.Salesforce} {
		for k, names := range m {
			slices.Sort(names)
			m[k] = slices.Compact(names)
		}
	}
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
