package sfsim

import (
	"sort"
	"time"
)

// usageCounter counts API calls over a rolling 24 hours in one-minute buckets.
type usageCounter struct {
	buckets []usageBucket
	total   int
}

type usageBucket struct {
	minute int64
	n      int
}

func (u *usageCounter) prune(now time.Time) {
	cutoff := now.Add(-24*time.Hour).Unix() / 60
	i := 0
	for i < len(u.buckets) && u.buckets[i].minute <= cutoff {
		u.total -= u.buckets[i].n
		i++
	}
	if i > 0 {
		u.buckets = append(u.buckets[:0], u.buckets[i:]...)
	}
}

func (u *usageCounter) used(now time.Time) int {
	u.prune(now)
	return u.total
}

func (u *usageCounter) add(now time.Time) {
	m := now.Unix() / 60
	if n := len(u.buckets); n > 0 && u.buckets[n-1].minute >= m {
		u.buckets[n-1].n++
	} else {
		u.buckets = append(u.buckets, usageBucket{minute: m, n: 1})
	}
	u.total++
}

// Calls returns the number of calls per endpoint, keyed like
// "GET query", "PATCH sobjects/Lead", "POST composite/sobjects" or
// "POST oauth2/token". Record ids are left out of the keys; query pages
// fetched through nextRecordsUrl count as "GET query".
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// CallKeys returns the keys of Calls, sorted.
func (s *Server) CallKeys() []string {
	calls := s.Calls()
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TotalCalls returns the sum of Calls.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.calls {
		n += v
	}
	return n
}

// ResetCalls zeroes the call counters (not the API usage).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// APIUsage returns the API calls used in the rolling 24 hours and the daily
// allowance, as Sforce-Limit-Info reports them.
func (s *Server) APIUsage() (used, max int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usage.used(s.now()), s.opts.DailyAPILimit
}

func (s *Server) limits() response {
	used := s.usage.used(s.now())
	max := s.opts.DailyAPILimit
	b := []byte(`{"ConcurrentAsyncGetReportInstances":{"Max":200,"Remaining":200},`)
	b = append(b, `"DailyApiRequests":{"Max":`...)
	b = appendInt(b, max)
	b = append(b, `,"Remaining":`...)
	b = appendInt(b, max-used)
	b = append(b, `},"DailyAsyncApexExecutions":{"Max":250000,"Remaining":250000},`...)
	b = append(b, `"DailyBulkApiBatches":{"Max":15000,"Remaining":15000},`...)
	b = append(b, `"DailyBulkV2QueryJobs":{"Max":10000,"Remaining":10000},`...)
	b = append(b, `"DailyBulkV2QueryFileStorageMB":{"Max":976562,"Remaining":976562},`...)
	b = append(b, `"DataStorageMB":{"Max":1024,"Remaining":1000},`...)
	b = append(b, `"FileStorageMB":{"Max":1024,"Remaining":1024},`...)
	b = append(b, `"SingleEmail":{"Max":5000,"Remaining":5000}}`...)
	return jsonResp(200, b)
}
