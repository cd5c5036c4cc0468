// Package tandem holds the domain of the Intercom ⇄ Salesforce bridge:
// identity links, attribute mappings and their directions, sync errors and
// the error codes shared by every layer. It performs no I/O and imports only
// the standard library; the vendor clients live in intercom and salesforce,
// the engine in internal/syncer and the wiring in internal/app.
package tandem
