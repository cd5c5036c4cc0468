package console

import (
	"net/http"
	"strings"

	"github.com/tandemhq/tandem/internal/usecase"
)

// peopleSearch answers GET /admin/people?q=: linked people and companies by
// email, name or either system's id.
func (c *Console) peopleSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := map[string]any{"Query": q}
	if q != "" {
		links, err := c.cfg.UseCases.SearchLinks(r.Context(), usecase.SearchLinksParams{Query: q, Limit: 50})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		d["Links"] = links
	}
	c.render(w, r, "people", "People", "people", d)
}
