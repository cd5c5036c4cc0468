package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// apiVersion matches Salesforce API versions such as "62.0".
var apiVersion = regexp.MustCompile(`^[0-9]{2,3}\.0$`)

// Validate checks c (after WithDefaults) and returns every problem joined,
// each prefixed with the key it is about, e.g.
// "mappings[2].direction: must be to_salesforce or to_intercom". Mappings are
// checked for shape only here; mapping.Validate checks them against the
// Salesforce and Intercom schemas once the bridge can reach both.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}

	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", "must be host:port, e.g. 127.0.0.1:8080 (%v)", err)
	}
	if err := c.ValidateDatabase(); err != nil {
		errs = append(errs, err)
	}
	if c.AdminToken == "" {
		add("admin_token", "required (set TANDEM_ADMIN_TOKEN): it protects the JSON API")
	}

	if err := checkURL(c.Intercom.URL); err != nil {
		add("intercom.url", "%v", err)
	}
	if c.Intercom.Token == "" {
		add("intercom.token", "required (set TANDEM_INTERCOM_TOKEN)")
	}
	if c.Intercom.ClientSecret == "" {
		add("intercom.client_secret", "required (set TANDEM_INTERCOM_CLIENT_SECRET): webhooks are verified with it")
	}
	if c.Intercom.Version == "" {
		add("intercom.version", "required")
	}

	errs = append(errs, c.Salesforce.validate()...)

	if c.Sync.PollInterval <= 0 {
		add("sync.poll_interval", "must be positive, got %s", c.Sync.PollInterval)
	}
	if c.Sync.PollOverlap < 0 {
		add("sync.poll_overlap", "must not be negative, got %s", c.Sync.PollOverlap)
	}
	if c.Sync.ReconcileInterval <= 0 {
		add("sync.reconcile_interval", "must be positive, got %s", c.Sync.ReconcileInterval)
	}
	if c.Sync.BulkMemoryMB < 0 {
		add("sync.bulk_memory_mb", "must be positive, got %d", c.Sync.BulkMemoryMB)
	}
	switch c.Sync.PeopleMatch {
	case MatchEmail:
	case MatchExternalID:
		if c.Sync.PeopleExternalIDField == "" {
			add("sync.people_external_id_field", "required when people_match is external_id: the Salesforce field holding Intercom's external_id")
		}
	default:
		add("sync.people_match", "must be email or external_id, not %q", c.Sync.PeopleMatch)
	}
	if c.Sync.CompanyMatchField == "" {
		add("sync.company_match_field", "required")
	}
	if c.Sync.Placeholder == "" {
		add("sync.placeholder", "required")
	}

	if !c.Ownership.Direction.Valid() {
		add("ownership.direction", "must be to_salesforce or to_intercom, not %q", c.Ownership.Direction)
	}
	if c.Cases.Enabled {
		switch c.Cases.Owner {
		case CaseOwnerAssignmentRules, CaseOwnerIntegrationUser, CaseOwnerTeammate:
		default:
			add("cases.owner", "must be assignment_rules, integration_user or teammate, not %q", c.Cases.Owner)
		}
		if c.ActionsToken == "" {
			add("actions_token", "required when cases are enabled: the bearer token Intercom Custom Actions send (TANDEM_ACTIONS_TOKEN)")
		}
		for i, m := range c.Cases.Mappings {
			if strings.TrimSpace(m.Conversation) == "" || strings.TrimSpace(m.Salesforce) == "" {
				add(fmt.Sprintf("cases.mappings[%d]", i), "needs both conversation (an attribute) and salesforce (a Case field)")
			}
		}
	}
	c.Tasks.validate(add)
	if !c.Ownership.OnFirstLink.Valid() {
		add("ownership.on_first_link", "must be fill_blanks or overwrite, not %q", c.Ownership.OnFirstLink)
	}
	if c.Ownership.Fallback != FallbackAPIUser && c.Ownership.Fallback != FallbackAssignmentRule {
		add("ownership.fallback", "must be api_user or assignment_rule, not %q", c.Ownership.Fallback)
	}

	if c.Budget.DailySalesforceCalls < 0 {
		add("budget.daily_salesforce_calls", "must not be negative (0 takes the org's daily limit)")
	}
	if c.Budget.BulkShare <= 0 || c.Budget.BulkShare > 1 {
		add("budget.bulk_share", "must be above 0 and at most 1, got %g", c.Budget.BulkShare)
	}
	if c.Budget.EventShare <= 0 || c.Budget.EventShare > 1 {
		add("budget.event_share", "must be above 0 and at most 1, got %g", c.Budget.EventShare)
	} else if c.Budget.BulkShare > 0 && c.Budget.BulkShare <= 1 && c.Budget.BulkShare > c.Budget.EventShare {
		add("budget.bulk_share", "must not exceed event_share (%g): bulk work pauses first", c.Budget.EventShare)
	}

	for i, m := range c.Mappings {
		key := fmt.Sprintf("mappings[%d]", i)
		if !m.Object.Valid() {
			add(key+".object", "must be lead, contact or account, not %q", m.Object)
		}
		if strings.TrimSpace(m.Intercom) == "" {
			add(key+".intercom", "required: the Intercom attribute, e.g. phone or custom_attributes.plan")
		}
		if strings.TrimSpace(m.Salesforce) == "" {
			add(key+".salesforce", "required: the Salesforce field API name, e.g. Phone or Plan__c")
		}
		if !m.Direction.Valid() {
			add(key+".direction", "must be to_salesforce or to_intercom")
		}
		if !m.OnFirstLink.Valid() {
			add(key+".on_first_link", "must be fill_blanks or overwrite, not %q", m.OnFirstLink)
		}
	}
	return errors.Join(errs...)
}

// ValidateDatabase checks only the settings that choose the database
// (data_dir, database_url), for commands that need nothing else.
func (c Config) ValidateDatabase() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir: required"))
	}
	if u := c.DatabaseURL.Reveal(); u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		errs = append(errs, errors.New("database_url: must be a postgres:// or postgresql:// URL (leave it empty for SQLite)"))
	}
	return errors.Join(errs...)
}

// validate checks the Salesforce section.
func (s Salesforce) validate() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch modes := s.completeModes(); len(modes) {
	case 0:
		add("salesforce", "no complete authentication: set token, or client_id and client_secret, "+
			"or client_id and refresh_token, or client_id, username and private_key_file%s", s.missingHint())
	case 1:
	default:
		add("salesforce", "more than one complete authentication (%s): keep the settings of one", strings.Join(modes, " and "))
	}
	if s.URL == "" {
		switch s.AuthMode() {
		case AuthToken:
			add("salesforce.url", "required with a token: the instance URL, e.g. https://acme.my.salesforce.com")
		case AuthClientCredentials:
			add("salesforce.url", "required with client credentials: the My Domain URL, e.g. https://acme.my.salesforce.com")
		}
	} else if err := checkURL(s.URL); err != nil {
		add("salesforce.url", "%v", err)
	}
	if !apiVersion.MatchString(s.APIVersion) {
		add("salesforce.api_version", "must look like 62.0, not %q", s.APIVersion)
	}
	return errs
}

// missingHint names what a half-configured OAuth flow lacks.
func (s Salesforce) missingHint() string {
	var missing []string
	switch {
	case s.Username != "" || s.PrivateKeyFile != "":
		for k, v := range map[string]string{"client_id": s.ClientID, "username": s.Username, "private_key_file": s.PrivateKeyFile} {
			if v == "" {
				missing = append(missing, k)
			}
		}
		return fmt.Sprintf(" (jwt lacks %s)", strings.Join(sorted(missing), " and "))
	case s.ClientID == "" && (s.ClientSecret != "" || s.RefreshToken != ""):
		return " (client_id is missing)"
	case s.ClientID != "":
		return " (client_id alone is not enough)"
	}
	return ""
}

// sorted sorts a few strings in place and returns them.
func sorted(ss []string) []string {
	slices.Sort(ss)
	return ss
}

// checkURL accepts absolute http(s) URLs.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("must be an http(s) URL, not %q", raw)
	}
	return nil
}
