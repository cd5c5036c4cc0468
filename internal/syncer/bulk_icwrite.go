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
// A successful write is recorded (shadows, audit) by one committer that
// records every write that finished meanwhile in one transaction; the
// record's lock is held until then, so event sync never sees the write
// without its shadows.
type icWriters struct {
	b         *bulkRun
	jobs      chan pendingIC
	committed chan icWritten
	wg        sync.WaitGroup // workers
	commitWG  sync.WaitGroup // the committer
	inFly     sync.WaitGroup // submitted, not finished
	mu        sync.Mutex
	err       error
}

// icWritten is a write to record, and the release of its record's lock.
type icWritten struct {
	p      pendingIC
	unlock func()
}

// maxCommitBatch caps the writes recorded in one transaction.
const maxCommitBatch = 500

func newICWriters(ctx context.Context, b *bulkRun, n int) *icWriters {
	w := &icWriters{b: b, jobs: make(chan pendingIC, n*4), committed: make(chan icWritten, maxCommitBatch)}
	for range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for p := range w.jobs {
				w.write(ctx, p)
			}
		}()
	}
	w.commitWG.Add(1)
	go func() {
		defer w.commitWG.Done()
		w.commitLoop(ctx)
	}()
	return w
}

func (w *icWriters) submit(ctx context.Context, p pendingIC) {
	w.inFly.Add(1)
	p.page.wg.Add(1)
	select {
	case w.jobs <- p:
	case <-ctx.Done():
		w.finish(p)
	}
}

// finish marks a submitted write as finished.
func (w *icWriters) finish(p pendingIC) {
	p.page.wg.Done()
	w.inFly.Done()
}

func (w *icWriters) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
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
	close(w.committed)
	w.commitWG.Wait()
}

func (w *icWriters) write(ctx context.Context, p pendingIC) {
	s := w.b.s
	unlock := s.locks.Lock("sf:" + p.link.SalesforceID)
	if seen, _, err := s.store.Shadow(ctx, p.link.ID, seenSalesforceKey); err != nil {
		unlock()
		w.fail(err) // the run stops before its checkpoint passes this record
		w.finish(p)
		return
	} else if p.stamp != "" && seen > p.stamp {
		unlock()
		w.finish(p)
		return // event sync already synced a newer version of this record
	}
	err := s.icUpdate(ctx, p.link.Object, p.link.IntercomID, p.body)
	if err == nil {
		w.committed <- icWritten{p: p, unlock: unlock}
		return
	}
	defer w.finish(p)
	defer unlock()
	switch {
	case isIntercomGone(err):
		_ = s.dropLink(ctx, p.link, "Intercom record deleted")
	case ctx.Err() != nil:
	case Transient(err):
		w.fail(err)
	default:
		w.b.count(func(r *store.BulkSync) { r.Failed++ })
		if _, rerr := s.RecordFailure(ctx, p.link, tandem.OpUpdateIntercom, tandem.SystemIntercom, changedFields(p.changes), p.body, err); rerr != nil {
			s.log.Error("bulk sync: record failure", "err", rerr)
		}
	}
}

// commitLoop records the successful writes: each transaction takes every
// write that finished while the previous one ran (group commit), so the
// records of many writes share one commit when writes are fast, and a
// write waits for no other when they are slow.
func (w *icWriters) commitLoop(ctx context.Context) {
	s := w.b.s
	// Writes made must be recorded even when the run is being stopped.
	ctx = context.WithoutCancel(ctx)
	for first := range w.committed {
		batch := []icWritten{first}
	more:
		for len(batch) < maxCommitBatch {
			select {
			case next, ok := <-w.committed:
				if !ok {
					break more
				}
				batch = append(batch, next)
			default:
				break more
			}
		}
		ws := make([]written, len(batch))
		for i, c := range batch {
			ws[i] = written{link: c.p.link, changes: c.p.changes, shadows: c.p.shadows}
		}
		if err := s.commitMany(ctx, tandem.ToIntercom, tandem.OpUpdateIntercom, ws, tandem.CauseBulk); err != nil {
			s.log.Error("bulk sync: record Intercom writes", "err", err)
			// The checkpoint must not pass these records: the resumed run
			// compares them again (their writes are idempotent).
			w.fail(err)
		}
		for _, c := range batch {
			c.unlock()
			w.finish(c.p)
		}
	}
}
