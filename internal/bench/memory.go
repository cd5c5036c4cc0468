package bench

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is what the heap sampler saw, in bytes of the bridge's process
// (the simulators run in a process of their own).
type Memory struct {
	// BaselineHeapInuse is HeapInuse right before the sync, after a forced
	// GC: the started bridge.
	BaselineHeapInuse uint64 `json:"baseline_heap_inuse"`
	// BaselineHeapLive is the live heap at the same moment.
	BaselineHeapLive uint64 `json:"baseline_heap_live"`
	// PeakHeapInuse is the highest HeapInuse sampled during the sync,
	// garbage not yet collected included.
	PeakHeapInuse uint64 `json:"peak_heap_inuse"`
	// PeakHeapLive is the highest live heap (marked at the end of a GC)
	// seen during the sync.
	PeakHeapLive uint64 `json:"peak_heap_live"`
	// PeakRSS is the process's resident-set high-water mark (VmHWM; 0
	// where /proc is missing). It covers the whole process lifetime,
	// start-up included, and memory outside the Go heap (SQLite's pages).
	PeakRSS uint64 `json:"peak_rss"`
	// Samples is how many samples were taken.
	Samples int `json:"samples"`
}

// SyncHeap is the peak heap in use minus the baseline: what the sync added
// to the started bridge, garbage not yet collected included.
func (m Memory) SyncHeap() uint64 {
	if m.PeakHeapInuse < m.BaselineHeapInuse {
		return 0
	}
	return m.PeakHeapInuse - m.BaselineHeapInuse
}

// SyncLiveHeap is the peak live heap minus the live baseline: what the
// sync itself kept reachable at its worst.
func (m Memory) SyncLiveHeap() uint64 {
	if m.PeakHeapLive < m.BaselineHeapLive {
		return 0
	}
	return m.PeakHeapLive - m.BaselineHeapLive
}

// heapMetrics are HeapInuse as runtime/metrics splits it (objects plus
// unused space in in-use spans), then the live heap.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/gc/heap/live:bytes"}

func readHeap(s []metrics.Sample) (inuse, live uint64) {
	metrics.Read(s)
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			continue
		}
		v := s[i].Value.Uint64()
		if i < 2 {
			inuse += v
		} else {
			live = v
		}
	}
	return inuse, live
}

func newSamples() []metrics.Sample {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	return s
}

// sampler records the peak heap from Start to Stop.
type sampler struct {
	mem  Memory
	stop chan struct{}
	done sync.WaitGroup
	// profile, when set, holds a heap profile taken whenever the live heap
	// reached a new peak (at least 5 % above the last profiled one).
	profile     bool
	profiled    uint64
	heapProfile bytes.Buffer
}

// startSampler collects garbage, takes the baseline and samples every
// interval until stop.
func startSampler(interval time.Duration, profile bool) *sampler {
	if interval <= 0 {
		interval = 5 * time.Millisecond
	}
	runtime.GC()
	s := &sampler{stop: make(chan struct{}), profile: profile}
	samples := newSamples()
	s.mem.BaselineHeapInuse, s.mem.BaselineHeapLive = readHeap(samples)
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.sample(samples)
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) sample(samples []metrics.Sample) {
	inuse, live := readHeap(samples)
	s.mem.PeakHeapInuse = max(s.mem.PeakHeapInuse, inuse)
	s.mem.PeakHeapLive = max(s.mem.PeakHeapLive, live)
	s.mem.Samples++
	if s.profile && live > s.mem.BaselineHeapLive && live > s.profiled+s.profiled/20 {
		s.profiled = live
		s.heapProfile.Reset()
		_ = pprof.Lookup("heap").WriteTo(&s.heapProfile, 0)
	}
}

// finish stops sampling (after one last sample) and returns the figures.
func (s *sampler) finish() Memory {
	close(s.stop)
	s.done.Wait()
	s.sample(newSamples())
	s.mem.PeakRSS = peakRSS()
	return s.mem
}

// peakRSS reads VmHWM from /proc/self/status.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}
