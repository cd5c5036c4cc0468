// Package mapping holds tandem's attribute mappings and the value
// conversions between Intercom attributes and Salesforce fields.
//
// Everything here is pure: no I/O, no clock, no logging. The caller fetches
// Salesforce describe results and Intercom data attributes, turns them into a
// [Schema], and asks [Validate] whether a list of mappings can work against
// them. While syncing, [IntercomValue] and [SalesforceValue] read a value out
// of a decoded record, [ToSalesforce] and [ToIntercom] convert it to the
// other side's type, [SalesforceWrite] shapes it into a Salesforce update
// body, and [Canonical] gives the one string both sides agree on, used for
// comparisons and shadow values.
package mapping
