package console

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
)

// syncErrorRetry answers POST /admin/errors/{id}/retry.
func (c *Console) syncErrorRetry(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no sync error %q.", r.PathValue("id")))
		return
	}
	res, err := c.cfg.UseCases.RetrySyncError(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	back(w, r, Prefix+"errors", fmt.Sprintf("Retry of sync error %d queued (job %d). It disappears from this list once the write succeeds.", id, res.JobID))
}
