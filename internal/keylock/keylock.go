// Package keylock serialises work per key inside one process: a slow job
// on a record never overwrites what a faster one wrote meanwhile, and two
// triggers of one conversation run in turn. Across replicas the engine
// relies on version checks and intents instead.
package keylock

import (
	"slices"
	"sync"
)

// Map is a set of mutexes by key, created on first use and dropped when
// no one holds or waits for them. The zero value is ready to use.
type Map struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	mu   sync.Mutex
	refs int
}

// Lock takes the lock of key and returns the function that releases it.
func (m *Map) Lock(key string) (unlock func()) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = map[string]*entry{}
	}
	e := m.locks[key]
	if e == nil {
		e = &entry{}
		m.locks[key] = e
	}
	e.refs++
	m.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		m.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(m.locks, key)
		}
		m.mu.Unlock()
	}
}

// LockAll takes the locks of several keys in a fixed order, so two callers
// never deadlock, and returns the function that releases them.
func (m *Map) LockAll(keys []string) (unlock func()) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	unlocks := make([]func(), 0, len(keys))
	for _, k := range keys {
		unlocks = append(unlocks, m.Lock(k))
	}
	return func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
}
