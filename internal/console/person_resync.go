package console

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
)

// personResync answers POST /admin/people/{id}/resync: a sync of the link is
// queued now.
func (c *Console) personResync(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no link %q.", r.PathValue("id")))
		return
	}
	job, err := c.cfg.UseCases.ResyncLink(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	back(w, r, fmt.Sprintf("%speople/%d", Prefix, id), fmt.Sprintf("Re-sync queued (job %d).", job))
}
