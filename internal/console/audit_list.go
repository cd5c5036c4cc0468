package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

// auditList answers GET /admin/audit: every write tandem made, newest
// first, filterable by object, direction, cause, field and record.
func (c *Console) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := usecase.ListAuditParams{
		Object: tandem.Object(q.Get("object")), Direction: tandem.Direction(q.Get("direction")),
		Cause: tandem.Cause(q.Get("cause")), Field: strings.TrimSpace(q.Get("field")), Record: strings.TrimSpace(q.Get("record")),
		Limit: 50,
	}
	p.AfterID, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	res, err := c.cfg.UseCases.ListAudit(r.Context(), p)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	next := ""
	if res.NextAfter != 0 {
		nq := r.URL.Query()
		nq.Set("after", strconv.FormatInt(res.NextAfter, 10))
		next = Prefix + "audit?" + nq.Encode()
	}
	c.render(w, r, "audit", "Audit log", "audit", map[string]any{
		"Filter": p, "Entries": res.Entries, "Next": next, "Back": r.URL.RequestURI(),
		"Objects":    []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount},
		"Directions": []tandem.Direction{tandem.ToSalesforce, tandem.ToIntercom},
		"Causes":     []tandem.Cause{tandem.CauseWebhook, tandem.CausePoll, tandem.CauseBulk, tandem.CauseAction, tandem.CauseReconcile, tandem.CauseSettings},
	})
}
