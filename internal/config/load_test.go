package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
)

// env is a fake environment.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// minimalEnv is the smallest environment that validates.
func minimalEnv() env {
	return env{
		"TANDEM_ADMIN_TOKEN":            "admin-secret",
		"TANDEM_INTERCOM_TOKEN":         "ic-token",
		"TANDEM_INTERCOM_CLIENT_SECRET": "ic-client-secret",
		"TANDEM_SALESFORCE_URL":         "https://acme.my.salesforce.com",
		"TANDEM_SALESFORCE_TOKEN":       "sf-token",
	}
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()

	c, err := Load(minimalEnv().get, "")
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Listen)
	require.Equal(t, "./data", c.DataDir)
	require.Equal(t, Secret(""), c.DatabaseURL)
	require.Equal(t, "https://api.intercom.io", c.Intercom.URL)
	require.Equal(t, "2.14", c.Intercom.Version)
	require.Equal(t, "62.0", c.Salesforce.APIVersion)
	require.False(t, c.Salesforce.AutoAssign)
	require.Equal(t, AuthToken, c.Salesforce.AuthMode())
	require.Equal(t, Sync{
		PollInterval: 60 * time.Second, PollOverlap: 2 * time.Minute, ReconcileInterval: 10 * time.Minute,
		PeopleMatch: "email", CompanyMatchField: "AccountNumber", Placeholder: "[not provided]", BulkMemoryMB: 56,
	}, c.Sync)
	require.Equal(t, Ownership{Direction: tandem.ToSalesforce, Fallback: "api_user", OnFirstLink: tandem.FillBlanks}, c.Ownership)
	require.Equal(t, Budget{BulkShare: 0.4, EventShare: 0.8}, c.Budget)
	require.Equal(t, mapping.Defaults(), c.Mappings)
	require.Equal(t, "admin-secret", c.AdminToken.Reveal())
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()

	file := `
listen: 0.0.0.0:9000
data_dir: /var/lib/tandem
admin_token: from-file
intercom:
  url: https://api.eu.intercom.io
  version: "2.11"
salesforce:
  api_version: "61.0"
  auto_assign: true
sync:
  poll_interval: 30s
  poll_overlap: 5m
  reconcile_interval: 1h
  people_match: external_id
  people_external_id_field: Intercom_Id__c
  company_match_field: Site
  placeholder: "n/a"
  bulk_memory_mb: 8
ownership:
  enabled: true
  direction: to_intercom
  fallback: assignment_rule
budget:
  daily_salesforce_calls: 5000
  bulk_share: 0.3
  event_share: 0.7
mappings:
  - object: lead
    intercom: name
    salesforce: Name
    direction: to_salesforce
`
	tests := []struct {
		name  string
		env   env
		check func(t *testing.T, c Config)
	}{
		{"file values", env{}, func(t *testing.T, c Config) {
			require.Equal(t, "0.0.0.0:9000", c.Listen)
			require.Equal(t, "/var/lib/tandem", c.DataDir)
			require.Equal(t, "from-file", c.AdminToken.Reveal())
			require.Equal(t, "https://api.eu.intercom.io", c.Intercom.URL)
			require.Equal(t, "2.11", c.Intercom.Version)
			require.Equal(t, "61.0", c.Salesforce.APIVersion)
			require.True(t, c.Salesforce.AutoAssign)
			require.Equal(t, Sync{
				PollInterval: 30 * time.Second, PollOverlap: 5 * time.Minute, ReconcileInterval: time.Hour,
				PeopleMatch: "external_id", PeopleExternalIDField: "Intercom_Id__c", CompanyMatchField: "Site", Placeholder: "n/a",
				BulkMemoryMB: 8,
			}, c.Sync)
			require.Equal(t, Ownership{Enabled: true, Direction: tandem.ToIntercom, Fallback: "assignment_rule", OnFirstLink: tandem.FillBlanks}, c.Ownership)
			require.Equal(t, Budget{DailySalesforceCalls: 5000, BulkShare: 0.3, EventShare: 0.7}, c.Budget)
			require.Equal(t, []tandem.Mapping{{Object: tandem.ObjectLead, Intercom: "name", Salesforce: "Name", Direction: tandem.ToSalesforce}}, c.Mappings)
		}},
		{"environment wins", env{
			"TANDEM_LISTEN": ":7000", "TANDEM_DATA_DIR": "/tmp/x", "TANDEM_ADMIN_TOKEN": "from-env",
			"TANDEM_DATABASE_URL": "postgres://u:p@db/tandem", "TANDEM_INTERCOM_URL": "https://api.au.intercom.io",
			"TANDEM_INTERCOM_VERSION": "2.16", "TANDEM_POLL_INTERVAL": "5s", "TANDEM_SALESFORCE_DAILY_API_CAP": "1234",
		}, func(t *testing.T, c Config) {
			require.Equal(t, ":7000", c.Listen)
			require.Equal(t, "/tmp/x", c.DataDir)
			require.Equal(t, "from-env", c.AdminToken.Reveal())
			require.Equal(t, "postgres://u:p@db/tandem", c.DatabaseURL.Reveal())
			require.Equal(t, "https://api.au.intercom.io", c.Intercom.URL)
			require.Equal(t, "2.16", c.Intercom.Version)
			require.Equal(t, 5*time.Second, c.Sync.PollInterval)
			require.Equal(t, 5*time.Minute, c.Sync.PollOverlap, "untouched keys keep the file's value")
			require.Equal(t, 1234, c.Budget.DailySalesforceCalls)
		}},
		{"oauth settings from env", env{
			"TANDEM_SALESFORCE_TOKEN": "", "TANDEM_SALESFORCE_URL": "",
			"TANDEM_SALESFORCE_CLIENT_ID": "cid", "TANDEM_SALESFORCE_USERNAME": "bot@acme.com",
			"TANDEM_SALESFORCE_PRIVATE_KEY_FILE": "/keys/sf.pem",
		}, func(t *testing.T, c Config) {
			require.Equal(t, AuthJWT, c.Salesforce.AuthMode())
			require.Equal(t, "https://login.salesforce.com", c.Salesforce.URL)
			require.Equal(t, "cid", c.Salesforce.ClientID)
			require.Equal(t, "bot@acme.com", c.Salesforce.Username)
			require.Equal(t, "/keys/sf.pem", c.Salesforce.PrivateKeyFile)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := minimalEnv()
			delete(e, "TANDEM_ADMIN_TOKEN")
			for k, v := range tt.env {
				e[k] = v
			}
			c, err := Load(e.get, writeFile(t, "tandem.yaml", file))
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

func TestLoadSecretFiles(t *testing.T) {
	t.Parallel()

	secrets := map[string]func(c Config) Secret{
		"TANDEM_DATABASE_URL":             func(c Config) Secret { return c.DatabaseURL },
		"TANDEM_ADMIN_TOKEN":              func(c Config) Secret { return c.AdminToken },
		"TANDEM_INTERCOM_TOKEN":           func(c Config) Secret { return c.Intercom.Token },
		"TANDEM_INTERCOM_CLIENT_SECRET":   func(c Config) Secret { return c.Intercom.ClientSecret },
		"TANDEM_SALESFORCE_TOKEN":         func(c Config) Secret { return c.Salesforce.Token },
		"TANDEM_SALESFORCE_CLIENT_SECRET": func(c Config) Secret { return c.Salesforce.ClientSecret },
		"TANDEM_SALESFORCE_REFRESH_TOKEN": func(c Config) Secret { return c.Salesforce.RefreshToken },
	}
	for name, get := range secrets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			value := "s3cret-" + strings.ToLower(name)
			if name == "TANDEM_DATABASE_URL" {
				value = "postgres://tandem:pw@db/tandem"
			}
			e := minimalEnv()
			if name == "TANDEM_SALESFORCE_CLIENT_SECRET" || name == "TANDEM_SALESFORCE_REFRESH_TOKEN" {
				// an OAuth flow instead of the token
				delete(e, "TANDEM_SALESFORCE_TOKEN")
				e["TANDEM_SALESFORCE_CLIENT_ID"] = "cid"
			}
			delete(e, name)
			e[name+"_FILE"] = writeFile(t, "secret", value+"\n")
			c, err := Load(e.get, "")
			require.NoError(t, err)
			require.Equal(t, value, get(c).Reveal(), "trailing newline trimmed")
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		file string // YAML; "" loads no file
		env  env    // merged over minimalEnv; "" deletes
		want []string
	}{
		{"both NAME and NAME_FILE", "", env{"TANDEM_ADMIN_TOKEN_FILE": "/does/not/matter"},
			[]string{"TANDEM_ADMIN_TOKEN and TANDEM_ADMIN_TOKEN_FILE are both set: keep one"}},
		{"missing secret file", "", env{"TANDEM_ADMIN_TOKEN": "", "TANDEM_ADMIN_TOKEN_FILE": "/does/not/exist"},
			[]string{"TANDEM_ADMIN_TOKEN_FILE: open /does/not/exist: no such file or directory"}},
		{"bad poll interval env", "", env{"TANDEM_POLL_INTERVAL": "soon"},
			[]string{`TANDEM_POLL_INTERVAL: time: invalid duration "soon"`}},
		{"bad api cap env", "", env{"TANDEM_SALESFORCE_DAILY_API_CAP": "lots"},
			[]string{`TANDEM_SALESFORCE_DAILY_API_CAP: not a whole number: "lots"`}},
		{"unknown top-level key", "listen: :1\nlisen: :2\n", nil,
			[]string{"line 2: unknown key lisen (known keys: actions_token, admin_token, budget, cases, data_dir"}},
		{"unknown nested keys", "intercom:\n  tokn: x\nmappings:\n  - object: lead\n    dir: to_intercom\n", nil,
			[]string{"line 2: unknown key intercom.tokn", "line 5: unknown key mappings[0].dir"}},
		{"bad duration", "sync:\n  poll_interval: 5x\n", nil,
			[]string{`sync.poll_interval: time: unknown unit "x" in duration "5x"`}},
		{"duration not a scalar", "sync:\n  poll_overlap: [1]\n", nil,
			[]string{"sync.poll_overlap: line 2: must be a duration such as 90s or 5m"}},
		{"type mismatch", "listen: [1]\n", nil, []string{"line 1: cannot unmarshal !!seq into string"}},
		{"invalid yaml", "listen: \"\n", nil, []string{"yaml:"}},
		{"validation", "sync:\n  people_match: phone\n", nil, []string{`sync.people_match: must be email or external_id, not "phone"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := minimalEnv()
			for k, v := range tt.env {
				if v == "" {
					delete(e, k)
				} else {
					e[k] = v
				}
			}
			path := ""
			if tt.file != "" {
				path = writeFile(t, "tandem.yaml", tt.file)
			}
			_, err := Load(e.get, path)
			require.Error(t, err)
			for _, w := range tt.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()

	_, err := Load(minimalEnv().get, filepath.Join(t.TempDir(), "nope.yaml"))
	require.ErrorContains(t, err, "no such file or directory")
}

func TestParseMappings(t *testing.T) {
	t.Parallel()

	c, err := Parse([]byte("mappings: []\n"))
	require.NoError(t, err)
	require.NotNil(t, c.Mappings)
	require.Empty(t, c.WithDefaults().Mappings, "an explicit empty list means no mappings")

	c, err = Parse([]byte("listen: :1\n"))
	require.NoError(t, err)
	require.Nil(t, c.Mappings)
	require.Equal(t, mapping.Defaults(), c.WithDefaults().Mappings, "absent means the defaults")

	c, err = Parse([]byte(""))
	require.NoError(t, err)
	require.Equal(t, Config{}, c)

	_, err = Parse([]byte("base: &b\n  object: lead\n"))
	require.ErrorContains(t, err, "unknown key base")

	c, err = Parse([]byte("mappings:\n  - &m {object: lead, intercom: phone, salesforce: Phone, direction: to_salesforce}\n  - *m\n"))
	require.NoError(t, err)
	require.Len(t, c.Mappings, 2)
	_, err = Parse([]byte("mappings:\n  - &m {object: lead, intercom: phone, sf: Phone}\n  - *m\n"))
	require.ErrorContains(t, err, "unknown key mappings[0].sf")
}
