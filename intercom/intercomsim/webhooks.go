package intercomsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// subscription is one webhook subscription.
type subscription struct {
	id       string
	url      string
	topics   map[string]bool // empty = every topic
	disabled bool
}

// delivery is one notification queued for one subscription.
type delivery struct {
	sub       *subscription
	notifID   string
	topic     string
	createdAt int64
	item      map[string]any
	attempts  int
	firstSent int64
	notBefore time.Time
}

// webhooks queues and delivers notifications in the background.
type webhooks struct {
	s        *Server
	mu       sync.Mutex
	subs     []*subscription
	queue    []*delivery
	inflight int
	seq      int
	dupP     float64
	reorder  bool
	rnd      *rand.Rand
	wake     chan struct{}
	changed  chan struct{}
	started  bool
	closed   bool
	cancel   context.CancelFunc
	done     chan struct{}
}

func newWebhooks(s *Server) *webhooks {
	return &webhooks{s: s, rnd: rand.New(rand.NewPCG(3, 5)), wake: make(chan struct{}, 1), changed: make(chan struct{})}
}

// Subscribe registers a webhook endpoint for topics (empty = all topics)
// and returns the subscription id.
func (s *Server) Subscribe(url string, topics []string) string {
	h := s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	sub := &subscription{id: fmt.Sprintf("sub_%d", h.seq), url: url, topics: map[string]bool{}}
	for _, t := range topics {
		sub.topics[t] = true
	}
	h.subs = append(h.subs, sub)
	return sub.id
}

// SetWebhookDuplication makes each notification be delivered twice with
// probability p (deterministic random sequence).
func (s *Server) SetWebhookDuplication(p float64) {
	s.hooks.mu.Lock()
	s.hooks.dupP = p
	s.hooks.mu.Unlock()
}

// SetWebhookReorder makes the deliverer send each batch of ready
// notifications in shuffled order.
func (s *Server) SetWebhookReorder(on bool) {
	s.hooks.mu.Lock()
	s.hooks.reorder = on
	s.hooks.mu.Unlock()
}

// PendingWebhooks returns the number of notifications queued or in flight.
func (s *Server) PendingWebhooks() int {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return len(s.hooks.queue) + s.hooks.inflight
}

// FlushWebhooks waits until every queued notification was delivered or
// given up, or ctx ends.
func (s *Server) FlushWebhooks(ctx context.Context) error {
	h := s.hooks
	for {
		h.mu.Lock()
		n := len(h.queue) + h.inflight
		ch := h.changed
		h.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops webhook delivery. Queued notifications are dropped. It is
// safe to call more than once and before anything was delivered.
func (s *Server) Close() {
	h := s.hooks
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	started := h.started
	h.queue = nil
	h.notifyLocked()
	h.mu.Unlock()
	if started {
		h.cancel()
		<-h.done
	}
}

// notifyLocked wakes FlushWebhooks waiters. Callers hold h.mu.
func (h *webhooks) notifyLocked() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// emit queues a notification for every subscription of topic. It may be
// called with s.mu held.
func (s *Server) emit(topic string, item map[string]any) {
	h := s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	queued := false
	for _, sub := range h.subs {
		if sub.disabled || (len(sub.topics) > 0 && !sub.topics[topic]) {
			continue
		}
		h.seq++
		d := &delivery{sub: sub, notifID: fmt.Sprintf("notif_%08x-%04x-4000-8000-%012x", h.seq, h.seq%65536, h.seq),
			topic: topic, createdAt: s.now(), item: item}
		h.queue = append(h.queue, d)
		if h.dupP > 0 && h.rnd.Float64() < h.dupP {
			dup := *d
			h.queue = append(h.queue, &dup)
		}
		queued = true
	}
	if !queued {
		return
	}
	if !h.started {
		h.started = true
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		h.done = make(chan struct{})
		go h.run(ctx)
	}
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *webhooks) run(ctx context.Context) {
	defer close(h.done)
	for {
		h.mu.Lock()
		now := time.Now()
		var ready, rest []*delivery
		var nextAt time.Time
		for _, d := range h.queue {
			if !d.notBefore.After(now) {
				ready = append(ready, d)
				continue
			}
			rest = append(rest, d)
			if nextAt.IsZero() || d.notBefore.Before(nextAt) {
				nextAt = d.notBefore
			}
		}
		h.queue = rest
		h.inflight += len(ready)
		if h.reorder {
			h.rnd.Shuffle(len(ready), func(i, j int) { ready[i], ready[j] = ready[j], ready[i] })
		}
		h.mu.Unlock()

		for _, d := range ready {
			ok, gone := h.deliver(ctx, d)
			h.mu.Lock()
			h.inflight--
			switch {
			case ok:
			case gone:
				d.sub.disabled = true
			case d.attempts <= len(h.s.opts.WebhookRetryDelays) && !h.closed:
				d.notBefore = time.Now().Add(h.s.opts.WebhookRetryDelays[d.attempts-1])
				h.queue = append(h.queue, d)
				if nextAt.IsZero() || d.notBefore.Before(nextAt) {
					nextAt = d.notBefore
				}
			}
			h.notifyLocked()
			h.mu.Unlock()
		}
		if len(ready) > 0 {
			continue
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if !nextAt.IsZero() {
			timer = time.NewTimer(time.Until(nextAt))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// signWebhook returns the X-Hub-Signature value for body.
func signWebhook(body []byte, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// deliver POSTs one notification. It reports success, and whether the
// endpoint answered 410 (subscription disabled).
func (h *webhooks) deliver(ctx context.Context, d *delivery) (ok, gone bool) {
	d.attempts++
	now := h.s.now()
	if d.firstSent == 0 {
		d.firstSent = now
	}
	env := map[string]any{
		"type": "notification_event", "app_id": h.s.opts.WorkspaceID, "id": d.notifID, "topic": d.topic,
		"created_at": d.createdAt, "delivery_attempts": d.attempts, "first_sent_at": d.firstSent,
		"delivery_status": "pending", "self": nil, "links": map[string]any{},
		"data": map[string]any{"type": "notification_event_data", "item": d.item},
	}
	body, err := json.Marshal(env)
	if err != nil {
		return false, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.sub.url, bytes.NewReader(body))
	if err != nil {
		return false, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "intercom-parrot-service-client/1.0")
	req.Header.Set("X-Hub-Signature", signWebhook(body, h.s.opts.ClientSecret))
	resp, err := h.s.opts.HTTPClient.Do(req)
	if err != nil {
		return false, false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusGone {
		return false, true
	}
	return resp.StatusCode >= 200 && resp.StatusCode < 300, false
}

// Subscription is a webhook subscription as Subscriptions reports it.
type Subscription struct {
	ID       string
	URL      string
	Topics   []string // empty: every topic
	Disabled bool     // the endpoint answered 410 Gone
}

// Subscriptions returns the webhook subscriptions in the order they were
// made.
func (s *Server) Subscriptions() []Subscription {
	h := s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Subscription, 0, len(h.subs))
	for _, sub := range h.subs {
		out = append(out, Subscription{ID: sub.id, URL: sub.url, Topics: slices.Sorted(maps.Keys(sub.topics)), Disabled: sub.disabled})
	}
	return out
}

// Unsubscribe removes a webhook subscription and the notifications queued
// for it. It reports whether the subscription existed.
func (s *Server) Unsubscribe(id string) bool {
	h := s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	i := slices.IndexFunc(h.subs, func(sub *subscription) bool { return sub.id == id })
	if i < 0 {
		return false
	}
	sub := h.subs[i]
	h.subs = slices.Delete(h.subs, i, i+1)
	h.queue = slices.DeleteFunc(h.queue, func(d *delivery) bool { return d.sub == sub })
	h.notifyLocked()
	return true
}
