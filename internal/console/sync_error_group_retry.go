package console

import (
	"fmt"
	"net/http"

	"github.com/tandemhq/tandem/internal/usecase"
)

// syncErrorGroupRetry answers POST /admin/errors/retry-group with the
// group's cause (system/code/field).
func (c *Console) syncErrorGroupRetry(w http.ResponseWriter, r *http.Request) {
	cause, err := usecase.ParseCause(r.PostFormValue("cause"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	res, err := c.cfg.UseCases.RetrySyncErrorGroup(r.Context(), cause)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	msg := fmt.Sprintf("Retry of %d sync errors of %s queued.", res.Queued, cause)
	if len(res.Skipped) > 0 {
		msg += fmt.Sprintf(" %d name no record to retry and stay open.", len(res.Skipped))
	}
	back(w, r, Prefix+"errors", msg)
}
