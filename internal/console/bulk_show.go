package console

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
)

type bulkData struct {
	Runs    []usecase.BulkSyncView
	Running *usecase.BulkSyncView
	Plan    *usecase.BulkPlan
}

// bulkShow answers GET /admin/bulk: the running bulk sync with live
// progress, and the history of runs.
func (c *Console) bulkShow(w http.ResponseWriter, r *http.Request) {
	d, err := c.bulkData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "bulk", "Bulk sync", "bulk", d)
}

func (c *Console) bulkData(r *http.Request) (bulkData, error) {
	runs, err := c.cfg.UseCases.ListBulkSyncs(r.Context(), 20)
	if err != nil {
		return bulkData{}, err
	}
	d := bulkData{Runs: runs}
	for i := range runs {
		if runs[i].Running() {
			d.Running = &runs[i]
			break
		}
	}
	return d, nil
}
