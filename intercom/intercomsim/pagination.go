package intercomsim

import (
	"cmp"
	"container/heap"
	"encoding/base64"
	"encoding/json"
	"iter"
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
	return paginateSeq(slices.Values(items), key, desc, per, after)
}

// paginateSeq is paginate over a sequence. Keys must be unique (the
// creation sequence breaks ties). Instead of sorting every item it keeps
// the per+1 first items after the cursor in a bounded heap, so a page costs
// O(n log per) time and O(per) memory.
func paginateSeq[T any](items iter.Seq[T], key func(T) sortKey, desc bool, per int, after string) (pageResult[T], *apiError) {
	order := func(a, b sortKey) int {
		if desc {
			return compareKeys(b, a)
		}
		return compareKeys(a, b)
	}
	var cursor *sortKey
	page := 1
	if after != "" {
		c, e := decodeCursor(after)
		if e != nil {
			return pageResult[T]{}, e
		}
		cursor = &c.Key
		page = c.Page + 1
	}
	h := &pageHeap[T]{order: order, keep: per + 1}
	total := 0
	for it := range items {
		total++
		k := key(it)
		if cursor != nil && order(k, *cursor) <= 0 {
			continue
		}
		h.offer(it, k)
	}
	sorted := h.sorted()
	hasNext := len(sorted) > per
	sorted = sorted[:min(per, len(sorted))]
	res := pageResult[T]{Total: total}
	for _, e := range sorted {
		res.Items = append(res.Items, e.item)
	}
	totalPages := (total + per - 1) / per
	res.Pages = map[string]any{"type": "pages", "page": page, "per_page": per, "total_pages": totalPages}
	if hasNext {
		res.Pages["next"] = map[string]any{"page": page + 1, "starting_after": encodeCursor(pageCursor{Key: sorted[len(sorted)-1].k, Page: page})}
	}
	return res, nil
}

// keyed is an item with its sort key.
type keyed[T any] struct {
	item T
	k    sortKey
}

// pageHeap keeps the keep first items by order: a max-heap whose root is
// the last item kept.
type pageHeap[T any] struct {
	order func(a, b sortKey) int
	keep  int
	items []keyed[T]
}

func (h *pageHeap[T]) Len() int           { return len(h.items) }
func (h *pageHeap[T]) Less(i, j int) bool { return h.order(h.items[i].k, h.items[j].k) > 0 }
func (h *pageHeap[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *pageHeap[T]) Push(x any)         { h.items = append(h.items, x.(keyed[T])) }
func (h *pageHeap[T]) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// offer adds an item if it is among the keep first seen so far.
func (h *pageHeap[T]) offer(it T, k sortKey) {
	if len(h.items) < h.keep {
		heap.Push(h, keyed[T]{it, k})
		return
	}
	if h.order(k, h.items[0].k) < 0 {
		h.items[0] = keyed[T]{it, k}
		heap.Fix(h, 0)
	}
}

// sorted returns the kept items in order.
func (h *pageHeap[T]) sorted() []keyed[T] {
	slices.SortFunc(h.items, func(a, b keyed[T]) int { return h.order(a.k, b.k) })
	return h.items
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
