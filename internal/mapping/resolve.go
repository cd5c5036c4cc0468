package mapping

import (
	"strings"

	"github.com/tandemhq/tandem"
)

// customPrefix starts the full name of every Intercom custom attribute.
const customPrefix = "custom_attributes."

// standardContact lists the standard Intercom contact attributes by API
// name, with their data type and whether the REST API may write them.
var standardContact = map[string]ICAttribute{
	"external_id":              {Name: "external_id", DataType: "string", APIWritable: true},
	"role":                     {Name: "role", DataType: "string", APIWritable: true},
	"email":                    {Name: "email", DataType: "string", APIWritable: true},
	"email_domain":             {Name: "email_domain", DataType: "string"},
	"phone":                    {Name: "phone", DataType: "string", APIWritable: true},
	"name":                     {Name: "name", DataType: "string", APIWritable: true},
	"owner_id":                 {Name: "owner_id", DataType: "string", APIWritable: true},
	"avatar":                   {Name: "avatar", DataType: "string", APIWritable: true},
	"has_hard_bounced":         {Name: "has_hard_bounced", DataType: "boolean"},
	"marked_email_as_spam":     {Name: "marked_email_as_spam", DataType: "boolean"},
	"unsubscribed_from_emails": {Name: "unsubscribed_from_emails", DataType: "boolean", APIWritable: true},
	"created_at":               {Name: "created_at", DataType: "date"},
	"updated_at":               {Name: "updated_at", DataType: "date"},
	"signed_up_at":             {Name: "signed_up_at", DataType: "date", APIWritable: true},
	"last_seen_at":             {Name: "last_seen_at", DataType: "date", APIWritable: true},
	"last_replied_at":          {Name: "last_replied_at", DataType: "date"},
	"last_contacted_at":        {Name: "last_contacted_at", DataType: "date"},
	"last_email_opened_at":     {Name: "last_email_opened_at", DataType: "date"},
	"last_email_clicked_at":    {Name: "last_email_clicked_at", DataType: "date"},
	"language_override":        {Name: "language_override", DataType: "string", APIWritable: true},
	"browser":                  {Name: "browser", DataType: "string"},
	"browser_version":          {Name: "browser_version", DataType: "string"},
	"browser_language":         {Name: "browser_language", DataType: "string"},
	"os":                       {Name: "os", DataType: "string"},
	"location.country":         {Name: "location.country", DataType: "string"},
	"location.region":          {Name: "location.region", DataType: "string"},
	"location.city":            {Name: "location.city", DataType: "string"},
	"location.country_code":    {Name: "location.country_code", DataType: "string"},
	"location.continent_code":  {Name: "location.continent_code", DataType: "string"},
	"utm_campaign":             {Name: "utm_campaign", DataType: "string"},
	"utm_content":              {Name: "utm_content", DataType: "string"},
	"utm_medium":               {Name: "utm_medium", DataType: "string"},
	"utm_source":               {Name: "utm_source", DataType: "string"},
	"utm_term":                 {Name: "utm_term", DataType: "string"},
	"referrer":                 {Name: "referrer", DataType: "string"},
	"enabled_push_messaging":   {Name: "enabled_push_messaging", DataType: "boolean"},
}

// standardCompany lists the standard Intercom company attributes.
var standardCompany = map[string]ICAttribute{
	"company_id":        {Name: "company_id", DataType: "string", APIWritable: true},
	"name":              {Name: "name", DataType: "string", APIWritable: true},
	"website":           {Name: "website", DataType: "string", APIWritable: true},
	"industry":          {Name: "industry", DataType: "string", APIWritable: true},
	"size":              {Name: "size", DataType: "integer", APIWritable: true},
	"monthly_spend":     {Name: "monthly_spend", DataType: "integer", APIWritable: true},
	"plan":              {Name: "plan", DataType: "string", APIWritable: true},
	"remote_created_at": {Name: "remote_created_at", DataType: "date", APIWritable: true},
	"created_at":        {Name: "created_at", DataType: "date"},
	"updated_at":        {Name: "updated_at", DataType: "date"},
	"last_request_at":   {Name: "last_request_at", DataType: "date"},
	"session_count":     {Name: "session_count", DataType: "integer"},
	"user_count":        {Name: "user_count", DataType: "integer"},
}

// Model returns the Intercom data-attribute model of a pair's Intercom side:
// "company" for companies, "contact" for leads and users.
func Model(o tandem.Object) string {
	if o == tandem.ObjectAccount {
		return "company"
	}
	return "contact"
}

// Standard returns the built-in description of a standard Intercom
// attribute of model ("contact" or "company") and whether name is one.
func Standard(model, name string) (ICAttribute, bool) {
	set := standardContact
	if model == "company" {
		set = standardCompany
	}
	a, ok := set[name]
	return a, ok
}

// StandardAttributes returns the names of the standard Intercom attributes
// of model ("contact" or "company"), in no particular order.
func StandardAttributes(model string) []string {
	set := standardContact
	if model == "company" {
		set = standardCompany
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	return names
}

// Resolve returns the canonical Intercom name of m's attribute and whether
// it is a custom attribute. A name with the "custom_attributes." prefix is
// custom; a bare name that is a standard attribute of the pair's model is
// standard; any other bare name is taken as custom and gets the prefix.
// Surrounding blanks are trimmed.
func Resolve(m tandem.Mapping) (ic string, custom bool) {
	name := strings.TrimSpace(m.Intercom)
	if strings.HasPrefix(name, customPrefix) {
		return name, true
	}
	if _, ok := Standard(Model(m.Object), name); ok {
		return name, false
	}
	return customPrefix + name, true
}
