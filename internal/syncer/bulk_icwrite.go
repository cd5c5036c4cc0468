package syncer

import (
	"context"
	"sync"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// The Intercom writers of a bulk sync: a pool of goroutines that write
// pairs' Intercom side while the next page is aligned.

// pendingIC is a pair waiting for its Intercom write.
type pendingIC struct {
	page    *pageWrites
	stamp   string // the Salesforce version the write comes from
	link    tandem.Link
	body    map[string]any
	changes []change
	shadows map[string]string
}

// icWriters writes to Intercom concurrently. The client paces the writes
// by Intercom's rate-limit headers and retries transient failures itself.
type icWriters struct {
	b     *bulkRun
	jobs  chan pendingIC
	wg    sync.WaitGroup // workers
	inFly sync.WaitGroup // submitted, not finished
	mu    sync.Mutex
	err   error
}

func newICWriters(ctx context.Context, b *bulkRun, n int) *icWriters {
	w := &icWriters{b: b, jobs: make(chan pendingIC, n*4)}
	for range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for p := range w.jobs {
				w.write(ctx, p)
				p.page.wg.Done()
				w.inFly.Done()
			}
		}()
	}
	return w
}

func (w *icWriters) submit(ctx context.Context, p pendingIC) {
	w.inFly.Add(1)
	p.page.wg.Add(1)
	select {
	case w.jobs <- p:
	case <-ctx.Done():
		p.page.wg.Done()
		w.inFly.Done()
	}
}

// failed returns (and forgets) the transient error that made a write give
// up, if any, without waiting.
func (w *icWriters) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	w.err = nil
	return err
}

// wait blocks until every submitted write finished, and returns (and
// forgets) the transient error that made a write give up, if any: the run
// stops and its resumption redoes the page.
func (w *icWriters) wait() error {
	w.inFly.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	w.err = nil
	return err
}

func (w *icWriters) close() {
	close(w.jobs)
	w.wg.Wait()
}

func (w *icWriters) write(ctx context.Context, p pendingIC) {
	s := w.b.s
	defer s.locks.Lock("sf:" + p.link.SalesforceID)()
	if cur, err := s.store.Shadows(ctx, p.link.ID); err != nil {
		w.mu.Lock()
		w.err = err // the run stops before its checkpoint passes this record
		w.mu.Unlock()
		return
	} else if p.stamp != "" && cur[seenSalesforceKey] > p.stamp {
		return // event sync already synced a newer version of this record
	}
	err := s.icUpdate(ctx, p.link.Object, p.link.IntercomID, p.body)
	switch {
	case err == nil:
		if cerr := s.commit(ctx, p.link, tandem.ToIntercom, tandem.OpUpdateIntercom, p.changes, p.shadows, tandem.CauseBulk); cerr != nil {
			s.log.Error("bulk sync: record Intercom write", "err", cerr)
		}
	case isIntercomGone(err):
		_ = s.dropLink(ctx, p.link, "Intercom record deleted")
	case ctx.Err() != nil:
	case Transient(err):
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
	default:
		w.b.count(func(r *store.BulkSync) { r.Failed++ })
		if _, rerr := s.RecordFailure(ctx, p.link, tandem.OpUpdateIntercom, tandem.SystemIntercom, changedFields(p.changes), p.body, err); rerr != nil {
			s.log.Error("bulk sync: record failure", "err", rerr)
		}
	}
}
