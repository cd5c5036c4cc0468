package console

import (
	"fmt"
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
)

// bulkStart answers POST /admin/bulk: a bulk sync is queued for the
// workers (or the running one is kept).
func (c *Console) bulkStart(w http.ResponseWriter, r *http.Request) {
	res, err := c.cfg.UseCases.StartBulkSync(r.Context(), usecase.BulkSyncOptions{})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	msg := fmt.Sprintf("Bulk sync %d started.", res.Run.ID)
	if !res.Created {
		msg = fmt.Sprintf("Bulk sync %d is running already.", res.Run.ID)
	}
	back(w, r, Prefix+"bulk", msg)
}
