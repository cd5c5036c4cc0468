package console

import (
	"fmt"
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
)

// leadCreate answers POST /admin/leads: an Intercom lead or user is sent to
// Salesforce as a Lead (or linked to the one that exists).
func (c *Console) leadCreate(w http.ResponseWriter, r *http.Request) {
	res, err := c.cfg.UseCases.CreateLead(r.Context(), usecase.CreateLeadParams{IntercomContactID: r.PostFormValue("intercom_id")})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	msg := fmt.Sprintf("Linked to the existing Salesforce record %s.", res.SalesforceID)
	if res.Created {
		msg = fmt.Sprintf("Lead %s created in Salesforce.", res.SalesforceID)
	}
	back(w, r, Prefix+"people?q="+res.SalesforceID, msg)
}
