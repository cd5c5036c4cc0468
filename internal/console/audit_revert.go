package console

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
)

// auditRevert answers POST /admin/audit/{id}/revert: the value the entry's
// write replaced is written back, on the side that owns the field and then
// on the field itself (see usecase.Service.RevertAuditEntry).
func (c *Console) auditRevert(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no audit entry %q.", r.PathValue("id")))
		return
	}
	res, err := c.cfg.UseCases.RevertAuditEntry(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	t := res.Target
	back(w, r, Prefix+"audit", fmt.Sprintf("Audit entry %d reverted: %s is %s again (entry %d), and its owner %s is %s (entry %d).",
		id, t.Field, shown(t.NewValue), t.ID, res.Owner.Field, shown(res.Owner.NewValue), res.Owner.ID))
}

// shown quotes a value for a message; an empty one is "empty".
func shown(v string) string {
	if v == "" {
		return "empty"
	}
	return strconv.Quote(v)
}
