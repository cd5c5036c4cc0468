package intercomsim

import (
	"net/http"
	"time"
)

// Options configures a Server. The zero value is usable: every field has a
// default applied by New.
type Options struct {
	// Token is the bearer token the simulator accepts. Default "test-token".
	Token string
	// ClientSecret signs outgoing webhooks (X-Hub-Signature) and Canvas Kit
	// requests (X-Body-Signature). Default "test-secret".
	ClientSecret string
	// Now is the simulator's clock. Default time.Now.
	Now func() time.Time
	// RateLimit is the number of requests allowed per token and window.
	// Default 10000.
	RateLimit int
	// RateWindow is the length of the fixed rate-limit window. Intercom
	// enforces its limits in 10-second windows, the default.
	RateWindow time.Duration
	// DefaultVersion is the API version used when a request carries no
	// Intercom-Version header, and the version of webhook payloads.
	// Default "2.14".
	DefaultVersion string
	// HTTPClient delivers webhooks and Canvas Kit requests. Default a client
	// with a 5 second timeout (Intercom's webhook deadline).
	HTTPClient *http.Client
	// WebhookRetryDelays are the waits before each redelivery of a failed
	// webhook; the number of entries is the number of retries. Default one
	// retry after one minute, as Intercom does. Tests use short delays.
	WebhookRetryDelays []time.Duration
	// Location is the workspace time zone used by the day-granular date
	// comparisons of search. Default UTC.
	Location *time.Location
	// WorkspaceID is the workspace (app) id. Default "tandemsim".
	WorkspaceID string
	// AppPackageCode is the package code of the app whose access token the
	// simulator accepts; conversation parts created through the REST API
	// carry it as app_package_code. Default "tandem".
	AppPackageCode string
}

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = "test-token"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "test-secret"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 10000
	}
	if o.RateWindow <= 0 {
		o.RateWindow = 10 * time.Second
	}
	if o.DefaultVersion == "" {
		o.DefaultVersion = "2.14"
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if o.WebhookRetryDelays == nil {
		o.WebhookRetryDelays = []time.Duration{time.Minute}
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.WorkspaceID == "" {
		o.WorkspaceID = "tandemsim"
	}
	if o.AppPackageCode == "" {
		o.AppPackageCode = "tandem"
	}
	return o
}
