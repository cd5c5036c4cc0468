// Package intercom is a client for the Intercom REST API (versions 2.14
// to 2.16), shaped like go-github: a [Client] holds one service per API
// area (Contacts, Companies, Conversations, Admins, DataAttributes, Tags,
// Notes), every call returns the decoded value, a [*Response] carrying
// rate-limit data and the next pagination cursor, and an error that is
// typed by [CheckResponse].
//
// Contacts and companies can also be read and written as decoded JSON
// ([ContactsService.GetRaw], [ContactsService.SearchRawIter],
// [CompaniesService.ScrollRaw], …) for callers that address attributes by
// name, custom ones included. Cursors, the in-body search cursor and the
// shapes that differ between API versions are handled by the client for
// both kinds of call.
//
// Failed attempts are retried by a [RetryPolicy] that states its reason
// (see [WithRetryPolicy]); a create is never sent twice when the first
// attempt may have been applied. [WithPacing] spreads requests over the
// rate-limit window reported by X-RateLimit-* headers instead of running
// into 429s.
//
// The package also verifies and decodes what Intercom sends to an app:
// webhook notifications signed with X-Hub-Signature (see
// [ValidateSignature] and [ParseNotification]) and Canvas Kit requests
// signed with X-Body-Signature (see [ValidateCanvasSignature]), and it
// builds Canvas Kit responses from component constructors.
//
// It speaks only Intercom's vocabulary and imports nothing of tandem.
//
// API reference: https://developers.intercom.com/docs/references/rest-api/api.intercom.io
package intercom
