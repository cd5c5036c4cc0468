package intercomsim

import "sort"

// listContactsPage returns the page of live contacts, in creation order,
// after the cursor after. contactList is ordered by seq, so the cursor is
// found by binary search and the page costs O(per + log n), plus the
// deleted or merged contacts it skips. The result equals paginate over
// liveContacts keyed on seq. Callers hold s.mu.
func (s *Server) listContactsPage(per int, after string) (pageResult[*contact], *apiError) {
	list := s.contactList
	start, page := 0, 1
	if after != "" {
		c, e := decodeCursor(after)
		if e != nil {
			return pageResult[*contact]{}, e
		}
		start = sort.Search(len(list), func(i int) bool { return compareKeys(sortKey{Seq: list[i].seq}, c.Key) > 0 })
		page = c.Page + 1
	}
	live := func(c *contact) bool { return !c.deleted && c.MergedInto == "" }
	res := pageResult[*contact]{Total: s.liveCount}
	i := start
	for ; i < len(list) && len(res.Items) < per; i++ {
		if live(list[i]) {
			res.Items = append(res.Items, list[i])
		}
	}
	hasNext := false
	if len(res.Items) > 0 {
		for ; i < len(list) && !hasNext; i++ {
			hasNext = live(list[i])
		}
	}
	res.Pages = map[string]any{"type": "pages", "page": page, "per_page": per, "total_pages": (s.liveCount + per - 1) / per}
	if hasNext {
		last := res.Items[len(res.Items)-1]
		res.Pages["next"] = map[string]any{"page": page + 1, "starting_after": encodeCursor(pageCursor{Key: sortKey{Seq: last.seq}, Page: page})}
	}
	return res, nil
}
