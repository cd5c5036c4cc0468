// Package salesforce is a small client for the Salesforce REST API, shaped
// after go-github: one Client holding one service value per API area
// (SObjects, Collections), NewRequest/Do underneath, a Response carrying the
// API usage reported by Salesforce, and typed errors produced in one place
// (CheckResponse) that work with errors.Is and errors.As.
//
// The client speaks only Salesforce's vocabulary and imports nothing of the
// rest of tandem. It covers what a sync bridge needs:
//
//   - OAuth 2.0 token sources (static token, client credentials, refresh
//     token, JWT bearer, username-password) with one transparent re-auth and
//     replay when Salesforce answers 401 INVALID_SESSION_ID;
//   - SOQL queries as iterators that follow nextRecordsUrl, plus SOQL literal
//     helpers (QuoteString, EscapeLike, FormatDateTime, ParseDateTime);
//   - sObject CRUD, upsert by external id, describe (cached per client),
//     getUpdated/getDeleted and limits;
//   - sObject Collections writes, chunked to 200 records per call, with
//     per-record results that turn into the same typed errors as
//     single-record calls;
//   - a retry policy expressed as a function value, with capped, jittered
//     exponential backoff that never outlives the caller's context.
//
// Every write carries Sforce-Auto-Assign (FALSE unless WithAutoAssign(true))
// and Sforce-Call-Options (client=tandem by default), so a bridge neither
// triggers assignment rules by accident nor mistakes its own writes for
// someone else's. A call can override either header for itself with
// RequestOption values such as AutoAssign(true) or CallOptions("…"),
// passed as the trailing arguments of SObjects and Collections methods.
// Access tokens never appear in error strings or in the
// printed form of a Token.
package salesforce
