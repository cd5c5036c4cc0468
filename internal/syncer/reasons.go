package syncer

import (
	"fmt"
	"strings"

	"github.com/tandemhq/tandem"
)

// Reason turns a vendor error into a sentence an operator understands,
// naming the record kind and the field involved.
func Reason(system tandem.System, code, msg string, obj tandem.Object, fields string) string {
	what := obj.SObject()
	if system == tandem.SystemIntercom {
		what = "Intercom " + obj.IntercomKind()
	}
	on := ""
	if fields != "" {
		on = " (" + fields + ")"
	}
	switch {
	case code == "REQUIRED_FIELD_MISSING":
		return fmt.Sprintf("Salesforce requires a value%s on the %s and none was given. Map an Intercom attribute to it or set a placeholder. Salesforce said: %s", on, what, msg)
	case code == "FIELD_CUSTOM_VALIDATION_EXCEPTION":
		return fmt.Sprintf("A validation rule in your Salesforce org rejected the change%s to the %s: %s", on, what, msg)
	case code == "INVALID_EMAIL_ADDRESS":
		return fmt.Sprintf("Salesforce does not accept the email address%s of this %s as valid: %s", on, what, msg)
	case code == "STRING_TOO_LONG":
		return fmt.Sprintf("The value%s is longer than the Salesforce field allows on the %s: %s", on, what, msg)
	case code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST":
		return fmt.Sprintf("The value%s is not one of the picklist values Salesforce allows on the %s: %s", on, what, msg)
	case code == "DUPLICATE_VALUE":
		return fmt.Sprintf("Another Salesforce record already holds this value in a unique field%s: %s", on, msg)
	case code == "DUPLICATES_DETECTED":
		return fmt.Sprintf("A Salesforce duplicate rule blocked the %s%s: %s", what, on, msg)
	case code == "ENTITY_IS_DELETED":
		return fmt.Sprintf("The %s was deleted in Salesforce.", what)
	case code == "NOT_FOUND":
		return fmt.Sprintf("The %s does not exist in Salesforce (any more).", what)
	case strings.HasPrefix(code, "INSUFFICIENT_ACCESS"):
		return fmt.Sprintf("The Salesforce user tandem signs in as may not change this %s%s. Grant it edit access. Salesforce said: %s", what, on, msg)
	case code == "INVALID_FIELD_FOR_INSERT_UPDATE" || code == "INVALID_FIELD":
		return fmt.Sprintf("The Salesforce field%s cannot be written on the %s; check the mapping. Salesforce said: %s", on, what, msg)
	case code == "CANNOT_UPDATE_CONVERTED_LEAD":
		return "The Lead was converted in Salesforce and can no longer be changed."
	case code == "UNABLE_TO_LOCK_ROW":
		return fmt.Sprintf("Salesforce kept the %s locked by another update; tandem retried and gave up for now.", what)
	case code == "REQUEST_LIMIT_EXCEEDED":
		return "The Salesforce org has used up its daily API requests; work resumes when the 24-hour window frees up."
	case code == "INVALID_SESSION_ID":
		return "Salesforce rejected tandem's session; check the connected app credentials."
	case code == "conflict":
		return fmt.Sprintf("Another Intercom contact already has this email or external id%s: %s", on, msg)
	case code == "contact_merged":
		return "The Intercom contact was merged into another one."
	case code == "not_found" || code == "company_not_found":
		return fmt.Sprintf("The %s does not exist in Intercom (any more).", what)
	case code == "parameter_invalid" || code == "parameter_not_found" || code == "data_invalid" || code == "bad_request":
		return fmt.Sprintf("Intercom rejected the value%s for the %s: %s", on, what, msg)
	case code == "rate_limit_exceeded":
		return "Intercom's rate limit was hit repeatedly; tandem will try again."
	case code == "unauthorized" || code == "token_unauthorized":
		return "Intercom rejected tandem's access token; check it in the configuration."
	}
	return fmt.Sprintf("%s answered %s%s: %s", system.Name(), code, on, msg)
}
