package syncer

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// Page alignment: steps 2 and 3 of a bulk sync read Salesforce records
// page by page, link them, compare each pair field by field (with decide,
// the planner event sync uses too), and hand the writes to the Salesforce
// collection writer and the Intercom writers. The checkpoint never passes
// a record whose write is pending.

// align streams the Salesforce records of obj in Id order and aligns each
// with its Intercom record.
//
// Pages go through two stages: one reads what a page needs from the store
// and stores its new links (prepare), the other compares its pairs, queues
// their writes and saves the checkpoint. The next page is prepared while
// this one is compared, so the database and the comparing wait on each
// other less. Preparing needs only the links of the pages before it, which
// their own preparing stored.
func (b *bulkRun) align(ctx context.Context, obj tandem.Object) error {
	soql := b.alignQuery(ctx, obj)
	// The scan and the previous steps have added many rows since the
	// planner last looked (see store.RefreshBulkStatistics); the step
	// looks again whenever it has doubled the links it made.
	if err := b.s.store.RefreshBulkStatistics(ctx); err != nil {
		return err
	}
	st := &linkCount{analyzedAt: 1000}
	b.prevID, b.doneThrough, b.pages = b.cp.LastID, b.cp.LastID, nil
	b.page = &pageWrites{}
	// The page after the next one is read while this one is aligned (see
	// readAhead), and the next one is prepared.
	var (
		ahead    chan queryPage
		prepared chan preparedPage
	)
	defer func() {
		// Leave nothing running past the step.
		if prepared != nil {
			<-prepared
		}
		if ahead != nil {
			<-ahead
		}
		_ = b.waitSaved() // a failed step returns its own error
	}()
	page, ahead, err := b.readPage(ctx, obj, soql, "", ahead)
	if err != nil {
		return err
	}
	prepared = b.prepare(ctx, obj, page, st)
	for {
		p := <-prepared
		prepared = nil
		if p.err != nil {
			return p.err
		}
		last := p.page.Done || p.page.NextRecordsURL == ""
		if !last {
			next, a, err := b.readPage(ctx, obj, soql, p.page.NextRecordsURL, ahead)
			if ahead = a; err != nil {
				return err
			}
			prepared = b.prepare(ctx, obj, next, st)
		}
		if err := b.alignRecords(ctx, obj, p.page.Records, p.pd); err != nil {
			return err
		}
		if err := b.checkpointPage(ctx, p.page.Records); err != nil {
			return err
		}
		if last {
			return b.finishStep(ctx, obj, p.page.Records)
		}
	}
}

// preparedPage is a page of Salesforce records linked, with what its
// alignment needs from the store.
type preparedPage struct {
	page *salesforce.QueryResult
	pd   pageData
	err  error
}

// linkCount counts the links a step made, to refresh the planner's
// statistics whenever they doubled.
type linkCount struct{ linked, analyzedAt int64 }

// prepare starts reading what page needs from the store and linking its
// unlinked records; the result arrives on the channel returned.
func (b *bulkRun) prepare(ctx context.Context, obj tandem.Object, page *salesforce.QueryResult, st *linkCount) chan preparedPage {
	out := make(chan preparedPage, 1)
	go func() {
		pd, err := b.loadPage(ctx, obj, page.Records)
		if err == nil {
			var n int
			n, err = b.linkPage(ctx, obj, page.Records, pd)
			if st.linked += int64(n); err == nil && st.linked >= 2*st.analyzedAt {
				err = b.s.store.RefreshBulkStatistics(ctx)
				st.analyzedAt = st.linked
			}
		}
		out <- preparedPage{page: page, pd: pd, err: err}
	}()
	return out
}

// alignQuery is the SOQL query of obj's step: its records after the
// checkpoint in Id order, without converted leads.
func (b *bulkRun) alignQuery(ctx context.Context, obj tandem.Object) string {
	var where []string
	if b.cp.LastID != "" {
		where = append(where, "Id > "+salesforce.QuoteString(b.cp.LastID))
	}
	if obj == tandem.ObjectLead {
		where = append(where, "IsConverted = false")
	}
	soql := "SELECT " + strings.Join(b.s.sfFields(ctx, obj), ", ") + " FROM " + obj.SObject()
	if len(where) > 0 {
		soql += " WHERE " + strings.Join(where, " AND ")
	}
	return soql + " ORDER BY Id ASC"
}

// readPage returns the page of soql after next (the first one if next is
// empty), taken from ahead if it was read ahead, and starts reading the
// page after it. It returns that read, if any, for the caller to take
// or drain; on error none is running.
func (b *bulkRun) readPage(ctx context.Context, obj tandem.Object, soql, next string, ahead chan queryPage) (*salesforce.QueryResult, chan queryPage, error) {
	var page *salesforce.QueryResult
	var err error
	if ahead != nil {
		p := <-ahead
		page, err = p.page, p.err
	} else {
		if err := b.waitBudget(ctx); err != nil {
			return nil, nil, err
		}
		page, err = b.queryPage(ctx, soql, next)
	}
	b.setPhase(ctx, bulkStepNames[b.cp.Step])
	if err != nil {
		return nil, nil, err
	}
	b.tally.add(obj, func(o *ObjectPlan) { o.SalesforceCalls++ })
	return page, b.readAhead(ctx, soql, page), nil
}

// readAhead starts reading the page after page while page is aligned,
// when the API budget allows a call right away; it returns nil when it
// does not (page is the last one, or the budget wants a wait first).
func (b *bulkRun) readAhead(ctx context.Context, soql string, page *salesforce.QueryResult) chan queryPage {
	if page.Done || page.NextRecordsURL == "" {
		return nil
	}
	if ok, _ := b.s.Allow(budget.Bulk); !ok {
		return nil
	}
	ahead := make(chan queryPage, 1)
	go func(next string) {
		p, err := b.queryPage(ctx, soql, next)
		ahead <- queryPage{page: p, err: err}
	}(page.NextRecordsURL)
	return ahead
}

// alignRecords aligns the records of a page in order, writing the
// Salesforce batch whenever it fills a collection.
func (b *bulkRun) alignRecords(ctx context.Context, obj tandem.Object, recs []salesforce.Record, pd pageData) error {
	for _, rec := range recs {
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
	return nil
}

// checkpointPage moves the checkpoint as far as the aligned page (recs)
// allows and saves it.
func (b *bulkRun) checkpointPage(ctx context.Context, recs []salesforce.Record) error {
	// The checkpoint only moves past a page once all its Intercom
	// writes are done (they run on while the next page is aligned), and
	// never past the first record whose Salesforce write still waits for
	// a full collection.
	if n := len(recs); n > 0 {
		b.pageDone(recs[n-1].ID())
	}
	if err := b.writers.failed(); err != nil {
		return err
	}
	// Ids compare in their order, and "" (before the first record) first.
	b.cp.LastID = b.doneThrough
	if len(b.batch) > 0 {
		b.cp.LastID = min(b.cp.LastID, b.batchFrom)
	}
	// The next page is aligned while the save commits.
	return b.saveBehind(ctx)
}

// finishStep ends the step after its last page (recs): once every write
// left pending is done, the checkpoint passes the last record.
func (b *bulkRun) finishStep(ctx context.Context, obj tandem.Object, recs []salesforce.Record) error {
	if err := b.flushSF(ctx, obj); err != nil {
		return err
	}
	if err := b.writers.wait(); err != nil {
		return err
	}
	if n := len(recs); n > 0 {
		b.cp.LastID = recs[n-1].ID()
	}
	b.pages, b.doneThrough = nil, ""
	return b.save(ctx)
}

// queryPage is a page of a SOQL query read ahead.
type queryPage struct {
	page *salesforce.QueryResult
	err  error
}

// queryPage reads the first page of soql (next empty) or the next one.
func (b *bulkRun) queryPage(ctx context.Context, soql, next string) (*salesforce.QueryResult, error) {
	var (
		page *salesforce.QueryResult
		err  error
	)
	if next == "" {
		page, _, err = b.s.sf.QueryPage(ctx, soql, nil)
	} else {
		page, _, err = b.s.sf.QueryMore(ctx, next)
	}
	return page, err
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
	if pd.byKey, err = b.scratch.byKeys(ctx, s.store, obj, keys); err != nil {
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
	if pd.icRecs, err = b.scratch.byIntercomIDs(ctx, s.store, obj, icIDs); err != nil {
		return pd, err
	}
	// Candidates become links during the page; their records came with
	// the key lookup.
	for _, rs := range pd.byKey {
		for _, r := range rs {
			pd.icRecs[r.IntercomID] = r
		}
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

// alignRecord plans the writes of one Salesforce record, if it is linked.
func (b *bulkRun) alignRecord(ctx context.Context, obj tandem.Object, rec salesforce.Record, pd pageData) error {
	defer b.count(func(r *store.BulkSync) { r.Done++ })
	l, linked := pd.links[rec.ID()]
	if !linked {
		return nil
	}
	icObj, gone, err := b.intercomRecord(ctx, obj, l, pd)
	if err != nil {
		return err
	}
	if gone {
		if b.dry {
			return nil
		}
		return b.s.dropLink(ctx, l, "Intercom record deleted")
	}
	b.alignPair(ctx, obj, l, rec, icObj, pd.shadows[l.ID])
	return nil
}

// intercomRecord is the Intercom record of pair l: the listed one, or the
// one read directly when the listing left it out; gone says Intercom no
// longer has it.
func (b *bulkRun) intercomRecord(ctx context.Context, obj tandem.Object, l tandem.Link, pd pageData) (map[string]any, bool, error) {
	var icObj map[string]any
	if icRec, ok := pd.icRecs[l.IntercomID]; ok && l.Object == obj {
		err := json.Unmarshal([]byte(icRec.Data), &icObj)
		return icObj, false, err
	}
	// Not in the listing: Intercom leaves companies without contacts out
	// of lists, and a lead may have become a user. Read it directly.
	icObj, err := b.s.icGet(ctx, l.Object, l.IntercomID)
	if isIntercomGone(err) {
		return nil, true, nil
	}
	return icObj, false, err
}

// alignPair compares the two records of pair l field by field and plans
// the writes of each direction; old are the pair's stored shadows.
func (b *bulkRun) alignPair(ctx context.Context, obj tandem.Object, l tandem.Link, rec salesforce.Record, icObj map[string]any, old map[string]string) {
	b.tally.add(obj, func(o *ObjectPlan) { o.Compared++ })
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
		return
	}
	if len(sfChanges) == 0 {
		maps.Copy(old, sfShadows)
	}
	if len(icChanges) == 0 {
		maps.Copy(old, icShadows)
	}
	// The versions compared: shadows of a direction with nothing to write
	// are stored only if no sync of a newer version stored its own since.
	read := readVersions(icObj, rec)
	if len(sfChanges) == 0 && len(icChanges) == 0 {
		b.recordInSync(l.ID, old, before, read)
		return
	}
	b.count(func(r *store.BulkSync) { r.Changed++ })
	b.queueSF(l, icObj, sfChanges, sfShadows, before, read)
	b.queueIC(ctx, l, rec, icChanges, icShadows, before, read)
}

// readVersions are the versions of a pair's two records as read, under
// the shadow keys at which a sync stores the versions it synced.
func readVersions(icObj map[string]any, rec salesforce.Record) map[string]string {
	read := make(map[string]string, 2)
	if v := intercomStamp(icObj); v != "" {
		read[seenIntercomKey] = v
	}
	if v := salesforceStamp(rec); v != "" {
		read[seenSalesforceKey] = v
	}
	return read
}

// recordInSync keeps the shadows of a pair that needs no write in either
// direction, unless they are stored already (before).
func (b *bulkRun) recordInSync(linkID int64, shadows, before, read map[string]string) {
	if maps.Equal(before, shadows) {
		return // in sync and already recorded: no write at all
	}
	b.setShadows(linkID, shadows, read)
}

// queueSF adds the Salesforce write of pair l to the collection batch,
// or, with nothing to write, keeps the direction's new shadows.
func (b *bulkRun) queueSF(l tandem.Link, icObj map[string]any, changes []change, shadows, before, read map[string]string) {
	if len(changes) == 0 {
		if len(shadows) > 0 {
			b.setShadows(l.ID, unchanged(shadows, before), read)
		}
		return
	}
	stamp := intercomStamp(icObj)
	shadows[seenIntercomKey] = stamp
	if len(b.batch) == 0 {
		b.batchFrom = b.prevID
	}
	b.batch = append(b.batch, pendingSF{stamp: stamp, link: l, fields: sfBody(l.Object, changes), changes: changes, shadows: shadows})
}

// queueIC hands the Intercom write of pair l to the writers, or, with
// nothing to write, keeps the direction's new shadows.
func (b *bulkRun) queueIC(ctx context.Context, l tandem.Link, rec salesforce.Record, changes []change, shadows, before, read map[string]string) {
	if len(changes) == 0 {
		if len(shadows) > 0 {
			b.setShadows(l.ID, unchanged(shadows, before), read)
		}
		return
	}
	stamp := salesforceStamp(rec)
	shadows[seenSalesforceKey] = stamp
	b.writers.submit(ctx, pendingIC{page: b.page, stamp: stamp, link: l, body: b.s.icBody(ctx, l.Object, changes), changes: changes, shadows: shadows})
}

// setShadows adds shadows of a pair that needs no write to the page's
// batch, stored with the checkpoint that passes the pair (see save),
// unless a sync of a version newer than read (the pair's versions
// compared) stored the pair's shadows meanwhile.
func (b *bulkRun) setShadows(linkID int64, values, read map[string]string) {
	if len(values) == 0 {
		return
	}
	if b.shadows == nil {
		b.shadows = map[int64]map[string]string{}
	}
	if cur := b.shadows[linkID]; cur != nil {
		maps.Copy(cur, values)
	} else {
		b.shadows[linkID] = values
	}
	if len(read) > 0 {
		if b.readAt == nil {
			b.readAt = map[int64]map[string]string{}
		}
		b.readAt[linkID] = read
	}
}

// linkPage links the page's unlinked Salesforce records by key, each to
// the most recently updated unlinked Intercom record with the same key,
// and stores the page's new links in one batch. It returns how many it made.
func (b *bulkRun) linkPage(ctx context.Context, obj tandem.Object, recs []salesforce.Record, pd pageData) (int, error) {
	s := b.s
	var made []tandem.Link
	for _, rec := range recs {
		if _, ok := pd.links[rec.ID()]; ok {
			continue
		}
		if l, ok := b.matchByKey(obj, rec, pd); ok {
			made = append(made, l)
		}
	}
	if len(made) == 0 {
		return 0, nil
	}
	if !b.dry {
		var err error
		if made, err = s.store.UpsertLinks(ctx, made); err != nil {
			return 0, err
		}
	}
	for _, l := range made {
		if !b.dry {
			s.linkEvent("made", l)
		}
		pd.links[l.SalesforceID] = l
	}
	b.count(func(r *store.BulkSync) { r.Linked += int64(len(made)) })
	b.tally.add(obj, func(o *ObjectPlan) { o.LinksMade += int64(len(made)) })
	return len(made), nil
}

// matchByKey picks the link of a Salesforce record: the most recently
// updated Intercom record with its key that no link holds yet.
func (b *bulkRun) matchByKey(obj tandem.Object, rec salesforce.Record, pd pageData) (tandem.Link, bool) {
	s := b.s
	key := normKey(s.sfKeyField(obj), rec.String(s.sfKeyField(obj)))
	if key == "" {
		return tandem.Link{}, false
	}
	cands := pd.byKey[key]
	for _, c := range cands {
		if pd.linkedICs[c.IntercomID] {
			continue
		}
		pd.linkedICs[c.IntercomID] = true
		return tandem.Link{InstallationID: s.cfg.Installation, Object: obj,
			IntercomID: c.IntercomID, SalesforceID: rec.ID(), MatchedBy: s.icKeyField(obj), MatchKey: key,
			Note: candidatesNote(len(cands))}, true
	}
	return tandem.Link{}, false
}

// diff plans the writes of one direction of a pair from the actual values
// on both sides and the link's shadows (prev); shadows receives the
// shadows every compared field leaves behind once the write succeeded.
func (b *bulkRun) diff(ctx context.Context, l tandem.Link, d tandem.Direction, icObj map[string]any, rec salesforce.Record, prev, shadows map[string]string) []change {
	s := b.s
	var changes []change
	firstLink := !alignedOnce(prev, d)
	for _, m := range s.mappings(ctx, l.Object, d) {
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
		recordVerdict(shadows, prev, key, vd, f.src, f.dstKnown && f.src == f.dst)
		if vd.writes() {
			changes = append(changes, change{m: m, value: v, canonical: f.src, old: f.dst, verdict: vd})
		}
	}
	if firstLink {
		markIfNoField(shadows, d, 0) // the written fields' shadows are in shadows already
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
func (s *Syncer) icBody(ctx context.Context, obj tandem.Object, changes []change) map[string]any {
	body := map[string]any{}
	for _, ch := range changes {
		name := icAttrName(ch.m)
		v := ch.value
		if a := s.icAttr(ctx, obj, name); v == nil && a.DataType == "string" && a.Custom {
			v = "" // Intercom rejects null for some custom attributes; "" clears a string.
		}
		setPath(body, name, v)
	}
	return body
}
