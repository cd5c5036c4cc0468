package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// envVar is one environment override.
type envVar struct {
	name   string
	secret bool // also read from NAME_FILE
	set    func(c *Config, v string) error
}

// envKeys are the settings that environment variables set, for those that
// can otherwise change at run time.
var envKeys = map[string]string{
	"TANDEM_POLL_INTERVAL":            "sync.poll_interval",
	"TANDEM_RECONCILE_INTERVAL":       "sync.reconcile_interval",
	"TANDEM_SALESFORCE_DAILY_API_CAP": "budget.daily_salesforce_calls",
}

// envVars lists every environment override, in documentation order.
var envVars = []envVar{
	{"TANDEM_LISTEN", false, func(c *Config, v string) error { c.Listen = v; return nil }},
	{"TANDEM_DATA_DIR", false, func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"TANDEM_DATABASE_URL", true, func(c *Config, v string) error { c.DatabaseURL = Secret(v); return nil }},
	{"TANDEM_ADMIN_TOKEN", true, func(c *Config, v string) error { c.AdminToken = Secret(v); return nil }},
	{"TANDEM_ACTIONS_TOKEN", true, func(c *Config, v string) error { c.ActionsToken = Secret(v); return nil }},
	{"TANDEM_INTERCOM_URL", false, func(c *Config, v string) error { c.Intercom.URL = v; return nil }},
	{"TANDEM_INTERCOM_TOKEN", true, func(c *Config, v string) error { c.Intercom.Token = Secret(v); return nil }},
	{"TANDEM_INTERCOM_CLIENT_SECRET", true, func(c *Config, v string) error { c.Intercom.ClientSecret = Secret(v); return nil }},
	{"TANDEM_INTERCOM_VERSION", false, func(c *Config, v string) error { c.Intercom.Version = v; return nil }},
	{"TANDEM_SALESFORCE_URL", false, func(c *Config, v string) error { c.Salesforce.URL = v; return nil }},
	{"TANDEM_SALESFORCE_TOKEN", true, func(c *Config, v string) error { c.Salesforce.Token = Secret(v); return nil }},
	{"TANDEM_SALESFORCE_CLIENT_ID", false, func(c *Config, v string) error { c.Salesforce.ClientID = v; return nil }},
	{"TANDEM_SALESFORCE_CLIENT_SECRET", true, func(c *Config, v string) error { c.Salesforce.ClientSecret = Secret(v); return nil }},
	{"TANDEM_SALESFORCE_USERNAME", false, func(c *Config, v string) error { c.Salesforce.Username = v; return nil }},
	{"TANDEM_SALESFORCE_PRIVATE_KEY_FILE", false, func(c *Config, v string) error { c.Salesforce.PrivateKeyFile = v; return nil }},
	{"TANDEM_SALESFORCE_REFRESH_TOKEN", true, func(c *Config, v string) error { c.Salesforce.RefreshToken = Secret(v); return nil }},
	{"TANDEM_POLL_INTERVAL", false, func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.Sync.PollInterval = d
		return err
	}},
	{"TANDEM_RECONCILE_INTERVAL", false, func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.Sync.ReconcileInterval = d
		return err
	}},
	{"TANDEM_SALESFORCE_DAILY_API_CAP", false, func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", v)
		}
		c.Budget.DailySalesforceCalls = n
		return nil
	}},
}

// EnvVars returns the names of every environment variable Load reads, _FILE
// twins included.
func EnvVars() []string {
	var names []string
	for _, e := range envVars {
		names = append(names, e.name)
		if e.secret {
			names = append(names, e.name+"_FILE")
		}
	}
	return names
}

// applyEnv overrides c with every variable set in the environment. A secret
// may come from NAME or from the file NAME_FILE names, not both.
func applyEnv(c *Config, getenv func(string) string) error {
	var errs []error
	for _, e := range envVars {
		v := getenv(e.name)
		if e.secret {
			if file := getenv(e.name + "_FILE"); file != "" {
				if v != "" {
					errs = append(errs, fmt.Errorf("%s and %s_FILE are both set: keep one", e.name, e.name))
					continue
				}
				b, err := os.ReadFile(file)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s_FILE: %w", e.name, err))
					continue
				}
				v = strings.TrimRight(string(b), "\r\n")
				if v == "" {
					errs = append(errs, fmt.Errorf("%s_FILE: %s is empty", e.name, file))
					continue
				}
			}
		}
		if v == "" {
			continue
		}
		if err := e.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.name, err))
		}
		if key, ok := envKeys[e.name]; ok {
			if c.Given == nil {
				c.Given = Sources{}
			}
			c.Given[key] = SourceEnvironment
		}
	}
	return errors.Join(errs...)
}
