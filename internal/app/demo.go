package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
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
	// Cases turns every Case trigger on (conversation started and closed,
	// the salesforce-case tag, the Custom Action), with the conversation
	// attribute product_area mapped to Case.Product_Area__c and Cases
	// upserted on Case.Intercom_Conversation_Id__c.
	Cases bool
	// Inbox adds, with Seed, conversations for the Intercom simulator's
	// inbox page (the simulators' Northwind fixtures and a few demo people;
	// see seedDemoInbox). The inbox page always shows the bridge's panel.
	Inbox   bool
	Log     *slog.Logger
	Options Options
	// Configure, when set, may adjust the bridge configuration before it is
	// built.
	Configure func(*config.Config)
	// SaveInterval is how often the simulators' state is saved to DataDir
	// while the demo runs (default 10 s). See StartDemo.
	SaveInterval time.Duration
	// IntercomRateWindow is the Intercom simulator's rate-limit window
	// (default 10 s, as Intercom's). Tests of rate-limit faults shorten it,
	// so that a 429 is waited out in a moment.
	IntercomRateWindow time.Duration
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
	// Restored reports that the simulators were restored from snapshots in
	// the data directory rather than seeded.
	Restored bool
	// InboxConversations are the conversations DemoOptions.Inbox seeded,
	// by the person's email ("visitor" for the one without).
	InboxConversations map[string]string

	servers  []*http.Server
	log      *slog.Logger
	stateDir string // where the simulators' snapshots are saved; "" before StartDemo succeeds
	saveMu   sync.Mutex
	stopSave chan struct{}
	saveDone chan struct{}
}

// The simulators' snapshots in a demo's data directory.
const (
	IntercomStateFile   = "intercom-simulator.json"
	SalesforceStateFile = "salesforce-simulator.json"
)

// StartDemo starts the Intercom and Salesforce simulators, seeds them,
// points Intercom's webhooks at the bridge and starts the bridge against
// both. Close stops everything.
//
// With a DataDir, the simulators outlive the process as the bridge's
// SQLite database does: when DataDir holds both simulators' snapshots
// (IntercomStateFile, SalesforceStateFile) from an earlier run, they are
// restored instead of seeded; their state is saved there after seeding,
// every SaveInterval while the demo runs and on Close, each file replaced
// atomically, so a killed demo loses at most the last SaveInterval of
// simulator changes.
func StartDemo(ctx context.Context, o DemoOptions) (*Demo, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval == 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.SaveInterval <= 0 {
		o.SaveInterval = 10 * time.Second
	}
	d := &Demo{log: o.Log}
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
		WebhookRetryDelays: []time.Duration{time.Second, 5 * time.Second}, RateWindow: o.IntercomRateWindow})
	if d.IntercomURL, err = d.serve(o.IntercomListen, d.Intercom); err != nil {
		bridgeLn.Close()
		return nil, err
	}
	if o.DataDir != "" {
		if d.Restored, err = d.loadSimulators(o.DataDir); err != nil {
			bridgeLn.Close()
			return nil, err
		}
	}
	switch {
	case d.Restored:
	case o.Seed:
		err = seedDemo(d.Intercom, d.Salesforce)
		if err == nil && o.Inbox {
			d.InboxConversations, err = seedDemoInbox(d.Intercom, d.Salesforce)
		}
	default:
		err = defineDemoAttributes(d.Intercom)
	}
	if err != nil {
		bridgeLn.Close()
		return nil, fmt.Errorf("seed demo data: %w", err)
	}
	// A restored workspace still names the bridge of the earlier run.
	for _, sub := range d.Intercom.Subscriptions() {
		d.Intercom.Unsubscribe(sub.ID)
	}
	if !o.NoWebhooks {
		d.Intercom.Subscribe(d.URL+"/intercom/webhooks", nil)
	}
	d.Intercom.SetCanvasApp(d.URL+"/intercom/canvas/initialize", d.URL+"/intercom/canvas/submit")
	if o.DataDir != "" && !d.Restored {
		if err := saveSimulators(o.DataDir, d.Intercom, d.Salesforce); err != nil {
			bridgeLn.Close()
			return nil, err
		}
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
	cfg.ActionsToken = DemoToken
	if o.Cases {
		cfg.Cases.Enabled, cfg.Cases.OnStarted, cfg.Cases.OnClosed = true, true, true
		cfg.Cases.ExternalIDField = "Intercom_Conversation_Id__c"
		cfg.Cases.Mappings = []config.CaseMapping{{Conversation: "product_area", Salesforce: "Product_Area__c"}}
	}
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
	if o.DataDir != "" {
		d.stateDir = o.DataDir
		d.stopSave, d.saveDone = make(chan struct{}), make(chan struct{})
		go d.saveEvery(o.SaveInterval)
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

// Close stops the bridge and the simulators, then saves the simulators'
// state when the demo has a data directory.
func (d *Demo) Close() error {
	var errs []error
	if d.stopSave != nil {
		close(d.stopSave)
		<-d.saveDone
		d.stopSave = nil
	}
	if d.App != nil {
		errs = append(errs, d.App.Close())
	}
	if d.Intercom != nil {
		d.Intercom.Close()
	}
	for _, s := range d.servers {
		errs = append(errs, shutdown(s, 2*time.Second))
	}
	d.saveMu.Lock()
	if d.stateDir != "" {
		errs = append(errs, saveSimulators(d.stateDir, d.Intercom, d.Salesforce))
		d.stateDir = ""
	}
	d.saveMu.Unlock()
	return errors.Join(errs...)
}

// Save writes both simulators' snapshots to the data directory now. It
// does nothing for a demo without one.
func (d *Demo) Save() error {
	d.saveMu.Lock()
	defer d.saveMu.Unlock()
	if d.stateDir == "" {
		return nil
	}
	return saveSimulators(d.stateDir, d.Intercom, d.Salesforce)
}

// saveEvery saves the simulators every interval until Close.
func (d *Demo) saveEvery(interval time.Duration) {
	defer close(d.saveDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-d.stopSave:
			return
		case <-t.C:
			if err := d.Save(); err != nil {
				d.log.Warn("save the simulators' state", slog.Any("err", err))
			}
		}
	}
}

// loadSimulators restores both simulators from the snapshots in dir and
// reports whether there were any. A lone snapshot (a first save cut short)
// is ignored with a warning: the demo starts afresh.
func (d *Demo) loadSimulators(dir string) (bool, error) {
	icPath, sfPath := filepath.Join(dir, IntercomStateFile), filepath.Join(dir, SalesforceStateFile)
	icOK, err := fileExists(icPath)
	if err != nil {
		return false, err
	}
	sfOK, err := fileExists(sfPath)
	if err != nil {
		return false, err
	}
	if !icOK || !sfOK {
		if icOK || sfOK {
			d.log.Warn("only one simulator snapshot in the data directory; seeding both simulators afresh", slog.String("dir", dir))
		}
		return false, nil
	}
	if err := loadFile(icPath, d.Intercom.LoadState); err != nil {
		return false, fmt.Errorf("restore the Intercom simulator from %s: %w (remove the file to start afresh)", icPath, err)
	}
	if err := loadFile(sfPath, d.Salesforce.LoadState); err != nil {
		return false, fmt.Errorf("restore the Salesforce simulator from %s: %w (remove the file to start afresh)", sfPath, err)
	}
	return true, nil
}

// saveSimulators writes both simulators' snapshots to dir.
func saveSimulators(dir string, ic *intercomsim.Server, sf *sfsim.Server) error {
	if err := writeFileAtomic(dir, IntercomStateFile, ic.SaveState); err != nil {
		return fmt.Errorf("save the Intercom simulator: %w", err)
	}
	if err := writeFileAtomic(dir, SalesforceStateFile, sf.SaveState); err != nil {
		return fmt.Errorf("save the Salesforce simulator: %w", err)
	}
	return nil
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func loadFile(path string, load func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return load(bufio.NewReader(f))
}

// writeFileAtomic writes dir/name through a temporary file in dir that
// replaces name only once it is complete and synced, so a crash leaves the
// old file or the new one, never a torn one.
func writeFileAtomic(dir, name string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriter(f)
	if err = write(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	// Make the rename itself durable where the platform allows it.
	if dirf, derr := os.Open(dir); derr == nil {
		_ = dirf.Sync()
		dirf.Close()
	}
	return nil
}

// PrintURLs writes where everything runs and how to try it.
func (d *Demo) PrintURLs(w io.Writer) {
	fmt.Fprintf(w, "tandem demo is running (every token is %q)\n\n", DemoToken)
	fmt.Fprintf(w, "  admin console        %s/admin/  (sign in with %q)\n", d.URL, DemoToken)
	fmt.Fprintf(w, "  bridge               %s  (admin API: Authorization: Bearer %s)\n", d.URL, DemoToken)
	fmt.Fprintf(w, "  Intercom simulator   %s\n", d.IntercomURL)
	fmt.Fprintf(w, "  inbox (the panel)    %s/inbox\n", d.IntercomURL)
	fmt.Fprintf(w, "  Salesforce simulator %s  (REST under /services/data/v62.0)\n", d.SalesforceURL)
	fmt.Fprintf(w, "  metrics              %s/metrics\n\n", d.URL)
	if d.Restored {
		fmt.Fprintf(w, "The simulators were restored from %s, as the last run left them.\n\n", d.Config.DataDir)
	}
	fmt.Fprintf(w, "Try:\n")
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' %s/api/v1/links\n", d.URL)
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' %s/contacts | head\n", d.IntercomURL)
	fmt.Fprintf(w, "  curl -s -X PUT -H 'Authorization: Bearer demo' -H 'Content-Type: application/json' \\\n")
	fmt.Fprintf(w, "       -d '{\"phone\":\"+1 415 555 0199\"}' %s/contacts/CONTACT_ID\n", d.IntercomURL)
	fmt.Fprintf(w, "  curl -s -H 'Authorization: Bearer demo' '%s/services/data/v62.0/query?q=SELECT+Id,Email,Phone,Title+FROM+Contact'\n\n", d.SalesforceURL)
}
