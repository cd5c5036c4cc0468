package config

import (
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/mapping"
)

// Config is tandem's whole configuration. The zero value is not usable; get
// one from Load, or fill one in and call WithDefaults and Validate.
type Config struct {
	// Listen is the bridge's HTTP address (default 127.0.0.1:8080).
	Listen string `yaml:"listen" json:"listen"`
	// DataDir holds the SQLite database and other local state (default
	// ./data).
	DataDir string `yaml:"data_dir" json:"data_dir"`
	// DatabaseURL selects Postgres when set (postgres://…); empty means
	// SQLite in DataDir.
	DatabaseURL Secret `yaml:"database_url" json:"database_url"`
	// AdminToken is the bearer token of the JSON API
	// (required).
	AdminToken Secret `yaml:"admin_token" json:"admin_token"`
	// ActionsToken is the bearer token Intercom Custom Actions send to
	// /intercom/actions/… (required when cases are enabled).
	ActionsToken Secret `yaml:"actions_token" json:"actions_token"`

	Intercom   Intercom   `yaml:"intercom" json:"intercom"`
	Salesforce Salesforce `yaml:"salesforce" json:"salesforce"`
	Sync       Sync       `yaml:"sync" json:"sync"`
	Ownership  Ownership  `yaml:"ownership" json:"ownership"`
	Budget     Budget     `yaml:"budget" json:"budget"`
	Cases      Cases      `yaml:"cases" json:"cases"`
	Tasks      Tasks      `yaml:"tasks" json:"tasks"`

	// Mappings are the attribute mappings. Absent (nil) means
	// mapping.Defaults(); an explicit empty list means no mappings.
	Mappings []tandem.Mapping `yaml:"mappings" json:"mappings"`

	// Given lists the settings the file and the environment set
	// explicitly (filled by Parse and Load); they are locked against
	// changes at run time.
	Given Sources `yaml:"-" json:"-"`
}

// Intercom configures the Intercom workspace.
type Intercom struct {
	// URL is the API base URL (default https://api.intercom.io; the EU and
	// AU regions have their own hosts).
	URL string `yaml:"url" json:"url"`
	// Token is the access token (required).
	Token Secret `yaml:"token" json:"token"`
	// ClientSecret is the app's client secret, which signs webhooks
	// (required: tandem verifies every one).
	ClientSecret Secret `yaml:"client_secret" json:"client_secret"`
	// Version is the Intercom-Version header (default 2.14).
	Version string `yaml:"version" json:"version"`
}

// Salesforce configures the Salesforce org and how tandem authenticates.
type Salesforce struct {
	// URL is the instance URL with Token, or the login / My Domain URL the
	// OAuth flows post to (default https://login.salesforce.com for jwt and
	// refresh_token).
	URL string `yaml:"url" json:"url"`
	// Token is a ready access token (token mode).
	Token Secret `yaml:"token" json:"token"`
	// ClientID is the connected (or external client) app's consumer key.
	ClientID string `yaml:"client_id" json:"client_id"`
	// ClientSecret is the app's consumer secret.
	ClientSecret Secret `yaml:"client_secret" json:"client_secret"`
	// Username is the user the JWT bearer flow acts as.
	Username string `yaml:"username" json:"username"`
	// PrivateKeyFile is the PEM key that signs JWT assertions.
	PrivateKeyFile string `yaml:"private_key_file" json:"private_key_file"`
	// RefreshToken is a refresh token from the web-server flow.
	RefreshToken Secret `yaml:"refresh_token" json:"refresh_token"`
	// APIVersion is the REST API version (default 62.0).
	APIVersion string `yaml:"api_version" json:"api_version"`
	// AutoAssign runs the org's assignment rules on records tandem creates
	// (Sforce-Auto-Assign: TRUE); off by default.
	AutoAssign bool `yaml:"auto_assign" json:"auto_assign"`
}

// Salesforce authentication modes, as reported by Salesforce.AuthMode.
const (
	AuthToken             = "token"              // a ready access token
	AuthClientCredentials = "client_credentials" // client_id + client_secret
	AuthRefreshToken      = "refresh_token"      // client_id (+ client_secret) + refresh_token
	AuthJWT               = "jwt"                // client_id + username + private_key_file
)

// Sync configures the sync engine.
type Sync struct {
	// PollInterval is how often Salesforce is polled for changes (default
	// 60s).
	PollInterval time.Duration `yaml:"poll_interval" json:"poll_interval"`
	// PollOverlap re-reads this much before the watermark on each poll
	// (default 2m).
	PollOverlap time.Duration `yaml:"poll_overlap" json:"poll_overlap"`
	// ReconcileInterval is how often Intercom is searched for changes whose
	// webhook never arrived (default 10m).
	ReconcileInterval time.Duration `yaml:"reconcile_interval" json:"reconcile_interval"`
	// PeopleMatch is the people matching key: "email" (default) or
	// "external_id".
	PeopleMatch string `yaml:"people_match" json:"people_match"`
	// PeopleExternalIDField is the Salesforce field matched against
	// Intercom's external_id (required when PeopleMatch is external_id).
	PeopleExternalIDField string `yaml:"people_external_id_field" json:"people_external_id_field"`
	// CompanyMatchField is the Account field matched against Intercom's
	// company_id (default AccountNumber).
	CompanyMatchField string `yaml:"company_match_field" json:"company_match_field"`
	// BulkMemoryMB is how many MiB of the Intercom records it has listed
	// a bulk sync holds in memory before it moves them to the database
	// (default 56).
	BulkMemoryMB int `yaml:"bulk_memory_mb" json:"bulk_memory_mb"`
	// Placeholder fills Salesforce-required fields that are empty when
	// tandem creates a record (default "[not provided]").
	Placeholder string `yaml:"placeholder" json:"placeholder"`
}

// People matching keys.
const (
	MatchEmail      = "email"
	MatchExternalID = "external_id"
)

// Ownership configures "maintain lead and account ownership".
type Ownership struct {
	// Enabled turns owner syncing on.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Direction is which side owns the owner (default to_salesforce).
	Direction tandem.Direction `yaml:"direction" json:"direction"`
	// Fallback decides the owner of a created Lead whose Intercom owner
	// matches no Salesforce user: "api_user" (default) or
	// "assignment_rule".
	Fallback string `yaml:"fallback" json:"fallback"`
	// OnFirstLink is what a newly linked pair does with two different
	// owners: keep the target's (fill_blanks, the default) or replace it
	// (overwrite).
	OnFirstLink tandem.FirstLinkPolicy `yaml:"on_first_link" json:"on_first_link"`
}

// Ownership fallbacks.
const (
	FallbackAPIUser        = "api_user"
	FallbackAssignmentRule = "assignment_rule"
)

// Budget configures the 24-hour Salesforce API budget.
type Budget struct {
	// DailySalesforceCalls caps Salesforce calls per 24 hours; 0 takes the
	// org's DailyApiRequests maximum.
	DailySalesforceCalls int `yaml:"daily_salesforce_calls" json:"daily_salesforce_calls"`
	// BulkShare is the share of the cap after which bulk work pauses
	// (default 0.4).
	BulkShare float64 `yaml:"bulk_share" json:"bulk_share"`
	// EventShare is the share after which event sync pauses too (default
	// 0.8); inbox actions keep the rest.
	EventShare float64 `yaml:"event_share" json:"event_share"`
}

// Default values applied by WithDefaults.
const (
	DefaultListen            = "127.0.0.1:8080"
	DefaultDataDir           = "./data"
	DefaultIntercomURL       = "https://api.intercom.io"
	DefaultIntercomVersion   = "2.14"
	DefaultSalesforceLogin   = "https://login.salesforce.com"
	DefaultAPIVersion        = "62.0"
	DefaultPollInterval      = 60 * time.Second
	DefaultPollOverlap       = 2 * time.Minute
	DefaultBulkMemoryMB      = 56
	DefaultReconcileInterval = 10 * time.Minute
	DefaultCompanyMatchField = "AccountNumber"
	DefaultPlaceholder       = "[not provided]"
	DefaultBulkShare         = 0.4
	DefaultEventShare        = 0.8
)

// WithDefaults returns a copy of c with every unset value defaulted,
// including the default mappings when Mappings is nil.
func (c Config) WithDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	defDur := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Listen, DefaultListen)
	def(&c.DataDir, DefaultDataDir)
	def(&c.Intercom.URL, DefaultIntercomURL)
	def(&c.Intercom.Version, DefaultIntercomVersion)
	def(&c.Salesforce.APIVersion, DefaultAPIVersion)
	if m := c.Salesforce.AuthMode(); m == AuthJWT || m == AuthRefreshToken {
		def(&c.Salesforce.URL, DefaultSalesforceLogin)
	}
	defDur(&c.Sync.PollInterval, DefaultPollInterval)
	defDur(&c.Sync.PollOverlap, DefaultPollOverlap)
	defDur(&c.Sync.ReconcileInterval, DefaultReconcileInterval)
	if c.Sync.BulkMemoryMB == 0 {
		c.Sync.BulkMemoryMB = DefaultBulkMemoryMB
	}
	def(&c.Sync.PeopleMatch, MatchEmail)
	def(&c.Sync.CompanyMatchField, DefaultCompanyMatchField)
	def(&c.Sync.Placeholder, DefaultPlaceholder)
	if c.Ownership.Direction == "" {
		c.Ownership.Direction = tandem.ToSalesforce
	}
	def(&c.Ownership.Fallback, FallbackAPIUser)
	if c.Ownership.OnFirstLink == "" {
		c.Ownership.OnFirstLink = tandem.FillBlanks
	}
	def(&c.Cases.Tag, DefaultCaseTag)
	def(&c.Cases.Origin, "Chat")
	def(&c.Cases.Owner, CaseOwnerAssignmentRules)
	defDur(&c.Cases.BackstopInterval, 5*time.Minute)
	if c.Cases.Note == nil {
		note := true
		c.Cases.Note = &note
	}
	if c.Cases.Priority == nil {
		c.Cases.Priority = map[string]string{"urgent": "High", "high": "High", "priority": "High", "medium": "Medium",
			"low": "Low", "none": "Medium", "not_priority": "Medium"}
	}
	c.Tasks = c.Tasks.withDefaults()
	if c.Budget.BulkShare == 0 {
		c.Budget.BulkShare = DefaultBulkShare
	}
	if c.Budget.EventShare == 0 {
		c.Budget.EventShare = DefaultEventShare
	}
	if c.Mappings == nil {
		c.Mappings = mapping.Defaults()
	}
	return c
}

// AuthMode returns the Salesforce authentication mode whose settings are
// complete — AuthToken, AuthJWT, AuthRefreshToken or AuthClientCredentials,
// checked in that order — or "" when none is. Validate requires exactly one.
func (s Salesforce) AuthMode() string {
	if modes := s.completeModes(); len(modes) > 0 {
		return modes[0]
	}
	return ""
}

// completeModes lists every authentication mode whose settings are
// complete. client_credentials counts only when no setting of another OAuth
// flow is present, since those flows use the client secret too.
func (s Salesforce) completeModes() []string {
	var modes []string
	if s.Token != "" {
		modes = append(modes, AuthToken)
	}
	if s.ClientID != "" && s.Username != "" && s.PrivateKeyFile != "" {
		modes = append(modes, AuthJWT)
	}
	if s.ClientID != "" && s.RefreshToken != "" {
		modes = append(modes, AuthRefreshToken)
	}
	if s.ClientID != "" && s.ClientSecret != "" && s.Username == "" && s.PrivateKeyFile == "" && s.RefreshToken == "" {
		modes = append(modes, AuthClientCredentials)
	}
	return modes
}

// Cases configures Salesforce Cases made from Intercom conversations.
type Cases struct {
	// Enabled turns Cases on; the triggers below choose when.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// OnStarted creates the Case when a conversation starts.
	OnStarted bool `yaml:"on_conversation_started" json:"on_conversation_started"`
	// OnClosed creates or refreshes the Case when a conversation closes.
	OnClosed bool `yaml:"on_conversation_closed" json:"on_conversation_closed"`
	// Tag is the conversation tag (applied by a rule, bot or workflow) that
	// creates or refreshes the Case; "-" turns the tag trigger off.
	Tag string `yaml:"tag" json:"tag"`
	// Note adds a note with the Case number and link to the conversation
	// after an automatic creation (a manual one always gets it).
	Note *bool `yaml:"note" json:"note"`
	// Origin is the Case Origin (default Chat).
	Origin string `yaml:"origin" json:"origin"`
	// Priority maps Intercom conversation priority (urgent, high, medium,
	// low, none, priority, not_priority) to a Case Priority value.
	Priority map[string]string `yaml:"priority" json:"priority"`
	// RecordType is a Case record type's DeveloperName or Id; empty means
	// the integration user's default.
	RecordType string `yaml:"record_type" json:"record_type"`
	// Owner is who owns a new Case: assignment_rules (the org's case
	// assignment rules), integration_user, or teammate (the Salesforce user
	// with the email of the conversation's assigned teammate; the
	// integration user when there is none).
	Owner string `yaml:"owner" json:"owner"`
	// ExternalIDField is an External ID field on Case holding the
	// conversation id (e.g. Intercom_Conversation_Id__c); with it a Case is
	// upserted, so it can never be created twice.
	ExternalIDField string `yaml:"external_id_field" json:"external_id_field"`
	// BackstopInterval is how often conversations started or closed are
	// searched for, in case their webhook never came (default 5m). The
	// same search serves Tasks.
	BackstopInterval time.Duration `yaml:"backstop_interval" json:"backstop_interval"`
	// Mappings copy conversation attributes to Case fields, at creation
	// and again at every close.
	Mappings []CaseMapping `yaml:"mappings" json:"mappings"`
}

// CaseMapping copies one conversation attribute to one Case field.
// Conversation names a built-in attribute (state, priority, assignee,
// tags, title, created_at) or a custom conversation data attribute.
type CaseMapping struct {
	Conversation string `yaml:"conversation" json:"conversation"`
	Salesforce   string `yaml:"salesforce" json:"salesforce"`
}

// Case owners.
const (
	CaseOwnerAssignmentRules = "assignment_rules"
	CaseOwnerIntegrationUser = "integration_user"
	CaseOwnerTeammate        = "teammate"
)

// DefaultCaseTag is the conversation tag that asks for a Case.
const DefaultCaseTag = "salesforce-case"

// NoteEnabled reports whether automatic Cases get a note.
func (c Cases) NoteEnabled() bool { return c.Note == nil || *c.Note }
