package web

import (
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

type linkJSON struct {
	ID           int64  `json:"id"`
	Object       string `json:"object"`
	IntercomID   string `json:"intercom_id"`
	SalesforceID string `json:"salesforce_id"`
	MatchedBy    string `json:"matched_by"`
	MatchKey     string `json:"match_key,omitempty"`
	Note         string `json:"note,omitempty"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

// linksList answers GET /api/v1/links?object=lead|contact|account&after=ID&limit=N:
// links in id order; next_after, present when the page is full, is the
// after of the next page (docs/api.md).
func (s *Server) linksList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, limit, err := paging(q.Get("after"), q.Get("limit"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.UseCases.ListLinks(r.Context(), usecase.ListLinksParams{Object: tandem.Object(q.Get("object")), AfterID: after, Limit: limit})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]linkJSON, 0, len(res.Links))
	for _, l := range res.Links {
		out = append(out, linkJSON{ID: l.ID, Object: string(l.Object), IntercomID: l.IntercomID, SalesforceID: l.SalesforceID,
			MatchedBy: l.MatchedBy, MatchKey: l.MatchKey, Note: l.Note,
			CreatedAt: l.CreatedAt.UTC().Format(timeFormat), UpdatedAt: l.UpdatedAt.UTC().Format(timeFormat)})
	}
	resp := map[string]any{"links": out}
	if res.NextAfter != 0 {
		resp["next_after"] = res.NextAfter
	}
	writeJSON(w, http.StatusOK, resp)
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// paging reads the after and limit query parameters (limit 100 when
// absent, at most 1000).
func paging(afterStr, limitStr string) (after int64, limit int, err error) {
	limit = 100
	if afterStr != "" {
		if after, err = strconv.ParseInt(afterStr, 10, 64); err != nil || after < 0 {
			return 0, 0, tandem.Errorf(tandem.EINVALID, "after must be a non-negative integer, not %q.", afterStr)
		}
	}
	if limitStr != "" {
		if limit, err = strconv.Atoi(limitStr); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, tandem.Errorf(tandem.EINVALID, "limit must be between 1 and 1000, not %q.", limitStr)
		}
	}
	return after, limit, nil
}
