package intercom

import "iter"

// iterate walks a cursor-paginated collection: fetch is called with the
// cursor of each page (start first) until a page has no next cursor.
func iterate[T any](start string, fetch func(cursor string) ([]T, *Response, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start
		for {
			page, resp, err := fetch(cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
			}
			if resp == nil || resp.NextCursor == "" || len(page) == 0 {
				return
			}
			cursor = resp.NextCursor
		}
	}
}
