package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// A bulk sync re-aligns every linked pair along the mapping directions and
// links unlinked records by their matching keys, over the whole data set:
//
//  1. Intercom companies and contacts are listed page by page into a scratch
//     table (only ids, keys and mapped attributes), so memory stays flat.
//  2. Accounts, Contacts and Leads are read through SOQL pages of 2000 in Id
//     order; each record is linked (by key, against the scratch table) if it
//     is not yet, then compared field by field with its Intercom record.
//     Salesforce writes go out in sObject Collections of 200; Intercom
//     writes run concurrently, paced by X-RateLimit-Remaining/Reset.
//  3. The checkpoint (step, Intercom cursor, last Salesforce Id) is saved
//     after every page, so a crashed run resumes where it stopped. Every
//     write is idempotent, so redoing part of a page changes nothing twice.
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

var bulkStepNames = [...]string{"reading Intercom companies", "reading Intercom contacts", "aligning Accounts",
	"aligning Contacts", "aligning Leads", "done"}

type bulkCheckpoint struct {
	Step   int    `json:"step"`
	Cursor string `json:"cursor,omitempty"`
	LastID string `json:"last_id,omitempty"`
}

// BulkOptions tune a bulk sync.
type BulkOptions struct {
	// IntercomWorkers is how many Intercom writes run at once (default 16).
	IntercomWorkers int
	// Progress is called after every page with the run's state.
	Progress func(store.BulkSync)
	// Records makes the plan list every field of every record it would
	// write, refuse or keep, not only samples.
	Records bool
	// Report receives what the run did when it ends (RunBulk).
	Report func(BulkPlan)
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
	// One runner at a time: hold the run's lease while working and renew it;
	// a runner that died lets its lease expire.
	owner := newOwnerID()
	if ok, err := s.claimBulk(ctx, id, owner); err != nil {
		return run, err
	} else if !ok {
		return run, ErrBulkBusy
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go s.renewBulkLease(ctx, cancel, id, owner)
	defer func() { _ = s.store.ReleaseBulkSync(context.WithoutCancel(ctx), id, owner) }()
	b := &bulkRun{s: s, run: run, opts: o, tally: newTally(o.Records)}
	if o.Report != nil {
		defer func() { o.Report(b.tally.plan(false)) }()
	}
	if run.Checkpoint != "" {
		if err := json.Unmarshal([]byte(run.Checkpoint), &b.cp); err != nil {
			return run, fmt.Errorf("bulk sync %d: bad checkpoint: %w", id, err)
		}
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
		opts: o, dry: true, tally: newTally(o.Records)}
	defer func() { _ = s.store.DeleteBulkRecords(context.WithoutCancel(ctx), id) }()
	err := b.execute(ctx)
	return b.tally.plan(true), err
}

// ErrBulkBusy says another runner (a replica, or `tandem sync`) holds the
// bulk sync's lease.
var ErrBulkBusy = tandem.Errorf(tandem.ECONFLICT, "This bulk sync is being run by another process; follow its progress instead.")

const bulkLease = time.Minute

// claimBulk takes the run's lease; a lease whose holder was a process of
// this host that no longer exists (a killed `tandem sync`) is taken over at
// once instead of after it expires.
func (s *Syncer) claimBulk(ctx context.Context, id int64, owner string) (bool, error) {
	until := s.now().Add(bulkLease)
	if ok, err := s.store.ClaimBulkSync(ctx, id, owner, until); err != nil || ok {
		return ok, err
	}
	prev, _, err := s.store.BulkSyncLease(ctx, id)
	if err != nil || !ownerDead(prev) {
		return false, err
	}
	return s.store.TakeOverBulkSync(ctx, id, owner, until, prev)
}

func newOwnerID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%d", host, os.Getpid(), rand.Int64())
}

// renewBulkLease renews the lease every third of its length until ctx ends;
// if the lease is lost, the run is cancelled.
func (s *Syncer) renewBulkLease(ctx context.Context, cancel context.CancelCauseFunc, id int64, owner string) {
	t := time.NewTicker(bulkLease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ok, err := s.store.ClaimBulkSync(ctx, id, owner, s.now().Add(bulkLease))
			if err == nil && !ok {
				cancel(ErrBulkBusy)
				return
			}
		}
	}
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
	// page collects the Intercom writes of the page being aligned; pages
	// are the earlier ones whose writes may still run, oldest first;
	// doneThrough is the last record of the newest page with none left.
	page        *pageWrites
	pages       []*pageWrites
	doneThrough string
}

// pageWrites tracks the Intercom writes of one page of records.
type pageWrites struct {
	wg     sync.WaitGroup
	lastID string
	done   chan struct{}
}

// pageDone closes the current page (its last record is lastID), starts a
// new one, and moves doneThrough past every finished page.
func (b *bulkRun) pageDone(lastID string) {
	pw := b.page
	pw.lastID, pw.done = lastID, make(chan struct{})
	go func() { pw.wg.Wait(); close(pw.done) }()
	b.pages = append(b.pages, pw)
	b.page = &pageWrites{}
	for len(b.pages) > 0 {
		select {
		case <-b.pages[0].done:
			b.doneThrough = b.pages[0].lastID
			b.pages = b.pages[1:]
			continue
		default:
		}
		break
	}
}

// pageData is what one page of Salesforce records needs from the store,
// read in a few queries instead of several per record.
type pageData struct {
	links     map[string]tandem.Link // by Salesforce id
	icRecs    map[string]store.BulkRecord
	shadows   map[int64]map[string]string
	byKey     map[string][]store.BulkRecord
	linkedICs map[string]bool // Intercom ids linked before this page
}

func (b *bulkRun) loadPage(ctx context.Context, obj tandem.Object, recs []salesforce.Record) (pageData, error) {
	s := b.s
	var pd pageData
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID()
	}
	var err error
	if pd.links, err = s.store.LinksBySalesforceIDs(ctx, s.cfg.Installation, obj, ids); err != nil {
		return pd, err
	}
	var icIDs, keys []string
	var linkIDs []int64
	for _, l := range pd.links {
		icIDs = append(icIDs, l.IntercomID)
		linkIDs = append(linkIDs, l.ID)
	}
	for _, r := range recs {
		if _, ok := pd.links[r.ID()]; !ok {
			if k := normKey(s.sfKeyField(obj), r.String(s.sfKeyField(obj))); k != "" {
				keys = append(keys, k)
			}
		}
	}
	if pd.byKey, err = s.store.BulkRecordsByKeys(ctx, b.run.ID, obj, keys); err != nil {
		return pd, err
	}
	var cands []string
	for _, rs := range pd.byKey {
		for _, r := range rs {
			cands = append(cands, r.IntercomID)
		}
	}
	if pd.linkedICs, err = s.store.LinkedIntercomIDs(ctx, s.cfg.Installation, linkObjects(obj), cands); err != nil {
		return pd, err
	}
	// Candidates become links during the page; their records are needed too.
	if pd.icRecs, err = s.store.BulkRecordsByIntercomIDs(ctx, b.run.ID, obj, append(icIDs, cands...)); err != nil {
		return pd, err
	}
	pd.shadows, err = s.store.ShadowsOfLinks(ctx, linkIDs)
	return pd, err
}

// linkObjects are the pairs an Intercom record of obj's kind may be linked
// in (a lead may be linked to a Contact after its Lead was converted).
func linkObjects(obj tandem.Object) []tandem.Object {
	if obj == tandem.ObjectAccount {
		return []tandem.Object{tandem.ObjectAccount}
	}
	return []tandem.Object{tandem.ObjectLead, tandem.ObjectContact}
}

// pendingSF is a pair waiting for its Salesforce write in a collection.
type pendingSF struct {
	stamp   string // the Intercom version the write comes from
	link    tandem.Link
	fields  map[string]any
	changes []change
	shadows map[string]string
}

// pendingIC is a pair waiting for its Intercom write.
type pendingIC struct {
	page    *pageWrites
	stamp   string // the Salesforce version the write comes from
	link    tandem.Link
	body    map[string]any
	changes []change
	shadows map[string]string
}

func (b *bulkRun) execute(ctx context.Context) error {
	if b.run.Total == 0 {
		total := int64(0)
		for _, obj := range []tandem.Object{tandem.ObjectAccount, tandem.ObjectContact, tandem.ObjectLead} {
			n, err := b.s.sfCount(ctx, obj)
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
	for b.cp.Step < bulkStepDone {
		b.run.Phase = bulkStepNames[b.cp.Step]
		if err := b.save(ctx); err != nil {
			return err
		}
		var err error
		switch b.cp.Step {
		case bulkStepCompanies:
			err = b.scanCompanies(ctx)
		case bulkStepContacts:
			err = b.scanContacts(ctx)
		case bulkStepAccounts:
			err = b.align(ctx, tandem.ObjectAccount)
		case bulkStepPeopleContacts:
			err = b.align(ctx, tandem.ObjectContact)
		case bulkStepLeads:
			err = b.align(ctx, tandem.ObjectLead)
		}
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

// save stores progress and the checkpoint and reports them.
func (b *bulkRun) save(ctx context.Context) error {
	cp, _ := json.Marshal(b.cp)
	b.mu.Lock()
	b.run.Checkpoint = string(cp)
	run := b.run
	b.mu.Unlock()
	if b.dry {
		run.Checkpoint = ""
	} else if err := b.s.store.UpdateBulkSync(ctx, run); err != nil {
		return err
	}
	if b.opts.Progress != nil {
		b.opts.Progress(run)
	}
	return nil
}

// scanCompanies reads every Intercom company into the scratch table. A
// scroll cannot be resumed, so this step restarts from the beginning.
func (b *bulkRun) scanCompanies(ctx context.Context) error {
	cursor := ""
	for {
		page, resp, err := b.s.ic.Companies.ScrollRaw(ctx, cursor)
		if err != nil {
			return err
		}
		if err := b.putRecords(ctx, tandem.ObjectAccount, page); err != nil {
			return err
		}
		if cursor = resp.NextCursor; cursor == "" {
			return nil
		}
	}
}

// scanContacts reads every Intercom contact into the scratch table, as a
// lead or a user by role. The cursor is saved after every page.
func (b *bulkRun) scanContacts(ctx context.Context) error {
	for {
		page, resp, err := b.s.ic.Contacts.ListRaw(ctx, &intercom.ListOptions{PerPage: 150, StartingAfter: b.cp.Cursor})
		if err != nil {
			return err
		}
		var leads, users []map[string]any
		for _, c := range page {
			if str(c["role"]) == "lead" {
				leads = append(leads, c)
			} else {
				users = append(users, c)
			}
		}
		if err := b.putRecords(ctx, tandem.ObjectLead, leads); err != nil {
			return err
		}
		if err := b.putRecords(ctx, tandem.ObjectContact, users); err != nil {
			return err
		}
		if b.cp.Cursor = resp.NextCursor; b.cp.Cursor == "" {
			return nil
		}
		if err := b.save(ctx); err != nil {
			return err
		}
	}
}

// putRecords stores the parts of Intercom records a bulk sync compares.
func (b *bulkRun) putRecords(ctx context.Context, obj tandem.Object, data []map[string]any) error {
	if len(data) == 0 {
		return nil
	}
	keyField := b.s.icKeyField(obj)
	recs := make([]store.BulkRecord, 0, len(data))
	for _, it := range data {
		trimmed := map[string]any{"id": it["id"], "role": it["role"], "updated_at": it["updated_at"], keyField: it[keyField]}
		for _, m := range b.s.cfg.Mappings {
			if m.Object != obj {
				continue
			}
			name := icAttrName(m)
			if v, ok := mapping.IntercomValue(it, name); ok {
				setPath(trimmed, name, v)
			}
		}
		if obj != tandem.ObjectAccount {
			trimmed["companies"] = it["companies"]
		}
		raw, err := json.Marshal(trimmed)
		if err != nil {
			return err
		}
		updated, _ := it["updated_at"].(float64)
		recs = append(recs, store.BulkRecord{RunID: b.run.ID, Object: obj, IntercomID: str(it["id"]),
			MatchKey: normKey(keyField, str(it[keyField])), UpdatedAt: int64(updated), Data: string(raw)})
	}
	return b.s.store.PutBulkRecords(ctx, recs)
}

func setPath(obj map[string]any, path string, v any) {
	if head, rest, ok := strings.Cut(path, "."); ok {
		child, _ := obj[head].(map[string]any)
		if child == nil {
			child = map[string]any{}
			obj[head] = child
		}
		setPath(child, rest, v)
		return
	}
	obj[path] = v
}

// align streams the Salesforce records of obj in Id order and aligns each
// with its Intercom record.
func (b *bulkRun) align(ctx context.Context, obj tandem.Object) error {
	var where []string
	if b.cp.LastID != "" {
		where = append(where, "Id > "+salesforce.QuoteString(b.cp.LastID))
	}
	if obj == tandem.ObjectLead {
		where = append(where, "IsConverted = false")
	}
	soql := "SELECT " + strings.Join(b.s.sfFields(obj), ", ") + " FROM " + obj.SObject()
	if len(where) > 0 {
		soql += " WHERE " + strings.Join(where, " AND ")
	}
	soql += " ORDER BY Id ASC"
	next := ""
	b.prevID, b.doneThrough, b.pages = b.cp.LastID, b.cp.LastID, nil
	b.page = &pageWrites{}
	for {
		if err := b.s.waitBudget(ctx, budget.Bulk, func() { b.setPhase(ctx, "paused: Salesforce API budget") }); err != nil {
			return err
		}
		b.setPhase(ctx, bulkStepNames[b.cp.Step])
		var page *salesforce.QueryResult
		var err error
		if next == "" {
			page, _, err = b.s.sf.QueryPage(ctx, soql, nil)
		} else {
			page, _, err = b.s.sf.QueryMore(ctx, next)
		}
		if err != nil {
			return err
		}
		b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
		pd, err := b.loadPage(ctx, obj, page.Records)
		if err != nil {
			return err
		}
		for _, rec := range page.Records {
			if err := b.alignRecord(ctx, obj, rec, pd); err != nil {
				return err
			}
			if len(b.batch) >= 200 {
				if err := b.flushSF(ctx, obj); err != nil {
					return err
				}
			}
			b.prevID = rec.ID()
		}
		// The checkpoint only moves past a page once all its Intercom
		// writes are done (they run on while the next page is aligned), and
		// never past the first record whose Salesforce write still waits for
		// a full collection.
		if n := len(page.Records); n > 0 {
			b.pageDone(page.Records[n-1].ID())
		}
		if err := b.writers.failed(); err != nil {
			return err
		}
		b.cp.LastID = b.doneThrough
		if len(b.batch) > 0 && (b.cp.LastID == "" || b.batchFrom < b.cp.LastID) {
			b.cp.LastID = b.batchFrom
		}
		if err := b.save(ctx); err != nil {
			return err
		}
		if page.Done || page.NextRecordsURL == "" {
			if err := b.flushSF(ctx, obj); err != nil {
				return err
			}
			if err := b.writers.wait(); err != nil {
				return err
			}
			if n := len(page.Records); n > 0 {
				b.cp.LastID = page.Records[n-1].ID()
			}
			b.pages, b.doneThrough = nil, ""
			return b.save(ctx)
		}
		next = page.NextRecordsURL
	}
}

func (b *bulkRun) setPhase(ctx context.Context, phase string) {
	b.mu.Lock()
	changed := b.run.Phase != phase
	b.run.Phase = phase
	b.mu.Unlock()
	if changed {
		_ = b.save(ctx)
	}
}

// alignRecord links one Salesforce record if needed and plans its writes.
func (b *bulkRun) alignRecord(ctx context.Context, obj tandem.Object, rec salesforce.Record, pd pageData) error {
	defer b.count(func(r *store.BulkSync) { r.Done++ })
	s := b.s
	l, linked := pd.links[rec.ID()]
	if !linked {
		var err error
		if l, linked, err = b.linkByKey(ctx, obj, rec, pd); err != nil || !linked {
			return err
		}
	}
	var icObj map[string]any
	if icRec, ok := pd.icRecs[l.IntercomID]; ok && l.Object == obj {
		if err := json.Unmarshal([]byte(icRec.Data), &icObj); err != nil {
			return err
		}
	} else {
		// Not in the listing: Intercom leaves companies without contacts out
		// of lists, and a lead may have become a user. Read it directly.
		var err error
		if icObj, err = s.icGet(ctx, l.Object, l.IntercomID); isIntercomGone(err) {
			if b.dry {
				return nil
			}
			return s.dropLink(ctx, l, "Intercom record deleted")
		} else if err != nil {
			return err
		}
	}
	b.tally.add(obj, func(o *ObjectPlan) { o.Compared++ })
	old := pd.shadows[l.ID]
	if old == nil {
		old = map[string]string{}
	}
	// Each direction's shadows are stored only once its write succeeded, so
	// a failed write is retried by the next sync instead of looking done.
	before := maps.Clone(old)
	sfShadows, icShadows := map[string]string{}, map[string]string{}
	sfChanges := b.diff(ctx, l, tandem.ToSalesforce, icObj, rec, before, sfShadows)
	icChanges := b.diff(ctx, l, tandem.ToIntercom, icObj, rec, before, icShadows)
	if len(sfChanges) > 0 {
		b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceWrites++ })
	}
	if len(icChanges) > 0 {
		b.tally.add(obj, func(o *ObjectPlan) { o.IntercomWrites++ })
	}
	if b.dry {
		if len(sfChanges) > 0 {
			b.batch = append(b.batch, pendingSF{link: l})
		}
		return nil
	}
	if len(sfChanges) == 0 {
		maps.Copy(old, sfShadows)
	}
	if len(icChanges) == 0 {
		maps.Copy(old, icShadows)
	}
	if len(sfChanges) == 0 && len(icChanges) == 0 {
		if maps.Equal(before, old) {
			return nil // in sync and already recorded: no write at all
		}
		return s.store.SetShadows(ctx, l.ID, old)
	}
	b.count(func(r *store.BulkSync) { r.Changed++ })
	if len(sfChanges) > 0 {
		stamp := intercomStamp(icObj)
		sfShadows[seenIntercomKey] = stamp
		if len(b.batch) == 0 {
			b.batchFrom = b.prevID
		}
		b.batch = append(b.batch, pendingSF{stamp: stamp, link: l, fields: sfBody(l.Object, sfChanges), changes: sfChanges, shadows: sfShadows})
	} else if len(sfShadows) > 0 {
		if err := s.store.SetShadows(ctx, l.ID, unchanged(sfShadows, before)); err != nil {
			return err
		}
	}
	if len(icChanges) > 0 {
		stamp := salesforceStamp(rec)
		icShadows[seenSalesforceKey] = stamp
		b.writers.submit(ctx, pendingIC{page: b.page, stamp: stamp, link: l, body: s.icBody(l.Object, icChanges), changes: icChanges, shadows: icShadows})
	} else if len(icShadows) > 0 {
		if err := s.store.SetShadows(ctx, l.ID, unchanged(icShadows, before)); err != nil {
			return err
		}
	}
	return nil
}

// linkByKey links a Salesforce record to the most recently updated unlinked
// Intercom record with the same key.
func (b *bulkRun) linkByKey(ctx context.Context, obj tandem.Object, rec salesforce.Record, pd pageData) (tandem.Link, bool, error) {
	s := b.s
	key := normKey(s.sfKeyField(obj), rec.String(s.sfKeyField(obj)))
	if key == "" {
		return tandem.Link{}, false, nil
	}
	cands := pd.byKey[key]
	for _, c := range cands {
		if pd.linkedICs[c.IntercomID] {
			continue
		}
		l := tandem.Link{InstallationID: s.cfg.Installation, Object: obj,
			IntercomID: c.IntercomID, SalesforceID: rec.ID(), MatchedBy: s.icKeyField(obj), MatchKey: key,
			Note: candidatesNote(len(cands))}
		if !b.dry {
			var err error
			if l, err = s.store.UpsertLink(ctx, l); err != nil {
				return tandem.Link{}, false, err
			}
			s.linkEvent("made", l)
		}
		pd.linkedICs[c.IntercomID] = true
		b.count(func(r *store.BulkSync) { r.Linked++ })
		b.tally.add(obj, func(o *ObjectPlan) { o.LinksMade++ })
		return l, true, nil
	}
	return tandem.Link{}, false, nil
}

// flushSF writes the pending Salesforce changes in one collection call.
func (b *bulkRun) flushSF(ctx context.Context, obj tandem.Object) error {
	if len(b.batch) == 0 {
		return nil
	}
	if err := b.s.waitBudget(ctx, budget.Bulk, func() { b.setPhase(ctx, "paused: Salesforce API budget") }); err != nil {
		return err
	}
	pending := b.batch
	b.batch = nil
	if b.dry {
		b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
		return nil
	}
	// Event sync may be writing the same records right now: hold their
	// locks, and drop the pairs it has already synced from a newer version.
	keys := make([]string, 0, len(pending))
	for _, p := range pending {
		keys = append(keys, "ic:"+p.link.IntercomID)
	}
	defer b.s.locks.lockAll(keys)()
	pending, err := b.s.dropSuperseded(ctx, pending)
	if err != nil {
		return err
	}
	for attempt := 0; len(pending) > 0; attempt++ {
		recs := make([]salesforce.Record, len(pending))
		for i, p := range pending {
			f := maps.Clone(p.fields)
			f["Id"] = p.link.SalesforceID
			recs[i] = salesforce.NewRecord(obj.SObject(), f)
		}
		results, err := b.s.sf.Collections.Update(ctx, recs, false)
		b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
		if err != nil {
			return err // the whole call failed: the job retries from the checkpoint
		}
		var again []pendingSF
		for i, p := range pending {
			if i >= len(results) {
				again = append(again, p)
				continue
			}
			r := results[i]
			switch rerr := r.Err(); {
			case r.Success:
				if err := b.s.commit(ctx, p.link, tandem.ToSalesforce, tandem.OpUpdateSalesforce, p.changes, p.shadows, tandem.CauseBulk); err != nil {
					return err
				}
			case Transient(rerr):
				if attempt >= 4 {
					// Still failing: stop here; the resumed run redoes this page.
					return rerr
				}
				again = append(again, p)
			case isSalesforceGone(rerr):
				if err := b.s.dropLink(ctx, p.link, "Salesforce record deleted"); err != nil {
					return err
				}
			default:
				b.count(func(r *store.BulkSync) { r.Failed++ })
				if _, err := b.s.RecordFailure(ctx, p.link, tandem.OpUpdateSalesforce, tandem.SystemSalesforce, changedFields(p.changes), p.fields, rerr); err != nil {
					return err
				}
			}
		}
		pending = again
		if len(pending) > 0 {
			if err := sleepCtx(ctx, time.Duration(1<<attempt)*250*time.Millisecond); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *bulkRun) count(fn func(*store.BulkSync)) {
	b.mu.Lock()
	fn(&b.run)
	b.mu.Unlock()
}

// diff plans the writes of one direction of a pair from the actual values
// on both sides and the link's shadows (prev); shadows receives the
// shadows every compared field leaves behind once the write succeeded.
func (b *bulkRun) diff(ctx context.Context, l tandem.Link, d tandem.Direction, icObj map[string]any, rec salesforce.Record, prev, shadows map[string]string) []change {
	s := b.s
	var changes []change
	firstLink := prev[alignedKey(d)] == ""
	if firstLink {
		shadows[alignedKey(d)] = "1"
	}
	for _, m := range s.mappings(l.Object, d) {
		name := icAttrName(m)
		var (
			v, cur     any
			err        error
			key, field string
			op         = tandem.OpUpdateSalesforce
		)
		if d == tandem.ToSalesforce {
			raw, _ := mapping.IntercomValue(icObj, name)
			v, err = s.toSalesforce(ctx, l.Object, m, raw)
			cur, _ = mapping.SalesforceValue(rec, m.Salesforce)
			key, field = sfShadowKey(m), m.Salesforce
		} else {
			raw, _ := mapping.SalesforceValue(rec, m.Salesforce)
			v, err = s.toIntercom(ctx, l.Object, m, raw)
			cur, _ = mapping.IntercomValue(icObj, name)
			key, field, op = icShadowKey(m), name, tandem.OpUpdateIntercom
		}
		if err != nil {
			if !b.dry {
				_ = s.skipUnfitValue(ctx, l, m, op, err)
			}
			continue
		}
		f := fieldState{src: mapping.Canonical(v), dst: mapping.Canonical(cur), dstKnown: true, firstLink: firstLink}
		f.shadow, f.hasShadow = prev[key]
		f.heldSrc, f.isHeld = holdOf(prev, key)
		vd := decide(m, f, true)
		b.tally.field(l, m, field, vd, f)
		if !b.dry {
			s.noteVerdict(l, m, vd, f)
		}
		recordVerdict(shadows, prev, key, vd, f.src)
		if vd.writes() {
			changes = append(changes, change{m: m, value: v, canonical: f.src, old: f.dst, verdict: vd})
		}
	}
	return changes
}

// sfBody is the Salesforce update body of changes.
func sfBody(obj tandem.Object, changes []change) map[string]any {
	fields := map[string]any{}
	for _, ch := range changes {
		maps.Copy(fields, sfWrite(obj, ch.m.Salesforce, ch.value))
	}
	return fields
}

// icBody is the Intercom update body of changes.
func (s *Syncer) icBody(obj tandem.Object, changes []change) map[string]any {
	body := map[string]any{}
	for _, ch := range changes {
		name := icAttrName(ch.m)
		v := ch.value
		if a := s.icAttr(obj, name); v == nil && a.DataType == "string" && a.Custom {
			v = "" // Intercom rejects null for some custom attributes; "" clears a string.
		}
		setPath(body, name, v)
	}
	return body
}

// sfCount counts the records of obj a bulk sync will read.
func (s *Syncer) sfCount(ctx context.Context, obj tandem.Object) (int64, error) {
	soql := "SELECT COUNT() FROM " + obj.SObject()
	if obj == tandem.ObjectLead {
		soql += " WHERE IsConverted = false"
	}
	page, _, err := s.sf.QueryPage(ctx, soql, nil)
	if err != nil {
		return 0, err
	}
	return int64(page.TotalSize), nil
}

// waitBudget blocks while work of class c is paused by the API budget,
// calling paused once when it starts waiting.
func (s *Syncer) waitBudget(ctx context.Context, c budget.Class, paused func()) error {
	told := false
	for {
		ok, wait := s.Allow(c)
		if ok {
			return nil
		}
		if !told && paused != nil {
			paused()
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
	defer s.locks.lock("sf:" + p.link.SalesforceID)()
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

// dropSuperseded removes the pairs whose link has been synced by event sync
// from an Intercom version newer than the bulk snapshot.
func (s *Syncer) dropSuperseded(ctx context.Context, pending []pendingSF) ([]pendingSF, error) {
	out := pending[:0]
	for _, p := range pending {
		cur, err := s.store.Shadows(ctx, p.link.ID)
		if err != nil {
			return nil, err
		}
		if p.stamp != "" && cur[seenIntercomKey] > p.stamp {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
