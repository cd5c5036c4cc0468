// Package usecase is what an operator or a teammate can do with tandem:
// read and retry sync errors, start and follow a bulk sync, create a Lead,
// list the identity links. The JSON API (internal/web), the command line
// (internal/cli) and, later, the inbox panel and the admin console all call
// it, so a rule such as "a resolved error is not retried" lives in one
// place.
//
// It knows nothing of HTTP or flags: it takes typed parameters, returns
// typed results and reports problems as *tandem.Error values whose codes
// each caller translates (an HTTP status, an exit code).
//
// A [Service] needs the store and a River client; the sync engine is
// optional. Without it, the use cases that only touch the database — list
// and retry sync errors (a retry only queues a job for the running bridge),
// read bulk sync runs, list links — still work, so a command can serve them
// while Salesforce or Intercom is unreachable.
package usecase
