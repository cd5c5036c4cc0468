// Package syncer is tandem's engine. It resolves identity links between
// Intercom contacts and companies and Salesforce Leads, Contacts and
// Accounts, and moves every mapped attribute in the direction its mapping
// names:
//
//   - Intercom → Salesforce runs per record, when a webhook (or the
//     reconciliation search) says an Intercom contact or company changed:
//     the current Intercom record is read, compared field by field with the
//     shadow values, and only what changed is written to Salesforce.
//   - Salesforce → Intercom runs per object on a poll over SystemModstamp
//     watermarks with an overlap window.
//   - A bulk sync re-aligns every pair over the whole data set, resumably
//     (bulk*.go, one file per part of the job).
//
// Event sync and bulk sync decide each field with the same planner
// (decide, in plan.go).
//
// A shadow value is the last value tandem synced for a link and field. A
// change whose value equals its shadow is either unchanged or an echo of
// tandem's own write, so nothing is written: the loop guard.
//
// Failures that will not go away by retrying become sync errors with a plain
// reason; transient ones are returned so the job queue retries them.
package syncer
