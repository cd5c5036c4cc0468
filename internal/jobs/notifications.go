package jobs

import (
	"strings"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
)

// ForNotification returns the jobs an Intercom webhook notification calls
// for; topics tandem does not act on yield none.
//
//	contact.deleted                     the contact's links are dropped
//	contact.merged                      the surviving contact is synced and the absorbed one's links dropped
//	contact.* (item of type contact)    the contact is synced
//	company.deleted                     the company's links are dropped
//	company.created, company.updated    the company is synced
func ForNotification(n intercom.Notification) []river.JobArgs {
	item := n.Item()
	if item.ID == "" {
		return nil
	}
	base := IntercomChangeArgs{IntercomID: item.ID, Topic: n.Topic, Cause: tandem.CauseWebhook, At: n.ChangedAt()}
	switch {
	case n.Topic == "contact.deleted":
		base.Object, base.Deleted = tandem.ObjectContact, true
		return []river.JobArgs{base}
	case n.Topic == "contact.merged":
		base.Object = tandem.ObjectContact
		out := []river.JobArgs{base}
		if item.MergedFromID != "" {
			out = append(out, IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: item.MergedFromID, Deleted: true,
				Topic: n.Topic, Cause: tandem.CauseWebhook})
		}
		return out
	case strings.HasPrefix(n.Topic, "contact.") && item.Type == "contact":
		base.Object = tandem.ObjectContact
		return []river.JobArgs{base}
	case n.Topic == "company.deleted":
		base.Object, base.Deleted = tandem.ObjectAccount, true
		return []river.JobArgs{base}
	case (n.Topic == "company.created" || n.Topic == "company.updated") && item.Type == "company":
		base.Object = tandem.ObjectAccount
		return []river.JobArgs{base}
	}
	return nil
}
