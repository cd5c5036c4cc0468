package keylock

import (
	"sync"
	"testing"
)

func TestLockSerialisesPerKey(t *testing.T) {
	t.Parallel()
	var m Map
	var wg sync.WaitGroup
	var counts [2]int // one counter per key: only same-key holders may touch one
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer m.Lock([]string{"a", "b"}[i%2])()
			counts[i%2]++ // a data race without the lock (go test -race)
		}()
	}
	wg.Wait()
	if counts != [2]int{100, 100} {
		t.Fatalf("counts = %v", counts)
	}
	if len(m.locks) != 0 {
		t.Fatalf("%d locks left behind", len(m.locks))
	}
}

func TestLockAllNoDeadlock(t *testing.T) {
	t.Parallel()
	var m Map
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys := []string{"x", "y", "z"}
			if i%2 == 0 {
				keys = []string{"z", "y", "x", "x"}
			}
			m.LockAll(keys)()
		}()
	}
	wg.Wait()
}
