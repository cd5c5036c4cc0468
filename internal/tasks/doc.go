// Package tasks logs Intercom conversations as Salesforce Tasks on the
// person's Contact or Lead, related to the one open Opportunity the Contact
// has a role on.
//
// Two kinds of Task:
//
//   - the automatic Task of a conversation: created when the conversation
//     starts (for a person already in Salesforce; no Lead is created for
//     it), and given the transcript and the org's closed Task status when
//     the conversation closes — again at every later close;
//   - a manual Task logging one message or note (a reserved tag on the
//     part, or the Custom Action), completed at once, with a snippet of the
//     part and a link to the conversation. For a person not yet in
//     Salesforce, Create Lead makes the Lead first. The Custom Action
//     without a part logs the whole conversation, as the automatic Task
//     (one Task per conversation and person, whichever came first).
//
// A person whose email several unconverted Leads share gets a Task on
// each Lead.
//
// Every Task is made exactly once per (conversation, person) or (part,
// person), whatever the order and repetition of webhooks, clicks and
// retries: an intent row is claimed before the Salesforce create and
// completed with the Task id. An attempt that died between the two leaves
// a pending intent; the next attempt takes it over after a while and first
// looks the Task up by its external id field (the conversation id, or
// "<conversation id>#<part id>", plus the WhoId) before creating one.
package tasks
