package intercomsim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
)

// stateFormat names the snapshot format SaveState writes; stateVersion is
// bumped whenever its shape changes, so LoadState can refuse a snapshot it
// would misread instead of guessing.
const (
	stateFormat  = "intercomsim-state"
	stateVersion = 1
)

// savedState is the JSON form of a workspace's whole state. The stored
// types (contact, company, …) are written with their exported fields;
// what they keep in unexported fields (deleted, creation order) is added
// alongside. Indexes, company members and the live-contact count are
// derived again on load.
type savedState struct {
	Format  string `json:"format"`
	Version int    `json:"version"`

	HexSeq        int64               `json:"hex_seq"`
	NumSeq        int64               `json:"num_seq"`
	Seq           int                 `json:"seq"`
	Admins        []*admin            `json:"admins"`
	Tags          []*tag              `json:"tags"`
	Attributes    []*dataAttribute    `json:"data_attributes"`
	Contacts      []savedContact      `json:"contacts"`
	Companies     []savedCompany      `json:"companies"`
	Conversations []savedConversation `json:"conversations"`
	Notes         []*note             `json:"notes"`
	CustomActions []savedCustomAction `json:"custom_actions"`
	Webhooks      savedWebhooks       `json:"webhooks"`
}

type savedContact struct {
	contact
	Deleted bool `json:"deleted,omitempty"`
	Order   int  `json:"order"`
}

type savedCompany struct {
	company
	Deleted bool `json:"deleted,omitempty"`
	Order   int  `json:"order"`
}

type savedConversation struct {
	conversation
	Order int `json:"order"`
}

type savedCustomAction struct {
	CustomAction
	ID string `json:"id"`
}

type savedSubscription struct {
	ID       string   `json:"id"`
	URL      string   `json:"url"`
	Topics   []string `json:"topics,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`
}

type savedWebhooks struct {
	Seq           int                 `json:"seq"`
	Subscriptions []savedSubscription `json:"subscriptions"`
}

// SaveState writes the workspace's whole state to w as JSON: admins, tags,
// data and conversation attribute definitions, contacts (deleted and
// merged ones included), companies, conversations with their parts, notes,
// Custom Actions, webhook subscriptions and the id counters, so that a
// server given the snapshot with LoadState answers every API read the same
// and hands out new ids that never collide with saved ones.
//
// Not saved: notifications queued for delivery, call counters, rate-limit
// windows, fault settings and the Options (token, secret, clock), which
// belong to the server that loads the snapshot.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := savedState{Format: stateFormat, Version: stateVersion,
		HexSeq: s.ids.hexSeq, NumSeq: s.ids.numSeq, Seq: s.seq,
		Admins: s.admins, Tags: s.tags, Attributes: s.attributes}
	for _, c := range s.contactList {
		st.Contacts = append(st.Contacts, savedContact{contact: *c, Deleted: c.deleted, Order: c.seq})
	}
	for _, co := range s.companyList {
		st.Companies = append(st.Companies, savedCompany{company: *co, Deleted: co.deleted, Order: co.seq})
	}
	for _, c := range s.convList {
		st.Conversations = append(st.Conversations, savedConversation{conversation: *c, Order: c.seq})
	}
	for _, id := range sortedNumericKeys(s.notes) {
		st.Notes = append(st.Notes, s.notes[id])
	}
	for _, name := range slices.Sorted(maps.Keys(s.actions)) {
		a := s.actions[name]
		st.CustomActions = append(st.CustomActions, savedCustomAction{CustomAction: a.CustomAction, ID: a.id})
	}
	h := s.hooks
	h.mu.Lock()
	st.Webhooks.Seq = h.seq
	for _, sub := range h.subs {
		st.Webhooks.Subscriptions = append(st.Webhooks.Subscriptions, savedSubscription{ID: sub.id, URL: sub.url,
			Topics: slices.Sorted(maps.Keys(sub.topics)), Disabled: sub.disabled})
	}
	h.mu.Unlock()
	// Encoding under the lock: the snapshot holds the live records.
	b, err := json.Marshal(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("intercomsim: encode state: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("intercomsim: write state: %w", err)
	}
	return nil
}

// LoadState replaces the workspace's state with a snapshot SaveState
// wrote. Notifications queued for delivery are dropped; webhook
// subscriptions are those of the snapshot. It fails, leaving the state
// untouched, when r does not hold a snapshot of this format version.
func (s *Server) LoadState(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("intercomsim: read state: %w", err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("intercomsim: state is not a snapshot: %w", err)
	}
	if head.Format != stateFormat {
		return fmt.Errorf("intercomsim: state is not an Intercom simulator snapshot (format %q)", head.Format)
	}
	if head.Version != stateVersion {
		return fmt.Errorf("intercomsim: snapshot has format version %d; this simulator reads version %d", head.Version, stateVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // custom attribute values keep their integer or float type
	var st savedState
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("intercomsim: decode state: %w", err)
	}
	if len(st.Admins) == 0 {
		return fmt.Errorf("intercomsim: snapshot has no admin")
	}

	n := newState()
	n.ids = ids{hexSeq: st.HexSeq, numSeq: st.NumSeq}
	n.seq = st.Seq
	n.admins, n.tags, n.attributes = st.Admins, st.Tags, st.Attributes
	for _, sc := range st.Companies {
		co := &sc.company
		co.deleted, co.seq = sc.Deleted, sc.Order
		co.CustomAttributes = n.restoreAttributes("company", co.CustomAttributes)
		if n.companies[co.ID] != nil {
			return fmt.Errorf("intercomsim: snapshot has company %s twice", co.ID)
		}
		n.companies[co.ID] = co
		n.companiesByCID[co.CompanyID] = co
		n.companyList = append(n.companyList, co)
	}
	seen := map[string]bool{}
	for _, sc := range st.Contacts {
		c := &sc.contact
		c.deleted, c.seq = sc.Deleted, sc.Order
		c.CustomAttributes = n.restoreAttributes("contact", c.CustomAttributes)
		if seen[c.ID] {
			return fmt.Errorf("intercomsim: snapshot has contact %s twice", c.ID)
		}
		seen[c.ID] = true
		n.contactList = append(n.contactList, c)
		if c.deleted {
			continue
		}
		n.contacts[c.ID] = c
		if c.MergedInto == "" {
			n.liveCount++
		}
	}
	for _, sc := range st.Conversations {
		c := &sc.conversation
		c.seq = sc.Order
		c.CustomAttributes = n.restoreAttributes("conversation", c.CustomAttributes)
		if n.conversations[c.ID] != nil {
			return fmt.Errorf("intercomsim: snapshot has conversation %s twice", c.ID)
		}
		n.conversations[c.ID] = c
		n.convList = append(n.convList, c)
	}
	for _, nt := range st.Notes {
		n.notes[nt.ID] = nt
	}
	for _, a := range st.CustomActions {
		n.actions[a.Name] = &customAction{CustomAction: a.CustomAction, id: a.ID}
	}
	var subs []*subscription
	for _, ss := range st.Webhooks.Subscriptions {
		sub := &subscription{id: ss.ID, url: ss.URL, topics: map[string]bool{}, disabled: ss.Disabled}
		for _, t := range ss.Topics {
			sub.topics[t] = true
		}
		subs = append(subs, sub)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids, s.seq = n.ids, n.seq
	s.admins, s.tags, s.attributes = n.admins, n.tags, n.attributes
	s.contacts, s.contactList, s.liveCount = n.contacts, n.contactList, n.liveCount
	s.usersByEmail, s.usersByExtID = map[string]*contact{}, map[string]*contact{}
	s.companies, s.companyList, s.companiesByCID = n.companies, n.companyList, n.companiesByCID
	s.conversations, s.convList = n.conversations, n.convList
	s.notes, s.actions = n.notes, n.actions
	for _, c := range s.contactList {
		s.indexContact(c)
		s.linkCompanies(c)
	}
	h := s.hooks
	h.mu.Lock()
	h.seq, h.subs, h.queue = st.Webhooks.Seq, subs, nil
	h.notifyLocked()
	h.mu.Unlock()
	return nil
}

// newState returns a Server holding only the maps LoadState fills; it is
// the scratch space a snapshot is decoded into before it replaces the
// live state.
func newState() *Server {
	return &Server{
		contacts:       map[string]*contact{},
		companies:      map[string]*company{},
		companiesByCID: map[string]*company{},
		conversations:  map[string]*conversation{},
		notes:          map[string]*note{},
		actions:        map[string]*customAction{},
	}
}

// restoreAttributes gives decoded custom attribute values the Go types
// the simulator stores: int64 for integers and dates, float64 for float
// and decimal attributes (whole numbers included), string, bool or nil.
// Callers hold the definitions in s.attributes.
func (s *Server) restoreAttributes(model string, in map[string]any) map[string]any {
	if in == nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		v = normalizeValue(v)
		if a := s.findAttribute(model, k); a != nil && (a.DataType == "float" || a.DataType == "decimal") {
			if i, ok := v.(int64); ok {
				v = float64(i)
			}
		}
		out[k] = v
	}
	return out
}

// sortedNumericKeys returns the keys of m (numeric ids) in numeric order.
func sortedNumericKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return cmp.Or(cmp.Compare(x, y), cmp.Compare(a, b))
	})
	return keys
}
