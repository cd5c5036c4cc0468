package budget

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestStagedThresholds(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 5, 1, 10, 30, 0, 0, time.UTC)}
	b := New(100, 0.4, 0.8, c.now)
	for range 39 {
		b.Count()
	}
	for _, cl := range []Class{Bulk, Event, Action} {
		ok, _ := b.Allow(cl)
		require.True(t, ok, cl.String())
	}
	b.Count() // 40 %
	ok, wait := b.Allow(Bulk)
	require.False(t, ok)
	require.Equal(t, 5*time.Minute, wait)
	ok, _ = b.Allow(Event)
	require.True(t, ok)
	for range 40 {
		b.Count()
	}
	ok, _ = b.Allow(Event)
	require.False(t, ok, "event sync pauses at 80 %")
	ok, _ = b.Allow(Action)
	require.True(t, ok, "actions keep the rest")
	for range 20 {
		b.Count()
	}
	ok, _ = b.Allow(Action)
	require.False(t, ok)
	require.True(t, b.Snapshot().Exhausted)
}

func TestWindowRolls(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 5, 1, 10, 59, 0, 0, time.UTC)}
	b := New(10, 0.4, 0.8, c.now)
	for range 4 {
		b.Count()
	}
	ok, wait := b.Allow(Bulk)
	require.False(t, ok)
	require.Equal(t, time.Minute, wait, "the next hour starts in a minute")
	c.t = c.t.Add(23 * time.Hour)
	require.Equal(t, 4, b.Snapshot().OwnCalls)
	c.t = c.t.Add(2 * time.Minute)
	require.Equal(t, 0, b.Snapshot().OwnCalls, "calls older than 24 h are forgotten")
	ok, _ = b.Allow(Bulk)
	require.True(t, ok, "work resumes by itself")
}

func TestOrgWideUsage(t *testing.T) {
	t.Parallel()
	b := New(0, 0.4, 0.8, nil)
	ok, _ := b.Allow(Bulk)
	require.True(t, ok, "unknown allowance: nothing to pause on")
	b.Observe(45000, 100000) // other integrations spent 45 %
	s := b.Snapshot()
	require.Equal(t, 100000, s.Cap)
	require.Equal(t, 45000, s.Used)
	require.True(t, s.BulkPaused)
	require.False(t, s.EventPaused)
	b.Observe(0, 0) // a response without the header changes nothing
	require.Equal(t, 45000, b.Snapshot().Used)
}

func TestShareAcrossReplicas(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 5, 1, 10, 30, 0, 0, time.UTC)}
	db := map[int64]int{} // the shared count, as the store keeps it
	add := func(h int64, n int) error { db[h] += n; return nil }
	total := func(from int64) (int, error) {
		n := 0
		for h, c := range db {
			if h >= from {
				n += c
			}
		}
		return n, nil
	}
	a, b := New(100, 0.4, 0.8, c.now), New(100, 0.4, 0.8, c.now)
	for range 25 {
		a.Count()
		b.Count()
	}
	ok, _ := a.Allow(Bulk)
	require.True(t, ok, "each replica alone is at 25 %")
	require.NoError(t, a.Share(add, total))
	require.NoError(t, b.Share(add, total))
	require.NoError(t, a.Share(add, total))
	require.Equal(t, 50, a.Snapshot().OwnCalls, "both replicas' calls count")
	ok, _ = a.Allow(Bulk)
	require.False(t, ok, "together they reached the bulk threshold")

	failing := func(int64, int) error { return errors.New("database down") }
	a.Count()
	require.Error(t, a.Share(failing, total))
	require.NoError(t, a.Share(add, total))
	require.Equal(t, 51, a.Snapshot().OwnCalls, "calls that could not be shared are kept for the next time")
}
