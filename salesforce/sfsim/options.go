package sfsim

import "time"

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token is a bearer access token accepted from the start (default "test-token").
	Token string
	// TokenTTL is how long an access token stays valid after it was issued;
	// 0 means tokens never expire.
	TokenTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ClientID and ClientSecret identify the connected app for the OAuth
	// flows (defaults "sfsim-client-id" and "sfsim-client-secret").
	ClientID, ClientSecret string
	// Username and Password are the integration user's credentials for the
	// password flow, and Username is the expected JWT subject
	// (defaults "integration@sfsim.example" and "password").
	Username, Password string
	// JWTCertPEM holds the certificate (or PKIX public key) whose RS256 key
	// verifies JWT bearer assertions. Without it the JWT flow is refused.
	JWTCertPEM []byte
	// DailyAPILimit is the rolling 24-hour API request allowance (default 100000).
	DailyAPILimit int
	// CustomFields declares custom fields per object, e.g. "Lead": Plan__c.
	CustomFields map[string][]FieldSpec
	// PageSize is the default query page size (default 2000).
	PageSize int
	// InstanceURL is returned in token responses; empty means the scheme and
	// Host of each request.
	InstanceURL string
	// Seed seeds the random source used by fault rates (default 1).
	Seed int64
}

// FieldSpec declares a custom field. Name must end in "__c".
type FieldSpec struct {
	// Name is the API name, e.g. "Plan__c".
	Name string
	// Label is the display label (default: Name without "__c").
	Label string
	// Type is the describe type: string, textarea, email, phone, url,
	// picklist, multipicklist, boolean, int, double, currency, percent,
	// date, datetime or reference.
	Type string
	// Length is the maximum length of text fields (default 255).
	Length int
	// Picklist lists the values of a picklist field.
	Picklist []string
	// Restricted makes the picklist reject values outside Picklist.
	Restricted bool
	// Required makes the field required on create.
	Required bool
	// Unique rejects duplicate values with DUPLICATE_VALUE.
	Unique bool
	// ExternalID marks the field usable for upsert and lookup by value.
	ExternalID bool
	// ReferenceTo is the target object of a reference field.
	ReferenceTo string
}

// DefaultCustomFields returns the custom fields tandem's demo relies on:
// Plan__c (Text 80) on Lead and Contact; on Case the unique External ID
// Intercom_Conversation_Id__c (Text 40, the upsert key of Cases made from
// conversations) and the picklist Product_Area__c; on Task the
// (non-unique) External ID Intercom_Conversation_Id__c.
func DefaultCustomFields() map[string][]FieldSpec {
	plan := FieldSpec{Name: "Plan__c", Label: "Plan", Type: "string", Length: 80}
	convID := FieldSpec{Name: "Intercom_Conversation_Id__c", Label: "Intercom Conversation ID", Type: "string", Length: 40,
		ExternalID: true, Unique: true}
	taskConvID := convID
	taskConvID.Unique = false
	return map[string][]FieldSpec{
		"Lead":    {plan},
		"Contact": {plan},
		"Case": {convID, {Name: "Product_Area__c", Label: "Product Area", Type: "picklist",
			Picklist: []string{"Billing", "Authentication", "Integrations", "Other"}}},
		"Task": {taskConvID},
	}
}

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = "test-token"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ClientID == "" {
		o.ClientID = "sfsim-client-id"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "sfsim-client-secret"
	}
	if o.Username == "" {
		o.Username = "integration@sfsim.example"
	}
	if o.Password == "" {
		o.Password = "password"
	}
	if o.DailyAPILimit <= 0 {
		o.DailyAPILimit = 100000
	}
	if o.PageSize <= 0 {
		o.PageSize = 2000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}
