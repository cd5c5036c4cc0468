package console

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
)

// syncErrorIgnore answers POST /admin/errors/{id}/ignore: resolved without
// a retry.
func (c *Console) syncErrorIgnore(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no sync error %q.", r.PathValue("id")))
		return
	}
	if _, err := c.cfg.UseCases.IgnoreSyncError(r.Context(), id); err != nil {
		c.fail(w, r, err)
		return
	}
	back(w, r, Prefix+"errors", fmt.Sprintf("Sync error %d ignored (resolved without a retry).", id))
}
