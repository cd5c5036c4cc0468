package app

import (
	"fmt"

	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// The inbox part of the demo: conversations to open in the Intercom
// simulator's inbox page, one for each thing the panel shows — a Contact
// with one open Opportunity and an open Case (Nora, from the simulators'
// fixtures), a Contact with two (Theo), a Contact of the demo data set, a
// Lead, a person only in Intercom (Create Lead) and a visitor without an
// email (Create Lead disabled).

// demoInboxPeople are the demo data set's people given a conversation, by
// email, with the message they start it with.
var demoInboxPeople = []struct{ email, message string }{
	{"ada.lovelace@acme-analytics.com", "Our dashboards stopped refreshing this morning."},
	{"barbara.lamarr@prospect0.example.com", "Do you offer a discount for non-profits?"},
	{"sophie.boyd@prospect8.example.com", "Hi! Could someone walk me through pricing for 40 seats?"},
}

// seedDemoInbox adds the simulators' Northwind fixtures and the demo's
// conversations. It runs after the demo data set is seeded and before
// webhooks are subscribed, so no automatic Case is made for them.
// It returns the conversation ids by the person's email ("visitor" for the
// visitor without one).
func seedDemoInbox(ic *intercomsim.Server, sf *sfsim.Server) (map[string]string, error) {
	sf.SeedFixtures()
	fx := ic.SeedFixtures()
	convs := map[string]string{sfsim.SeedSingleOpportunityEmail: fx.NoraConversationID, sfsim.SeedTwoOpportunitiesEmail: fx.TheoConversationID}
	admins := ic.Admins()
	if len(admins) < 2 {
		return nil, fmt.Errorf("the demo inbox needs two Intercom admins, the workspace has %d", len(admins))
	}
	admin, _ := admins[1]["id"].(string)
	_ = ic.ReplyAsAdmin(fx.TheoConversationID, admin, "Happy to help, Theo: SSO is part of the add-on we discussed. Let me check the pricing.", false)
	_ = ic.ReplyAsAdmin(fx.TheoConversationID, admin, "Theo is the technical buyer on the expansion; loop in his account owner.", true)
	_ = ic.ReplyAsAdmin(fx.NoraConversationID, admin, "Sorry about that, Nora. Billing is looking into the VAT rate now.", false)
	byEmail := map[string]string{}
	for _, c := range ic.Contacts() {
		if e, _ := c["email"].(string); e != "" {
			byEmail[e], _ = c["id"].(string)
		}
	}
	for _, p := range demoInboxPeople {
		id, ok := byEmail[p.email]
		if !ok {
			return nil, fmt.Errorf("the demo inbox names %s, who is not in the demo data set", p.email)
		}
		conv, err := ic.CreateConversation(id, p.message)
		if err != nil {
			return nil, err
		}
		convs[p.email] = conv
	}
	visitor, err := ic.CreateContact(intercomsim.ContactSeed{Role: "lead", Name: "Website visitor"})
	if err != nil {
		return nil, err
	}
	convs["visitor"], err = ic.CreateConversation(visitor, "Is there a free trial?")
	return convs, err
}
