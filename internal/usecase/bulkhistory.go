package usecase

import "context"

// ListBulkSyncs returns the latest n bulk sync runs (100 when n is not
// positive), newest first.
func (s *Service) ListBulkSyncs(ctx context.Context, n int) ([]BulkSyncView, error) {
	runs, err := s.cfg.Store.ListBulkSyncs(ctx, s.cfg.Installation, n)
	if err != nil {
		return nil, err
	}
	out := make([]BulkSyncView, 0, len(runs))
	for _, b := range runs {
		out = append(out, NewBulkSyncView(b, s.cfg.Now()))
	}
	return out, nil
}
