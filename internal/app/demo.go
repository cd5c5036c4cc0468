package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// DemoToken is the access token of both simulators and the admin token of
// the bridge in demo mode.
const DemoToken = "demo"

// DemoOptions configure a demo: both simulators and the bridge in one
// process.
type DemoOptions struct {
	Listen           string // bridge address (127.0.0.1:0 picks a port)
	IntercomListen   string
	SalesforceListen string
	DataDir          string // SQLite lives here unless DatabaseURL is set
	DatabaseURL      string
	PollInterval     time.Duration
	// Seed loads the demo data set (overlapping people and companies, some
	// on one side only) before the bridge starts.
	Seed bool
	// NoWebhooks leaves Intercom without a webhook subscription (tests of
	// the bulk sync and the poller alone).
	NoWebhooks bool
	// Ownership turns "maintain lead and account ownership" on.
	Ownership bool
	Log       *slog.Logger
	Options   Options
	// Configure, when set, may adjust the bridge configuration before it is
	// built.
	Configure func(*config.Config)
}

// Demo is a running demo environment.
type Demo struct {
	App           *App
	Intercom      *intercomsim.Server
	Salesforce    *sfsim.Server
	URL           string // the bridge
	IntercomURL   string
	SalesforceURL string
	Config        config.Config

	servers []*http.Server
}

// StartDemo starts the Intercom and Salesforce simulators, seeds them,
// points Intercom's webhooks at the bridge and starts the bridge against
// both. Close stops everything.
func StartDemo(ctx context.Context, o DemoOptions) (*Demo, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval == 0 {
		o.PollInterval = 5 * time.Second
	}
	d := &Demo{}
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()

	// The bridge's listener comes first so the webhook subscription can
	// name its URL.
	bridgeLn, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", o.Listen, err)
	}
	d.URL = "http://" + bridgeLn.Addr().String()

	d.Salesforce = sfsim.New(sfsim.Options{Token: DemoToken, CustomFields: sfsim.DefaultCustomFields()})
	if d.SalesforceURL, err = d.serve(o.SalesforceListen, d.Salesforce); err != nil {
		bridgeLn.Close()
		return nil, err
	}
	d.Intercom = intercomsim.New(intercomsim.Options{Token: DemoToken, ClientSecret: DemoToken,
		WebhookRetryDelays: []time.Duration{time.Second, 5 * time.Second}})
	if d.IntercomURL, err = d.serve(o.IntercomListen, d.Intercom); err != nil {
		bridgeLn.Close()
		return nil, err
	}
	for _, a := range []struct{ model, name, typ string }{
		{"contact", "plan", "string"}, {"contact", "job_title", "string"}, {"contact", "sf_lead_status", "string"},
	} {
		if err := d.Intercom.DefineDataAttribute(a.model, a.name, a.typ); err != nil {
			bridgeLn.Close()
			return nil, fmt.Errorf("define Intercom data attribute %s: %w", a.name, err)
		}
	}
	if o.Seed {
		if err := seedDemo(d.Intercom, d.Salesforce); err != nil {
			bridgeLn.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
	}
	if !o.NoWebhooks {
		d.Intercom.Subscribe(d.URL+"/intercom/webhooks", nil)
	}

	cfg := config.Config{
		Listen:      bridgeLn.Addr().String(),
		DataDir:     o.DataDir,
		DatabaseURL: config.Secret(o.DatabaseURL),
		AdminToken:  DemoToken,
		Intercom:    config.Intercom{URL: d.IntercomURL, Token: DemoToken, ClientSecret: DemoToken, Version: "2.16"},
		Salesforce:  config.Salesforce{URL: d.SalesforceURL, Token: DemoToken},
		Sync:        config.Sync{PollInterval: o.PollInterval, PollOverlap: 2 * time.Second},
		// The demo's Intercom owners are the teammates who own the records in
		// Salesforce: owners follow Intercom from the first link on.
		Ownership: config.Ownership{Enabled: o.Ownership, OnFirstLink: tandem.Overwrite},
		// Conversations become Tasks on the person's Contact or Lead; the
		// simulated org has the Task external id field.
		ActionsToken: DemoToken,
		Tasks:        config.Tasks{Enabled: true, OnStarted: true, ExternalIDField: "Intercom_Conversation_Id__c"},
	}.WithDefaults()
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		bridgeLn.Close()
		return nil, err
	}
	d.Config = cfg
	if d.App, err = New(ctx, cfg, o.Log, o.Options); err != nil {
		bridgeLn.Close()
		return nil, err
	}
	if err := d.App.StartOn(ctx, bridgeLn); err != nil {
		return nil, err
	}
	ok = true
	return d, nil
}

func (d *Demo) serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	d.servers = append(d.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops the bridge and the simulators.
func (d *Demo) Close() error {
	var errs []error
	if d.App != nil {
		errs = append(errs, d.App.Close())
	}
	if d.Intercom != nil {
		d.Intercom.Close()
	}
	for _, s := range d.servers {
		errs = append(errs, shutdown(s, 2*time.Second))
	}
	return errors.Join(errs...)
}

// PrintURLs writes where everything runs and how to try it.
func (d *Demo) PrintURLs(w io.Writer) {
	fmt.Fprintf(w, "tandem demo is running (every token is %q)\n\n", DemoToken)
	fmt.Fprintf(w, "  bridge               %s  (admin API: Authorization: Bearer %s)\n", d.URL, DemoToken)
	fmt.Fprintf(w, "  Intercom simulator   %s\n", d.IntercomURL)
	fmt.Fprintf(w, "  Salesforce simulator %s  (REST under /services/data/v62.0)\n", d.SalesforceURL)
	fmt.Fprintf(w, "  metrics              %s/metrics\n\n", d.URL)
	fmt.Fprintf(w, "Try:\n")
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' %s/api/v1/links\n", d.URL)
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' %s/contacts | head\n", d.IntercomURL)
	fmt.Fprintf(w, "  curl -s -X PUT -H 'Authorization: Bearer demo' -H 'Content-Type: application/json' \\\n")
	fmt.Fprintf(w, "       -d '{\"phone\":\"+1 415 555 0199\"}' %s/contacts/CONTACT_ID\n", d.IntercomURL)
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' '%s/services/data/v62.0/query?q=SELECT+Id,Email,Phone,Title+FROM+Contact'\n\n", d.SalesforceURL)
}
