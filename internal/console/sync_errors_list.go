package console

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

type syncErrorsData struct {
	Category   string
	Categories []string
	List       usecase.SyncErrorList
	Groups     []usecase.ErrorGroup // the groups with errors in this category
	Back       string
}

// syncErrorsList answers GET /admin/errors?category=people|companies|cases|tasks.
func (c *Console) syncErrorsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cat := q.Get("category")
	if cat == "" {
		cat = tandem.CategoryPeople
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	list, err := c.cfg.UseCases.ListSyncErrors(r.Context(), usecase.ListSyncErrorsParams{Category: cat, AfterID: after, Limit: 50})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := syncErrorsData{Category: cat, List: list, Back: r.URL.RequestURI(),
		Categories: []string{tandem.CategoryPeople, tandem.CategoryCompanies, tandem.CategoryCases, tandem.CategoryTasks}}
	// Groups span categories; keep those that have an error on this page.
	seen := map[usecase.Cause]bool{}
	for _, e := range list.Errors {
		seen[usecase.Cause{System: string(e.System), Code: e.Code, Field: e.Field}] = true
	}
	for _, g := range list.Groups {
		if seen[g.Cause] {
			d.Groups = append(d.Groups, g)
		}
	}
	c.render(w, r, "errors", "Sync errors", "errors", d)
}
