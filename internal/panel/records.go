package panel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/salesforce"
)

// Records are a person's Salesforce records as the panel shows them.
type Records struct {
	Contact *Contact
	Account *Account
	// Opportunities are the open ones of the Account and those where the
	// Contact has a role, the Contact's first.
	Opportunities []Opportunity
	Lead          *Lead
	// OpenCases are the Contact's open Cases, newest first (at most
	// maxCases; OpenCaseCount says when there are more).
	OpenCases     []Case
	OpenCaseCount int
	// Linked says the person has an identity link (else they were found by
	// email).
	Linked bool
}

// Contact is a Salesforce Contact.
type Contact struct{ ID, Name, Email, Owner, AccountID string }

// Account is a Salesforce Account.
type Account struct{ ID, Name, Website, Owner, Country string }

// Opportunity is an open Salesforce Opportunity; Role is the Contact's
// role on it ("" when it is only the Account's).
type Opportunity struct {
	ID, Name, Stage, Owner, CloseDate, Role string
	Amount                                  *float64
}

// Lead is a Salesforce Lead.
type Lead struct {
	ID, Name, Email, Company, Owner, Status string
	Converted                               bool
}

// Case is an open Salesforce Case.
type Case struct{ ID, Number, Status, Priority, Subject string }

// maxCases bounds the open Cases read per Contact.
const maxCases = 100

// who says how to find a person in Salesforce: by the record an identity
// link names, else by email.
type who struct {
	contactID, leadID, email string
}

// queries returns the SOQL of one panel, keyed by composite reference id:
// the Contact (open Cases and Opportunity roles as subqueries), its
// Account (open Opportunities as a subquery, found by a semi-join) and the
// Lead.
func (w who) queries() map[string]string {
	const contactFields = "SELECT Id, Name, Email, Owner.Name, AccountId, " +
		"(SELECT Id, CaseNumber, Status, Priority, Subject FROM Cases WHERE IsClosed = false ORDER BY CreatedDate DESC LIMIT 101), " +
		"(SELECT Role, OpportunityId, Opportunity.Name, Opportunity.StageName, Opportunity.CloseDate, Opportunity.Amount, Opportunity.Owner.Name " +
		"FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false) FROM Contact WHERE "
	const accountFields = "SELECT Id, Name, Website, BillingCountry, Owner.Name, " +
		"(SELECT Id, Name, StageName, CloseDate, Amount, Owner.Name FROM Opportunities WHERE IsClosed = false ORDER BY CloseDate LIMIT 50) FROM Account WHERE "
	const leadFields = "SELECT Id, Name, Email, Company, Status, Owner.Name, IsConverted FROM Lead WHERE "
	q := salesforce.QuoteString
	out := map[string]string{}
	switch {
	case w.contactID != "":
		out["contact"] = contactFields + "Id = " + q(w.contactID)
		out["account"] = accountFields + "Id IN (SELECT AccountId FROM Contact WHERE Id = " + q(w.contactID) + ")"
	case w.leadID != "":
		// A converted Lead shows the Contact and Account it became.
		out["contact"] = contactFields + "Id IN (SELECT ConvertedContactId FROM Lead WHERE Id = " + q(w.leadID) + ") LIMIT 1"
		out["account"] = accountFields + "Id IN (SELECT ConvertedAccountId FROM Lead WHERE Id = " + q(w.leadID) + ")"
		out["lead"] = leadFields + "Id = " + q(w.leadID)
	case w.email != "":
		e := q(w.email)
		out["contact"] = contactFields + "Email = " + e + " ORDER BY LastModifiedDate DESC LIMIT 1"
		out["account"] = accountFields + "Id IN (SELECT AccountId FROM Contact WHERE Email = " + e + ")"
		out["lead"] = leadFields + "Email = " + e + " AND IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 1"
	}
	return out
}

// compositeRequest is the body of POST /composite.
type compositeRequest struct {
	AllOrNone bool           `json:"allOrNone"`
	Requests  []compositeSub `json:"compositeRequest"`
}

type compositeSub struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	ReferenceID string `json:"referenceId"`
}

type compositeResponse struct {
	Responses []struct {
		Body        json.RawMessage `json:"body"`
		Status      int             `json:"httpStatusCode"`
		ReferenceID string          `json:"referenceId"`
	} `json:"compositeResponse"`
}

// fetch reads a person's records in one Salesforce call: a composite
// request of the queries of w.
func fetch(ctx context.Context, sf *salesforce.Client, w who) (*Records, error) {
	qs := w.queries()
	recs := &Records{Linked: w.contactID != "" || w.leadID != ""}
	if len(qs) == 0 {
		return recs, nil
	}
	body := compositeRequest{}
	for _, ref := range []string{"contact", "account", "lead"} {
		if soql, ok := qs[ref]; ok {
			body.Requests = append(body.Requests, compositeSub{Method: http.MethodGet, ReferenceID: ref,
				URL: "/services/data/v" + sf.APIVersion() + "/query?q=" + url.QueryEscape(soql)})
		}
	}
	req, err := sf.NewRequest(http.MethodPost, "composite", body)
	if err != nil {
		return nil, err
	}
	var out compositeResponse
	if _, err := sf.Do(ctx, req, &out); err != nil {
		return nil, err
	}
	results := map[string][]salesforce.Record{}
	for _, r := range out.Responses {
		if r.Status < 200 || r.Status > 299 {
			return nil, subrequestError(r.Status, r.Body)
		}
		var page salesforce.QueryResult
		if err := json.Unmarshal(r.Body, &page); err != nil {
			return nil, fmt.Errorf("read the %s query: %w", r.ReferenceID, err)
		}
		results[r.ReferenceID] = page.Records
	}
	if c := first(results["contact"]); c != nil {
		recs.Contact = &Contact{ID: c.ID(), Name: c.String("Name"), Email: c.String("Email"), Owner: c.String("Owner.Name"), AccountID: c.String("AccountId")}
		for _, k := range c.Children("Cases") {
			recs.OpenCaseCount++
			if len(recs.OpenCases) < maxCases {
				recs.OpenCases = append(recs.OpenCases, Case{ID: k.ID(), Number: k.String("CaseNumber"), Status: k.String("Status"),
					Priority: k.String("Priority"), Subject: k.String("Subject")})
			}
		}
		for _, r := range c.Children("OpportunityContactRoles") {
			recs.Opportunities = append(recs.Opportunities, Opportunity{ID: r.String("OpportunityId"), Name: r.String("Opportunity.Name"),
				Stage: r.String("Opportunity.StageName"), Owner: r.String("Opportunity.Owner.Name"), CloseDate: r.String("Opportunity.CloseDate"),
				Role: r.String("Role"), Amount: amount(r, "Opportunity.Amount")})
		}
	}
	for _, a := range results["account"] {
		if recs.Contact != nil && a.ID() != recs.Contact.AccountID {
			continue
		}
		recs.Account = &Account{ID: a.ID(), Name: a.String("Name"), Website: a.String("Website"), Owner: a.String("Owner.Name"),
			Country: a.String("BillingCountry")}
		seen := map[string]bool{}
		for _, o := range recs.Opportunities {
			seen[o.ID] = true
		}
		for _, o := range a.Children("Opportunities") {
			if !seen[o.ID()] {
				recs.Opportunities = append(recs.Opportunities, Opportunity{ID: o.ID(), Name: o.String("Name"), Stage: o.String("StageName"),
					Owner: o.String("Owner.Name"), CloseDate: o.String("CloseDate"), Amount: amount(o, "Amount")})
			}
		}
		break
	}
	if l := first(results["lead"]); l != nil {
		recs.Lead = &Lead{ID: l.ID(), Name: l.String("Name"), Email: l.String("Email"), Company: l.String("Company"),
			Owner: l.String("Owner.Name"), Status: l.String("Status"), Converted: l.Bool("IsConverted")}
	}
	return recs, nil
}

func first(rs []salesforce.Record) salesforce.Record {
	if len(rs) == 0 {
		return nil
	}
	return rs[0]
}

func amount(r salesforce.Record, field string) *float64 {
	if f, ok := r.Float(field); ok {
		return &f
	}
	return nil
}

// subrequestError turns a failed composite subrequest into an error with
// Salesforce's code and message.
func subrequestError(status int, body json.RawMessage) error {
	var errs []struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
	}
	_ = json.Unmarshal(body, &errs)
	if len(errs) == 0 {
		return tandem.Errorf(tandem.EUNAVAILABLE, "Salesforce answered %d to a query.", status)
	}
	code := tandem.EUNPROCESSABLE
	if status >= 500 {
		code = tandem.EUNAVAILABLE
	}
	return tandem.Errorf(code, "Salesforce refused a query: %s: %s", errs[0].ErrorCode, errs[0].Message)
}

// recordURL is a record's Lightning page.
func recordURL(base, sobject, id string) string {
	return strings.TrimRight(base, "/") + "/lightning/r/" + sobject + "/" + id + "/view"
}
