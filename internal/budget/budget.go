// Package budget keeps tandem inside a 24-hour cap of Salesforce API calls.
//
// The cap is shared by three classes of work with staged thresholds: bulk
// work pauses first (at 40 % of the cap by default), event sync next (80 %),
// and inbox actions such as Create Lead may use what is left. Usage is the
// larger of tandem's own calls in the last 24 hours and, when the cap is the
// org's whole allowance, the org-wide usage Salesforce reports in
// Sforce-Limit-Info (other integrations spend the same allowance).
package budget

import (
	"sync"
	"time"
)

// Class is a kind of work with its own threshold.
type Class int

// Classes, from the first to pause to the last.
const (
	Bulk Class = iota
	Event
	Action
)

func (c Class) String() string {
	return [...]string{"bulk", "event", "action"}[c]
}

// Budget counts calls in hourly buckets over a rolling 24 hours. The zero
// value is not usable; use New. It is safe for concurrent use.
type Budget struct {
	mu         sync.Mutex
	cap        int // 0: the org's allowance
	bulkShare  float64
	eventShare float64
	now        func() time.Time

	buckets [24]bucket
	orgUsed int
	orgMax  int

	// pending counts calls made here since the last Share, by unix hour;
	// shared is the 24-hour total of every replica that Share read back.
	pending map[int64]int
	shared  int
}

type bucket struct {
	hour  int64 // unix hour
	calls int
}

// New returns a budget. capCalls 0 means the org's daily allowance as
// Salesforce reports it. Shares are fractions of the cap (0 < share ≤ 1).
func New(capCalls int, bulkShare, eventShare float64, now func() time.Time) *Budget {
	if now == nil {
		now = time.Now
	}
	return &Budget{cap: capCalls, bulkShare: bulkShare, eventShare: eventShare, now: now}
}

// SetLimits changes the cap and the shares (as New takes them); the calls
// counted so far still count.
func (b *Budget) SetLimits(capCalls int, bulkShare, eventShare float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cap, b.bulkShare, b.eventShare = capCalls, bulkShare, eventShare
}

// Shares returns the shares of the cap at which bulk work and then event
// sync pause.
func (b *Budget) Shares() (bulk, event float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bulkShare, b.eventShare
}

// Count records one call made by tandem.
func (b *Budget) Count() {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.now().Unix() / 3600
	bk := &b.buckets[h%24]
	if bk.hour != h {
		*bk = bucket{hour: h}
	}
	bk.calls++
	if b.pending == nil {
		b.pending = map[int64]int{}
	}
	b.pending[h]++
}

// Share adds the calls made here since the last Share to a count kept
// outside the process (add), and reads back the total of the last 24 hours
// of every process counting there (total), so that a cap holds across
// replicas and restarts. Calls that could not be added are kept for the
// next Share.
func (b *Budget) Share(add func(hour int64, n int) error, total func(fromHour int64) (int, error)) error {
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	nowHour := b.now().Unix() / 3600
	b.mu.Unlock()
	var err error
	for h, n := range pending {
		if err == nil {
			if err = add(h, n); err == nil {
				delete(pending, h)
			}
		}
	}
	if err != nil {
		b.mu.Lock()
		for h, n := range pending {
			if b.pending == nil {
				b.pending = map[int64]int{}
			}
			b.pending[h] += n
		}
		b.mu.Unlock()
		return err
	}
	t, err := total(nowHour - 23)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.shared = t
	b.mu.Unlock()
	return nil
}

// Observe records the org-wide usage from a Sforce-Limit-Info header.
func (b *Budget) Observe(used, max int) {
	if max <= 0 {
		return
	}
	b.mu.Lock()
	b.orgUsed, b.orgMax = used, max
	b.mu.Unlock()
}

// Snapshot is the budget's state at one moment.
type Snapshot struct {
	Cap         int     `json:"cap"`
	Used        int     `json:"used"`
	OwnCalls    int     `json:"own_calls_24h"`
	OrgUsed     int     `json:"org_used"`
	OrgMax      int     `json:"org_max"`
	Fraction    float64 `json:"fraction"`
	BulkPaused  bool    `json:"bulk_paused"`
	EventPaused bool    `json:"event_paused"`
	Exhausted   bool    `json:"exhausted"`
}

// Snapshot reports usage against the cap.
func (b *Budget) Snapshot() Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.snapshotLocked()
}

func (b *Budget) snapshotLocked() Snapshot {
	s := Snapshot{OwnCalls: b.ownLocked(), OrgUsed: b.orgUsed, OrgMax: b.orgMax, Cap: b.cap}
	s.Used = s.OwnCalls
	if b.cap == 0 {
		s.Cap = b.orgMax
		s.Used = max(s.OwnCalls, b.orgUsed)
	}
	if s.Cap > 0 {
		s.Fraction = float64(s.Used) / float64(s.Cap)
	}
	s.BulkPaused = s.Cap > 0 && s.Fraction >= b.bulkShare
	s.EventPaused = s.Cap > 0 && s.Fraction >= b.eventShare
	s.Exhausted = s.Cap > 0 && s.Fraction >= 1
	return s
}

func (b *Budget) ownLocked() int {
	h := b.now().Unix() / 3600
	local := 0
	for _, bk := range b.buckets {
		if h-bk.hour < 24 {
			local += bk.calls
		}
	}
	shared := b.shared
	for ph, n := range b.pending {
		if h-ph < 24 {
			shared += n
		}
	}
	return max(local, shared)
}

// Allow reports whether work of class c may call Salesforce now, and if not,
// how long to wait before asking again.
func (b *Budget) Allow(c Class) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.snapshotLocked()
	paused := (c == Bulk && s.BulkPaused) || (c == Event && s.EventPaused) || (c == Action && s.Exhausted)
	if !paused {
		return true, 0
	}
	// The oldest hour leaves the window at the top of the next hour; org-wide
	// usage is re-read with every response, so a few minutes is enough.
	next := time.Unix((b.now().Unix()/3600+1)*3600, 0).Sub(b.now())
	return false, min(next, 5*time.Minute)
}
