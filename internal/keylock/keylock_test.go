package keylock

import (
	"sync"
	"testing"
)

func TestLockSerialisesPerKey(t *testing.T) {
	t.Parallel()
	var m Map
	var wg sync.WaitGroup
	counts := map[string]int{}
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b"}[i%2]
			defer m.Lock(key)()
			counts[key]++ // a data race without the lock (go test -race)
		}()
	}
	wg.Wait()
	if counts["a"] != 100 || counts["b"] != 100 {
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
