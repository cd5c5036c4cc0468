// Package sfsim is an in-process, stateful simulator of the Salesforce REST
// API, used by tandem's tests, demo and benchmarks.
//
// A *Server is an http.Handler that serves Salesforce's real paths: the OAuth
// token endpoint under /services/oauth2/ and the REST API under
// /services/data/vNN.N/ (any version from 50.0 on): SOQL query and queryAll
// with nextRecordsUrl pagination, sObject CRUD, upsert by external id,
// describe, getUpdated/getDeleted, sObject Collections, Composite and
// /limits. Status codes, JSON shapes, error bodies and headers
// (Sforce-Limit-Info) follow the real API, and so do the write validations
// Salesforce applies. SOQL covers parent relationship paths, child
// relationship subqueries and semi-/anti-joins.
//
// Org configuration is data, as in a real org: the CaseStatus, TaskStatus
// and OpportunityStage rows drive the status picklists and IsClosed/IsWon;
// record types have a per-user default and availability; Cases written
// without "Sforce-Auto-Assign: FALSE" go to the default case owner.
// Lightning record pages (/lightning/r/{SObject}/{Id}/view) render a simple
// HTML view of a record.
//
// The same *Server is also a state handle for Go code: Insert, Update, Delete,
// Get, All, ConvertLead and Seed act like a person editing records in the
// Salesforce UI (no API calls counted), while Calls, APIUsage and Faults let a
// test observe traffic and inject latency, 5xx responses, row locks, request
// limits, dropped connections and expired sessions.
//
// SaveState writes the whole org (every record, recycle bin included, the
// custom field definitions, id and case number counters, record type
// settings, tokens and API usage) as versioned JSON; LoadState restores
// it into a new Server, which then answers every read the same and
// continues the id sequences, so a simulated org can outlive its process.
//
// The simulator speaks HTTP and JSON only and imports nothing of tandem.
package sfsim
