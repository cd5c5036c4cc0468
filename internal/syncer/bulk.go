package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/store"
)

// A bulk sync re-aligns every linked pair along the mapping directions and
// links unlinked records by their matching keys, over the whole data set:
//
//  1. Intercom companies and contacts are listed page by page, both listings
//     at once, keeping only ids, keys and mapped attributes: in memory while
//     they take less than 56 MiB, else in a scratch table, stored a few
//     thousand at a time with the checkpoint, so memory stays flat
//     (bulk_scratch.go).
//  2. Accounts, Contacts and Leads are read through SOQL pages of 2000 in Id
//     order; the page's unlinked records are linked by key, against the
//     listed records, in one batch, then each record is compared field by
//     field with its Intercom record. While one page is compared, the next
//     is linked and the one after it read. Salesforce writes go out in sObject Collections of 200;
//     Intercom writes run concurrently, paced by X-RateLimit-Remaining/Reset.
//     What the writes leave behind (shadows, audit entries) is recorded per
//     collection and per group of finished Intercom writes, each in one
//     transaction.
//  3. The checkpoint (step, Intercom cursor, last Salesforce Id) is saved
//     after every page, with the shadows of the page's pairs that needed no
//     write, so a crashed run resumes where it stopped (having listed
//     Intercom again when its records were in memory). Every write is
//     idempotent, so redoing part of a page changes nothing twice.
//
// Bulk work stops at the API budget's bulk threshold and waits.

const (
	bulkStepCompanies = iota
	bulkStepContacts
	bulkStepAccounts
	bulkStepPeopleContacts
	bulkStepLeads
	bulkStepDone
)

var bulkStepNames = [...]string{"reading Intercom companies and contacts", "reading Intercom contacts", "aligning Accounts",
	"aligning Contacts", "aligning Leads", "done"}

type bulkCheckpoint struct {
	Step   int    `json:"step"`
	Cursor string `json:"cursor,omitempty"` // of the contacts listing
	// ContactsListed says the contacts listing is stored to its end.
	ContactsListed bool   `json:"contacts_listed,omitempty"`
	LastID         string `json:"last_id,omitempty"`
	// Memory says the listed records were held in memory (bulk_scratch.go)
	// by the process that saved the checkpoint, so a resumed run has none.
	Memory bool `json:"memory,omitempty"`
}

// BulkOptions tune a bulk sync.
type BulkOptions struct {
	// IntercomWorkers is how many Intercom writes run at once (default 16).
	IntercomWorkers int
	// Progress is called after every page with the run's state, one call
	// at a time but not always on the caller's goroutine.
	Progress func(store.BulkSync)
	// Records makes the plan list every field of every record it would
	// write, refuse or keep, not only samples.
	Records bool
	// Report receives what the run did when it ends (RunBulk).
	Report func(BulkPlan)
	// MemoryBytes is how much of the Intercom records listed the run may
	// hold in memory before it moves them to the store (bulk_scratch.go);
	// 0 means Config.BulkMemory, a negative value none at all.
	MemoryBytes int
}

// StartBulk creates a bulk sync run, or returns the one still running.
func (s *Syncer) StartBulk(ctx context.Context) (store.BulkSync, bool, error) {
	if b, err := s.store.LatestBulkSync(ctx, s.cfg.Installation); err == nil && b.Status == store.BulkRunning {
		return b, false, nil
	} else if err != nil && !store.IsNotFound(err) {
		return store.BulkSync{}, false, err
	}
	b, err := s.store.CreateBulkSync(ctx, s.cfg.Installation)
	if err != nil {
		// Another caller created one at the same moment (one running run
		// per installation is a unique index): use that one.
		if latest, lerr := s.store.LatestBulkSync(ctx, s.cfg.Installation); lerr == nil && latest.Status == store.BulkRunning {
			return latest, false, nil
		}
	}
	return b, true, err
}

// RunBulk runs (or resumes) the bulk sync run with the given id to the end.
func (s *Syncer) RunBulk(ctx context.Context, id int64, o BulkOptions) (store.BulkSync, error) {
	run, err := s.store.GetBulkSync(ctx, id)
	if err != nil {
		return run, err
	}
	if run.Status != store.BulkRunning {
		return run, nil
	}
	if o.IntercomWorkers <= 0 {
		o.IntercomWorkers = 16
	}
	// One runner at a time (see bulk_lease.go).
	lease := &runLease{s: s, id: id, holder: s.newLeaseHolder()}
	if ok, err := lease.claim(ctx); err != nil {
		return run, err
	} else if !ok {
		return run, ErrBulkBusy
	}
	ctx, cancel := context.WithCancelCause(ctx)
	renewing := make(chan struct{})
	go func() { defer close(renewing); lease.renew(ctx, cancel) }()
	defer func() {
		// The renewal stops before the release: a renewal after it
		// would take the lease again for a minute.
		cancel(nil)
		<-renewing
		lease.release(context.WithoutCancel(ctx))
	}()
	b := &bulkRun{s: s, run: run, opts: o, tally: newTally(o.Records)}
	if o.Report != nil {
		defer func() { o.Report(b.tally.plan(false)) }()
	}
	if run.Checkpoint != "" {
		if err := json.Unmarshal([]byte(run.Checkpoint), &b.cp); err != nil {
			return run, fmt.Errorf("bulk sync %d: bad checkpoint: %w", id, err)
		}
	}
	// A new run keeps its records in memory while they fit, and so does
	// one whose records were in memory; one resumed from records in the
	// store goes on with them there.
	fresh := b.cp == bulkCheckpoint{}
	b.scratch = newScratch(id, fresh || b.cp.Memory, s.memoryLimit(o))
	if b.cp.Memory && b.cp.Step <= bulkStepContacts {
		// Stopped in the scan: the records listed are gone, so it starts
		// over.
		b.cp = bulkCheckpoint{Step: bulkStepCompanies}
	}
	err = b.execute(ctx)
	if err != nil && ctx.Err() == nil && !Transient(err) {
		b.run.Status, b.run.Error = store.BulkFailed, err.Error()
		_ = s.store.UpdateBulkSync(context.WithoutCancel(ctx), b.run)
		_ = s.store.DeleteBulkRecords(context.WithoutCancel(ctx), b.run.ID)
	}
	return b.run, err
}

// PlanBulk runs a bulk sync without writing anything — no link, shadow,
// Salesforce or Intercom write — and returns what a real run would do. It
// reads both systems as a real run does.
func (s *Syncer) PlanBulk(ctx context.Context, o BulkOptions) (BulkPlan, error) {
	if o.IntercomWorkers <= 0 {
		o.IntercomWorkers = 1
	}
	// The scratch records of a dry run belong to no bulk sync row: a
	// negative id keeps them apart from every real run's.
	id := -1 - rand.Int64N(1<<53)
	b := &bulkRun{s: s, run: store.BulkSync{ID: id, Installation: s.cfg.Installation, Status: store.BulkRunning, StartedAt: s.now()},
		opts: o, dry: true, tally: newTally(o.Records), scratch: newScratch(id, true, s.memoryLimit(o))}
	defer func() { _ = s.store.DeleteBulkRecords(context.WithoutCancel(ctx), id) }()
	err := b.execute(ctx)
	return b.tally.plan(true), err
}

// memoryLimit is how many bytes of listed records a run may hold in
// memory: the run's own allowance, else the engine's.
func (s *Syncer) memoryLimit(o BulkOptions) int {
	if o.MemoryBytes != 0 {
		return o.MemoryBytes
	}
	return s.cfg.BulkMemory
}

type bulkRun struct {
	s     *Syncer
	run   store.BulkSync
	opts  BulkOptions
	cp    bulkCheckpoint
	dry   bool   // plan only: write nothing
	tally *tally // what the run does, per object and field

	mu      sync.Mutex // guards run counters updated by Intercom writers
	writers *icWriters
	batch   []pendingSF
	// batchFrom is the Id of the record before the first one in batch: a
	// resumed run starts after it. prevID is the last record aligned.
	batchFrom, prevID string
	// shadows are the shadow values of pairs that needed no write, aligned
	// since the last save, which stores them with the checkpoint; readAt
	// are the versions of the pairs' records they were computed from.
	shadows, readAt map[int64]map[string]string
	// saving is the result of the save committing behind the alignment
	// (see saveBehind); nil when none is. saveErr is the error of a save
	// that failed: every later save returns it, since the checkpoint must
	// not pass the shadows that save lost.
	saving  chan error
	saveErr error
	// recs are the scratch records listed since the last save, which
	// keeps them with the checkpoint; scratch holds those kept. The scan
	// adds to it before the alignment reads it.
	recs    []store.BulkRecord
	scratch *scratch
	// relistCP is the checkpoint to save while a resumed run lists
	// Intercom again (see relist); nil otherwise.
	relistCP *bulkCheckpoint
	// page collects the Intercom writes of the page being aligned; pages
	// are the earlier ones whose writes may still run, oldest first;
	// doneThrough is the last record of the newest page with none left.
	page        *pageWrites
	pages       []*pageWrites
	doneThrough string
}

// runStep runs the checkpoint's step to its end.
func (b *bulkRun) runStep(ctx context.Context) error {
	switch b.cp.Step {
	case bulkStepCompanies, bulkStepContacts:
		return b.scanIntercom(ctx)
	case bulkStepAccounts:
		return b.align(ctx, tandem.ObjectAccount)
	case bulkStepPeopleContacts:
		return b.align(ctx, tandem.ObjectContact)
	case bulkStepLeads:
		return b.align(ctx, tandem.ObjectLead)
	}
	return nil
}

func (b *bulkRun) execute(ctx context.Context) error {
	if b.run.Total == 0 {
		total := int64(0)
		for _, obj := range []tandem.Object{tandem.ObjectAccount, tandem.ObjectContact, tandem.ObjectLead} {
			n, err := b.sfCount(ctx, obj)
			if err != nil {
				return err
			}
			b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
			total += n
		}
		b.run.Total = total
	}
	b.writers = newICWriters(ctx, b, b.opts.IntercomWorkers)
	defer b.writers.close()
	if b.cp.Memory && b.cp.Step > bulkStepContacts && b.cp.Step < bulkStepDone {
		if err := b.relist(ctx); err != nil {
			return err
		}
	}
	for b.cp.Step < bulkStepDone {
		b.run.Phase = bulkStepNames[b.cp.Step]
		if err := b.save(ctx); err != nil {
			return err
		}
		var err error
		// CPU profiles tell the steps apart by this label (go tool pprof
		// -tags); goroutines the step starts inherit it.
		pprof.Do(ctx, pprof.Labels("bulk_step", bulkStepNames[b.cp.Step]), func(ctx context.Context) {
			err = b.runStep(ctx)
		})
		if err != nil {
			return err
		}
		b.cp = bulkCheckpoint{Step: b.cp.Step + 1}
	}
	if err := b.s.store.DeleteBulkRecords(ctx, b.run.ID); err != nil {
		return err
	}
	now := b.s.now()
	b.run.Status, b.run.Phase, b.run.FinishedAt = store.BulkDone, bulkStepNames[bulkStepDone], &now
	return b.save(ctx)
}

// save stores progress and the checkpoint, with the scratch records listed
// and the shadows of the pairs aligned since the last save in the same
// transaction, and reports them.
func (b *bulkRun) save(ctx context.Context) error {
	if err := b.saveBehind(ctx); err != nil {
		return err
	}
	return b.waitSaved()
}

// saveBehind starts save's transaction on a goroutine of its own, with
// what it stores taken from the run as it is now, and returns: the caller
// goes on while it commits. The save started before it must have
// succeeded first (its error is returned otherwise); waitSaved waits for
// this one.
func (b *bulkRun) saveBehind(ctx context.Context) error {
	if err := b.waitSaved(); err != nil {
		return err
	}
	keep := b.scratch.add(b.recs)
	if b.relistCP == nil {
		b.cp.Memory = b.scratch.inMemory()
	}
	saved := b.cp
	if b.relistCP != nil {
		saved = *b.relistCP
	}
	cp, _ := json.Marshal(saved)
	b.mu.Lock()
	b.run.Checkpoint = string(cp)
	run := b.run
	b.mu.Unlock()
	shadows, readAt := b.shadows, b.readAt
	b.shadows, b.readAt, b.recs = nil, nil, nil
	done := make(chan error, 1)
	b.saving = done
	go func() { done <- b.commitSave(ctx, run, keep, shadows, readAt) }()
	return nil
}

// waitSaved waits for the save started by saveBehind, if any, and returns
// its error, or that of any save of the run that failed before.
func (b *bulkRun) waitSaved() error {
	if b.saving != nil {
		if err := <-b.saving; err != nil && b.saveErr == nil {
			b.saveErr = err
		}
		b.saving = nil
	}
	return b.saveErr
}

// commitSave is save's transaction. A pair's shadows are left out when a
// sync of a version newer than the one the run compared (readAt) stored
// the pair's since: event sync does not wait for the run's save.
func (b *bulkRun) commitSave(ctx context.Context, run store.BulkSync, keep []store.BulkRecord, shadows, readAt map[int64]map[string]string) error {
	if b.dry {
		// A dry run keeps its scratch records, and nothing else.
		run.Checkpoint = ""
		if err := b.s.store.PutBulkRecords(ctx, keep); err != nil {
			return err
		}
	} else if err := b.s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutBulkRecords(ctx, keep); err != nil {
			return err
		}
		if _, err := tx.SetShadowsOfLinked(ctx, shadows, readAt); err != nil {
			return err
		}
		return tx.UpdateBulkSync(ctx, run)
	}); err != nil {
		return err
	}
	if b.opts.Progress != nil {
		b.opts.Progress(run)
	}
	return nil
}

// relist lists Intercom's companies and contacts again, for a run resumed
// past its scan whose records were held in memory by the process that
// stopped. The checkpoint saved meanwhile stays the one resumed from, and
// says the records are in memory until all are listed again: when there
// are too many to hold now, they go to the store, and only a complete
// listing there may be resumed from.
func (b *bulkRun) relist(ctx context.Context) error {
	resumed := b.cp
	b.cp, b.relistCP = bulkCheckpoint{Step: bulkStepCompanies}, &resumed
	b.mu.Lock()
	b.run.Phase = bulkStepNames[bulkStepCompanies]
	b.mu.Unlock()
	err := b.scanIntercom(ctx)
	if err == nil {
		err = b.save(ctx) // the records of the last pages
	}
	b.cp, b.relistCP = resumed, nil
	return err
}

// setPhase shows phase as the run's. A save that fails here is not lost:
// the next checkpoint's save returns its error (see waitSaved).
func (b *bulkRun) setPhase(ctx context.Context, phase string) {
	b.mu.Lock()
	changed := b.run.Phase != phase
	b.run.Phase = phase
	b.mu.Unlock()
	if changed {
		_ = b.save(ctx)
	}
}

func (b *bulkRun) count(fn func(*store.BulkSync)) {
	b.mu.Lock()
	fn(&b.run)
	b.mu.Unlock()
}

// sfCount counts the records of obj a bulk sync will read.
func (b *bulkRun) sfCount(ctx context.Context, obj tandem.Object) (int64, error) {
	soql := "SELECT COUNT() FROM " + obj.SObject()
	if obj == tandem.ObjectLead {
		soql += " WHERE IsConverted = false"
	}
	page, _, err := b.s.sf.QueryPage(ctx, soql, nil)
	if err != nil {
		return 0, err
	}
	return int64(page.TotalSize), nil
}

// waitBudget blocks while bulk work is paused by the API budget, showing
// the pause as the run's phase.
func (b *bulkRun) waitBudget(ctx context.Context) error {
	told := false
	for {
		ok, wait := b.s.Allow(budget.Bulk)
		if ok {
			return nil
		}
		if !told {
			b.setPhase(ctx, "paused: Salesforce API budget")
			told = true
		}
		if err := sleepCtx(ctx, min(wait, 30*time.Second)); err != nil {
			return err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
