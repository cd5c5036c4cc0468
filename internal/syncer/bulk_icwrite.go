package syncer

import (
	"context"
	"slices"
	"strings"
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

// icWriters writes to Intercom concurrently. A gate takes the submitted
// writes in batches: it locks their records and drops those event sync
// has meanwhile synced from a newer Salesforce version, with one store
// read per batch (one per write made the writers queue behind every
// transaction of the run on SQLite's single connection). The client paces
// the writes by Intercom's rate-limit headers and retries transient
// failures itself. A successful write is recorded (shadows, audit) by one
// committer that records every write that finished meanwhile in one
// transaction; the record's lock is held until then, so event sync never
// sees the write without its shadows.
type icWriters struct {
	b         *bulkRun
	submitted chan pendingIC
	jobs      chan gatedIC
	committed chan icWritten
	gateWG    sync.WaitGroup // the gate
	wg        sync.WaitGroup // workers
	commitWG  sync.WaitGroup // the committer
	inFly     sync.WaitGroup // submitted, not finished
	mu        sync.Mutex
	err       error
}

// gatedIC is a write that passed the gate, holding its record's lock.
type gatedIC struct {
	p      pendingIC
	unlock func()
}

// icWritten is a write to record, and the release of its record's lock.
type icWritten struct {
	p      pendingIC
	unlock func()
}

// maxCommitBatch caps the writes recorded in one transaction.
const maxCommitBatch = 500

// maxGateBatch caps the writes the gate checks with one store read. The
// records of a batch stay locked until their writes are recorded, so event
// sync of one of them from Salesforce waits meanwhile: at Intercom's usual
// limit of 100 writes a second, a batch and the writes ahead of it (64
// queued and 16 running at most) take up to about 1.5 s.
const maxGateBatch = 64

func newICWriters(ctx context.Context, b *bulkRun, n int) *icWriters {
	w := &icWriters{b: b, submitted: make(chan pendingIC, maxGateBatch), jobs: make(chan gatedIC, n*4),
		committed: make(chan icWritten, maxCommitBatch)}
	w.gateWG.Add(1)
	go func() {
		defer w.gateWG.Done()
		w.gateLoop(ctx)
	}()
	for range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for g := range w.jobs {
				w.write(ctx, g.p, g.unlock)
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
	case w.submitted <- p:
	case <-ctx.Done():
		w.finish(p)
	}
}

// finish marks a submitted write as finished.
func (w *icWriters) finish(p pendingIC) {
	p.page.wg.Done()
	w.inFly.Done()
}

// fail keeps err, which stops the run at the next checkpoint: a write
// gave up on a transient error, or what happened to a write could not be
// recorded.
func (w *icWriters) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

// failed returns (and forgets) the error kept by fail, if any, without
// waiting.
func (w *icWriters) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	w.err = nil
	return err
}

// wait blocks until every submitted write finished, and returns (and
// forgets) the error kept by fail, if any: the run stops and its
// resumption redoes the page.
func (w *icWriters) wait() error {
	w.inFly.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	w.err = nil
	return err
}

func (w *icWriters) close() {
	close(w.submitted)
	w.gateWG.Wait()
	close(w.jobs)
	w.wg.Wait()
	close(w.committed)
	w.commitWG.Wait()
}

// gateLoop hands the submitted writes to the workers, in batches of every
// write submitted meanwhile.
func (w *icWriters) gateLoop(ctx context.Context) {
	for first := range w.submitted {
		for batch := takeWaiting(w.submitted, first, maxGateBatch); len(batch) > 0; {
			batch = w.pass(ctx, batch)
		}
	}
}

// pass hands to the workers the first write of each record in batch: it
// takes their records' locks, in key order, and drops the writes whose
// record event sync has synced from a newer Salesforce version than the
// one the write comes from. It returns the writes left, of records
// written earlier in the batch, in the order submitted.
func (w *icWriters) pass(ctx context.Context, batch []pendingIC) []pendingIC {
	s := w.b.s
	var now, later []pendingIC
	keys := make(map[string]bool, len(batch))
	for _, p := range batch {
		if keys[p.link.SalesforceID] {
			later = append(later, p) // a lock is taken once
			continue
		}
		keys[p.link.SalesforceID] = true
		now = append(now, p)
	}
	slices.SortFunc(now, func(a, b pendingIC) int { return strings.Compare(a.link.SalesforceID, b.link.SalesforceID) })
	unlocks := make([]func(), len(now))
	ids := make([]int64, len(now))
	for i, p := range now {
		unlocks[i] = s.locks.Lock("sf:" + p.link.SalesforceID)
		ids[i] = p.link.ID
	}
	seen, err := s.store.ShadowOfLinks(ctx, ids, seenSalesforceKey)
	for i, p := range now {
		switch {
		case err != nil:
			w.fail(err) // the run stops before its checkpoint passes this record
		case p.stamp != "" && seen[p.link.ID] > p.stamp:
			// event sync already synced a newer version of this record
		default:
			w.jobs <- gatedIC{p: p, unlock: unlocks[i]}
			continue
		}
		unlocks[i]()
		w.finish(p)
	}
	return later
}

// write writes p, whose record's lock unlock releases, to Intercom.
func (w *icWriters) write(ctx context.Context, p pendingIC, unlock func()) {
	s := w.b.s
	err := s.icUpdate(ctx, p.link.Object, p.link.IntercomID, p.body)
	if err == nil {
		w.committed <- icWritten{p: p, unlock: unlock}
		return
	}
	defer w.finish(p)
	defer unlock()
	switch {
	case isIntercomGone(err):
		if derr := s.dropLink(ctx, p.link, "Intercom record deleted"); derr != nil {
			w.fail(derr) // the checkpoint must not pass a link left behind
		}
	case ctx.Err() != nil:
	case Transient(err):
		w.fail(err)
	default:
		w.b.count(func(r *store.BulkSync) { r.Failed++ })
		if _, rerr := s.RecordFailure(ctx, p.link, tandem.OpUpdateIntercom, tandem.SystemIntercom, changedFields(p.changes), p.body, err); rerr != nil {
			// Without its sync error the failed write would leave no
			// trace: the run stops, and its resumption tries again.
			w.fail(rerr)
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
		batch := takeWaiting(w.committed, first, maxCommitBatch)
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

// takeWaiting returns first and what ch holds already, up to max in all,
// without waiting for more.
func takeWaiting[T any](ch <-chan T, first T, max int) []T {
	batch := []T{first}
	for len(batch) < max {
		select {
		case next, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, next)
		default:
			return batch
		}
	}
	return batch
}
