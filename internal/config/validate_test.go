package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

// validConfig returns a configuration that passes Validate.
func validConfig() Config {
	return Config{
		AdminToken: "admin",
		Intercom:   Intercom{Token: "t", ClientSecret: "cs"},
		Salesforce: Salesforce{URL: "https://acme.my.salesforce.com", Token: "sf"},
	}.WithDefaults()
}

func TestValidate(t *testing.T) {
	t.Parallel()

	require.NoError(t, validConfig().Validate())

	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"listen", func(c *Config) { c.Listen = "8080" }, "listen: must be host:port, e.g. 127.0.0.1:8080"},
		{"data dir", func(c *Config) { c.DataDir = "" }, "data_dir: required"},
		{"database url", func(c *Config) { c.DatabaseURL = "mysql://x" }, "database_url: must be a postgres:// or postgresql:// URL"},
		{"admin token", func(c *Config) { c.AdminToken = "" }, "admin_token: required (set TANDEM_ADMIN_TOKEN)"},
		{"intercom url", func(c *Config) { c.Intercom.URL = "api.intercom.io" }, `intercom.url: must be an http(s) URL, not "api.intercom.io"`},
		{"intercom token", func(c *Config) { c.Intercom.Token = "" }, "intercom.token: required"},
		{"intercom client secret", func(c *Config) { c.Intercom.ClientSecret = "" }, "intercom.client_secret: required"},
		{"intercom version", func(c *Config) { c.Intercom.Version = "" }, "intercom.version: required"},
		{"no salesforce auth", func(c *Config) { c.Salesforce.Token = "" },
			"salesforce: no complete authentication: set token, or client_id and client_secret, or client_id and refresh_token, or client_id, username and private_key_file"},
		{"jwt half done", func(c *Config) { c.Salesforce.Token = ""; c.Salesforce.Username = "u" },
			"(jwt lacks client_id and private_key_file)"},
		{"client id missing", func(c *Config) { c.Salesforce.Token = ""; c.Salesforce.ClientSecret = "x" }, "(client_id is missing)"},
		{"client id alone", func(c *Config) { c.Salesforce.Token = ""; c.Salesforce.ClientID = "x" }, "(client_id alone is not enough)"},
		{"two auth modes", func(c *Config) { c.Salesforce.ClientID = "x"; c.Salesforce.RefreshToken = "r" },
			"salesforce: more than one complete authentication (token and refresh_token): keep the settings of one"},
		{"token without url", func(c *Config) { c.Salesforce.URL = "" }, "salesforce.url: required with a token"},
		{"client credentials without url", func(c *Config) {
			c.Salesforce = Salesforce{ClientID: "x", ClientSecret: "y", APIVersion: "62.0"}
		}, "salesforce.url: required with client credentials"},
		{"bad salesforce url", func(c *Config) { c.Salesforce.URL = "ftp://x" }, `salesforce.url: must be an http(s) URL, not "ftp://x"`},
		{"api version", func(c *Config) { c.Salesforce.APIVersion = "v62" }, `salesforce.api_version: must look like 62.0, not "v62"`},
		{"poll interval", func(c *Config) { c.Sync.PollInterval = -1 }, "sync.poll_interval: must be positive, got -1ns"},
		{"poll overlap", func(c *Config) { c.Sync.PollOverlap = -1 }, "sync.poll_overlap: must not be negative"},
		{"reconcile interval", func(c *Config) { c.Sync.ReconcileInterval = -1 }, "sync.reconcile_interval: must be positive"},
		{"bulk memory", func(c *Config) { c.Sync.BulkMemoryMB = -1 }, "sync.bulk_memory_mb: must be positive"},
		{"people match", func(c *Config) { c.Sync.PeopleMatch = "phone" }, `sync.people_match: must be email or external_id, not "phone"`},
		{"external id field", func(c *Config) { c.Sync.PeopleMatch = "external_id" }, "sync.people_external_id_field: required when people_match is external_id"},
		{"company match field", func(c *Config) { c.Sync.CompanyMatchField = "" }, "sync.company_match_field: required"},
		{"placeholder", func(c *Config) { c.Sync.Placeholder = "" }, "sync.placeholder: required"},
		{"ownership direction", func(c *Config) { c.Ownership.Direction = "both" }, `ownership.direction: must be to_salesforce or to_intercom, not "both"`},
		{"ownership fallback", func(c *Config) { c.Ownership.Fallback = "queue" }, `ownership.fallback: must be api_user or assignment_rule, not "queue"`},
		{"budget cap", func(c *Config) { c.Budget.DailySalesforceCalls = -5 }, "budget.daily_salesforce_calls: must not be negative"},
		{"bulk share", func(c *Config) { c.Budget.BulkShare = 1.5 }, "budget.bulk_share: must be above 0 and at most 1, got 1.5"},
		{"event share", func(c *Config) { c.Budget.EventShare = -0.1 }, "budget.event_share: must be above 0 and at most 1, got -0.1"},
		{"shares ordered", func(c *Config) { c.Budget.BulkShare = 0.9 }, "budget.bulk_share: must not exceed event_share (0.8)"},
		{"mapping object", func(c *Config) { c.Mappings[1].Object = "deal" }, `mappings[1].object: must be lead, contact or account, not "deal"`},
		{"mapping intercom", func(c *Config) { c.Mappings[0].Intercom = " " }, "mappings[0].intercom: required"},
		{"mapping salesforce", func(c *Config) { c.Mappings[0].Salesforce = "" }, "mappings[0].salesforce: required"},
		{"mapping direction", func(c *Config) { c.Mappings[2].Direction = "both" }, "mappings[2].direction: must be to_salesforce or to_intercom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			tt.mutate(&c)
			err := c.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			require.Len(t, strings.Split(err.Error(), "\n"), 1, "only the one problem: %v", err)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()

	err := Config{}.Validate()
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Greater(t, len(lines), 10, "%v", err)
	require.Equal(t, "listen: must be host:port, e.g. 127.0.0.1:8080 (missing port in address)", lines[0])
}

func TestAuthMode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		s    Salesforce
		want string
	}{
		{Salesforce{}, ""},
		{Salesforce{Token: "t"}, AuthToken},
		{Salesforce{ClientID: "c", ClientSecret: "s"}, AuthClientCredentials},
		{Salesforce{ClientID: "c", RefreshToken: "r"}, AuthRefreshToken},
		{Salesforce{ClientID: "c", ClientSecret: "s", RefreshToken: "r"}, AuthRefreshToken},
		{Salesforce{ClientID: "c", Username: "u", PrivateKeyFile: "k"}, AuthJWT},
		{Salesforce{ClientID: "c", ClientSecret: "s", Username: "u", PrivateKeyFile: "k"}, AuthJWT},
		{Salesforce{ClientID: "c", ClientSecret: "s", Username: "u"}, ""},
		{Salesforce{ClientSecret: "s", RefreshToken: "r"}, ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.s.AuthMode(), "%+v", tt.s)
	}
}

func TestWithDefaultsKeepsValues(t *testing.T) {
	t.Parallel()

	c := Config{Ownership: Ownership{Direction: tandem.ToIntercom}, Salesforce: Salesforce{ClientID: "c", RefreshToken: "r", URL: "https://test.salesforce.com"}}.WithDefaults()
	require.Equal(t, tandem.ToIntercom, c.Ownership.Direction)
	require.Equal(t, "https://test.salesforce.com", c.Salesforce.URL)

	c = Config{Salesforce: Salesforce{Token: "t"}}.WithDefaults()
	require.Empty(t, c.Salesforce.URL, "a token needs the instance URL; no login URL is assumed")
}
