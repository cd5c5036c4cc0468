package console

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
)

// bulkPlan answers POST /admin/bulk/plan: a dry run, showing what a bulk
// sync would write without writing anything.
func (c *Console) bulkPlan(w http.ResponseWriter, r *http.Request) {
	plan, err := c.cfg.UseCases.PlanBulkSync(r.Context(), usecase.PlanBulkSyncParams{})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d, err := c.bulkData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Plan = &plan
	c.render(w, r, "bulk", "Bulk sync — dry run", "bulk", d)
}
