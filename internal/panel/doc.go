// Package panel is tandem's Intercom inbox app: the Canvas Kit panel shown
// beside every conversation with the person's live Salesforce records —
// their Contact (open Cases), Account and open Opportunities, or their
// Lead — and the actions a teammate takes from there: Create Lead, New
// Case, Log to Salesforce.
//
// Intercom POSTs an initialize request when a teammate opens a
// conversation (one per participant, up to five at once) and a submit
// request when a component with a submit action is used. Handler checks
// X-Body-Signature on the raw body before anything else; Service answers
// every request with a canvas — an unreachable Salesforce, a validation
// rule or a missing permission becomes a plain sentence and a Try again
// button, never an empty panel.
//
// A panel costs one Salesforce round trip on a cache miss: one composite
// request carrying the few SOQL queries (with relationship subqueries and
// semi-joins) that read everything shown. Results are cached per person
// for a short time, shared by concurrent requests for the same person, and
// dropped after any action. Which view is shown, and the selected
// opportunity, travel in the canvas's stored_data.
//
// ValidateCanvas checks a canvas against Canvas Kit's component rules; the
// tests run every canvas the panel returns through it.
package panel
