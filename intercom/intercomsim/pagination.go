package intercomsim

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// sortKey orders items for cursor pagination: a value (number or string,
// nulls first) then the creation sequence as a tie breaker.
type sortKey struct {
	Null  bool    `json:"n,omitempty"`
	Num   float64 `json:"v,omitempty"`
	Str   string  `json:"s,omitempty"`
	IsStr bool    `json:"t,omitempty"`
	Seq   int     `json:"q"`
}

func compareKeys(a, b sortKey) int {
	if a.Null != b.Null {
		if a.Null {
			return -1
		}
		return 1
	}
	if !a.Null {
		if a.IsStr || b.IsStr {
			if c := cmp.Compare(a.Str, b.Str); c != 0 {
				return c
			}
		} else if c := cmp.Compare(a.Num, b.Num); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.Seq, b.Seq)
}

// pageCursor is what the opaque starting_after cursor encodes.
type pageCursor struct {
	Key  sortKey `json:"k"`
	Page int     `json:"p"`
}

func encodeCursor(c pageCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (pageCursor, *apiError) {
	var c pageCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Page < 1 {
		return c, errInvalid("starting_after", "starting_after is not a valid cursor")
	}
	return c, nil
}

// perPage validates a per_page value, applying the default def.
func perPage(v any, def int) (int, *apiError) {
	if v == nil || v == "" {
		return def, nil
	}
	n, ok := toInt64(v)
	if !ok || n < 1 {
		return 0, errInvalid("per_page", "per_page must be a positive integer")
	}
	if n > 150 {
		return 0, errInvalid("per_page", "per_page must be less than or equal to 150")
	}
	return int(n), nil
}

// pageResult is one page of items plus the Intercom "pages" object.
type pageResult[T any] struct {
	Items []T
	Total int
	Pages map[string]any
}

// paginate sorts items by key (descending when desc) and returns the page
// after the cursor.
func paginate[T any](items []T, key func(T) sortKey, desc bool, per int, after string) (pageResult[T], *apiError) {
	type kv struct {
		item T
		k    sortKey
	}
	all := make([]kv, len(items))
	for i, it := range items {
		all[i] = kv{it, key(it)}
	}
	order := func(a, b sortKey) int {
		if desc {
			return compareKeys(b, a)
		}
		return compareKeys(a, b)
	}
	slices.SortFunc(all, func(a, b kv) int { return order(a.k, b.k) })
	start, page := 0, 1
	if after != "" {
		c, e := decodeCursor(after)
		if e != nil {
			return pageResult[T]{}, e
		}
		start, _ = slices.BinarySearchFunc(all, c.Key, func(e kv, t sortKey) int {
			if order(e.k, t) <= 0 {
				return -1
			}
			return 1
		})
		page = c.Page + 1
	}
	end := min(start+per, len(all))
	res := pageResult[T]{Total: len(all)}
	for _, e := range all[start:end] {
		res.Items = append(res.Items, e.item)
	}
	totalPages := (len(all) + per - 1) / per
	res.Pages = map[string]any{"type": "pages", "page": page, "per_page": per, "total_pages": totalPages}
	if end < len(all) && end > start {
		res.Pages["next"] = map[string]any{"page": page + 1, "starting_after": encodeCursor(pageCursor{Key: all[end-1].k, Page: page})}
	}
	return res, nil
}

// queryInt reads an integer query parameter with a default.
func queryInt(r *http.Request, name string, def int) (int, *apiError) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errInvalid(name, "%s must be a positive integer", name)
	}
	return n, nil
}
