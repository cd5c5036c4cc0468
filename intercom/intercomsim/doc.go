// Package intercomsim is an in-process, stateful simulator of the parts of
// the Intercom REST API (versions 2.14 to 2.16) that tandem uses.
//
// A [Server] is an [http.Handler]: mount it on an httptest.Server in tests or
// on a real listener for the demo. It speaks Intercom's real paths, JSON
// shapes, status codes, error bodies and rate-limit headers, and shapes
// version-dependent fields by the request's Intercom-Version header.
//
// Beside the HTTP surface, the Server is also a state handle: Go code can
// create and change contacts, companies and conversations as a teammate
// would in the Intercom UI (without being counted or rate limited), inject
// faults, read per-endpoint call counters, deliver signed webhooks to
// subscribed URLs (conversation payloads in plain text from API 2.15, as
// Intercom sends them), drive a Canvas Kit inbox app with signed requests,
// and run Custom Actions against a bridge as Intercom's backend does.
//
// [Server.SaveState] writes the whole workspace (records, id counters,
// attribute definitions, admins, tags, Custom Actions, webhook
// subscriptions) as versioned JSON; [Server.LoadState] restores it into a
// new Server, which then answers every read the same and continues the
// id sequences, so a simulated workspace can outlive its process.
package intercomsim
