package usecase

import (
	"context"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// ListLinksParams select a page of identity links in id order.
type ListLinksParams struct {
	Object  tandem.Object // empty: every object
	AfterID int64         // continue after this link (the previous page's NextAfter)
	Limit   int           // store.DefaultLimit when not positive; at most store.MaxLimit
}

// LinkPage is a page of links.
type LinkPage struct {
	Links []tandem.Link
	// NextAfter is the AfterID of the next page; zero when the page was not
	// full, so there is no next page. A full last page is followed by an
	// empty one.
	NextAfter int64
}

// ListLinks returns a page of identity links.
func (s *Service) ListLinks(ctx context.Context, p ListLinksParams) (LinkPage, error) {
	if p.Object != "" && !p.Object.Valid() {
		return LinkPage{}, tandem.Errorf(tandem.EINVALID, "object must be lead, contact or account, not %q.", p.Object)
	}
	if p.AfterID < 0 {
		return LinkPage{}, tandem.Errorf(tandem.EINVALID, "after must not be negative.")
	}
	limit, err := page(p.Limit)
	if err != nil {
		return LinkPage{}, err
	}
	links, err := s.cfg.Store.ListLinks(ctx, store.ListLinksParams{Installation: s.cfg.Installation, Object: p.Object,
		AfterID: p.AfterID, Limit: limit})
	if err != nil {
		return LinkPage{}, err
	}
	out := LinkPage{Links: links}
	if len(links) == limit {
		out.NextAfter = links[len(links)-1].ID
	}
	return out, nil
}
