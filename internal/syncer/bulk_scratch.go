package syncer

import (
	"cmp"
	"context"
	"slices"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
)

// The scratch records of a bulk sync (the Intercom records its scan
// listed) stay in memory while there are few enough of them, and go to
// the store's scratch table once there are more: writing every record to
// the database, reading it back page by page and deleting it at the end
// was a quarter of a run's CPU time, though most workspaces' records fit
// in a few tens of megabytes.
//
// Records held in memory die with the process. The checkpoint says where
// they are (bulkCheckpoint.Memory), and a run resumed from a checkpoint
// whose records were in memory lists Intercom again before it goes on
// (see bulkRun.relist).

// memScratchBytes is how much of the listed records a run holds in memory
// before it moves them all to the store, unless Config.BulkMemory (the
// setting sync.bulk_memory_mb, of the same default) or the run's options
// say otherwise. A record kept is its ids, key and mapped attributes:
// holding a contact of the default mappings takes about 480 bytes, so
// about 120,000 fit.
const memScratchBytes = 56 << 20

// memRecordOverhead is what holding a record costs beyond the length of
// its strings: its entry in a chunk and in both maps, and the rounding of
// its strings' allocations. TestScratchEstimateCoversItsHeap holds the
// estimate above the heap a run's records really take (435–481 bytes a
// record, from 15,000 to 140,000 records, where the strings are ~295).
const memRecordOverhead = 200

// scratch is where a run keeps its listed records. The scan adds to it;
// the alignment, which comes after, reads it.
type scratch struct {
	runID int64
	limit int
	// mem holds the records by object while they are in memory; nil once
	// they are in the store. size is what they take, by the estimate.
	mem  map[tandem.Object]*memRecords
	size int
}

// memRecords are the records of one object, held in chunks: a single
// slice would copy itself, and hold both copies at once, each time it
// doubled.
type memRecords struct {
	chunks [][]memRecord
	byID   map[string]int32 // index of the record (see rec)
	byKey  map[string]int32 // index of the first record with the key
}

// memChunkBits sets the records of a chunk: 1,024 of 64 bytes.
const memChunkBits = 10

// rec is record i.
func (m *memRecords) rec(i int32) *memRecord {
	return &m.chunks[i>>memChunkBits][i&(1<<memChunkBits-1)]
}

// len is how many records m holds.
func (m *memRecords) len() int {
	if len(m.chunks) == 0 {
		return 0
	}
	return (len(m.chunks)-1)<<memChunkBits + len(m.chunks[len(m.chunks)-1])
}

// push adds r and returns its index.
func (m *memRecords) push(r memRecord) int32 {
	i := m.len()
	if i&(1<<memChunkBits-1) == 0 {
		m.chunks = append(m.chunks, make([]memRecord, 0, 1<<memChunkBits))
	}
	last := len(m.chunks) - 1
	m.chunks[last] = append(m.chunks[last], r)
	return int32(i)
}

// memRecord is one listed record; next is the index of the next record
// with the same key, or -1.
type memRecord struct {
	id, key, data string
	updatedAt     int64
	next          int32
}

// newScratch returns a run's scratch records, in memory when inMemory and
// limit (0: memScratchBytes) allows any.
func newScratch(runID int64, inMemory bool, limit int) *scratch {
	if limit == 0 {
		limit = memScratchBytes
	}
	s := &scratch{runID: runID, limit: limit}
	if inMemory && limit > 0 {
		s.mem = map[tandem.Object]*memRecords{}
	}
	return s
}

// inMemory reports whether the records are held in memory.
func (s *scratch) inMemory() bool { return s.mem != nil }

// add keeps recs, replacing earlier copies, and returns what the caller
// must store in the table (in the transaction of the checkpoint that
// follows them): recs themselves once the records are in the store, or
// every record so far when recs take them past the limit.
func (s *scratch) add(recs []store.BulkRecord) []store.BulkRecord {
	if s.mem == nil || len(recs) == 0 {
		// (The alignment's saves add nothing, while it reads.)
		return recs
	}
	size := s.size
	for _, r := range recs {
		size += memRecordSize(r)
	}
	if size > s.limit {
		n := len(recs)
		for _, m := range s.mem {
			n += m.len()
			m.byID, m.byKey = nil, nil // only the records are read from here on
		}
		all := make([]store.BulkRecord, 0, n)
		for obj, m := range s.mem {
			for _, c := range m.chunks {
				for _, r := range c {
					all = append(all, s.record(obj, r))
				}
			}
		}
		s.mem, s.size = nil, 0
		return append(all, recs...)
	}
	for _, r := range recs {
		s.put(r)
	}
	return nil
}

func memRecordSize(r store.BulkRecord) int {
	return len(r.IntercomID) + len(r.MatchKey) + len(r.Data) + memRecordOverhead
}

// put keeps r in memory, in place of an earlier copy.
func (s *scratch) put(r store.BulkRecord) {
	m := s.mem[r.Object]
	if m == nil {
		m = &memRecords{byID: map[string]int32{}, byKey: map[string]int32{}}
		s.mem[r.Object] = m
	}
	rec := memRecord{id: r.IntercomID, key: r.MatchKey, data: r.Data, updatedAt: r.UpdatedAt, next: -1}
	if i, ok := m.byID[r.IntercomID]; ok {
		// Listed again (a resumed listing reads pages twice).
		old := *m.rec(i)
		s.size -= memRecordSize(s.record(r.Object, old))
		if old.key == rec.key {
			rec.next = old.next
			*m.rec(i) = rec
			s.size += memRecordSize(r)
			return
		}
		m.unchain(i)
		*m.rec(i) = rec
		m.chain(i)
		s.size += memRecordSize(r)
		return
	}
	i := m.push(rec)
	m.byID[rec.id] = i
	m.chain(i)
	s.size += memRecordSize(r)
}

// chain puts record i first among those of its key.
func (m *memRecords) chain(i int32) {
	r := m.rec(i)
	if first, ok := m.byKey[r.key]; ok {
		r.next = first
	} else {
		r.next = -1
	}
	m.byKey[r.key] = i
}

// unchain takes record i out of its key's chain.
func (m *memRecords) unchain(i int32) {
	key := m.rec(i).key
	if m.byKey[key] == i {
		if next := m.rec(i).next; next >= 0 {
			m.byKey[key] = next
		} else {
			delete(m.byKey, key)
		}
		return
	}
	for j := m.byKey[key]; j >= 0; j = m.rec(j).next {
		if m.rec(j).next == i {
			m.rec(j).next = m.rec(i).next
			return
		}
	}
}

func (s *scratch) record(obj tandem.Object, r memRecord) store.BulkRecord {
	return store.BulkRecord{RunID: s.runID, Object: obj, IntercomID: r.id, MatchKey: r.key, UpdatedAt: r.updatedAt, Data: r.data}
}

// byIntercomIDs returns the records of obj with the given ids, by id.
func (s *scratch) byIntercomIDs(ctx context.Context, db *store.DB, obj tandem.Object, ids []string) (map[string]store.BulkRecord, error) {
	if s.mem == nil {
		return db.BulkRecordsByIntercomIDs(ctx, s.runID, obj, ids)
	}
	out := make(map[string]store.BulkRecord, len(ids))
	if m := s.mem[obj]; m != nil {
		for _, id := range ids {
			if i, ok := m.byID[id]; ok {
				out[id] = s.record(obj, *m.rec(i))
			}
		}
	}
	return out, nil
}

// byKeys returns the records of obj with any of the given keys, by key,
// most recently updated first, as the store's lookup does.
func (s *scratch) byKeys(ctx context.Context, db *store.DB, obj tandem.Object, keys []string) (map[string][]store.BulkRecord, error) {
	if s.mem == nil {
		return db.BulkRecordsByKeys(ctx, s.runID, obj, keys)
	}
	out := map[string][]store.BulkRecord{}
	m := s.mem[obj]
	if m == nil {
		return out, nil
	}
	for _, k := range keys {
		first, ok := m.byKey[k]
		if !ok || out[k] != nil {
			continue
		}
		var rs []store.BulkRecord
		for i := first; i >= 0; i = m.rec(i).next {
			rs = append(rs, s.record(obj, *m.rec(i)))
		}
		slices.SortFunc(rs, func(a, b store.BulkRecord) int {
			return cmp.Or(cmp.Compare(b.UpdatedAt, a.UpdatedAt), cmp.Compare(a.IntercomID, b.IntercomID))
		})
		out[k] = rs
	}
	return out, nil
}
