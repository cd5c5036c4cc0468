package console

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
)

// personShow answers GET /admin/people/{id}: a link, the last synced value
// of each mapped field with who wrote it and when, and its latest writes.
func (c *Console) personShow(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no link %q.", r.PathValue("id")))
		return
	}
	d, err := c.cfg.UseCases.LinkDetail(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "person", d.Link.MatchKey, "people", d)
}
