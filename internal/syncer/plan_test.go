package syncer

import (
	"testing"

	"github.com/tandemhq/tandem"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	fillBlanks := tandem.Mapping{Direction: tandem.ToSalesforce}
	overwriteFirst := tandem.Mapping{Direction: tandem.ToSalesforce, OnFirstLink: tandem.Overwrite}
	blanks := tandem.Mapping{Direction: tandem.ToSalesforce, SyncBlanks: true}
	known := func(src, dst string) fieldState { return fieldState{src: src, dst: dst, dstKnown: true} }
	first := func(f fieldState) fieldState { f.firstLink = true; return f }
	shadow := func(f fieldState, v string) fieldState { f.shadow, f.hasShadow = v, true; return f }
	hold := func(f fieldState, v string) fieldState { f.heldSrc, f.isHeld = v, true; return f }
	unknown := func(src, sh string) fieldState {
		return fieldState{src: src, dst: sh, shadow: sh, hasShadow: true}
	}

	for _, tc := range []struct {
		name    string
		m       tandem.Mapping
		f       fieldState
		realign bool
		want    verdict
	}{
		{"equal values", fillBlanks, first(known("a", "a")), false, inSync},
		{"first link fills a blank", fillBlanks, first(known("a", "")), false, fill},
		{"first link keeps a differing value", fillBlanks, first(known("a", "b")), false, held},
		{"first link overwrites when told", overwriteFirst, first(known("a", "b")), false, overwrite},
		{"first link never clears", overwriteFirst, first(known("", "b")), false, blankRefused},
		{"a blank is synced when allowed", blanks, first(known("", "b")), false, held},
		{"a blank is synced when allowed, after the link", blanks, shadow(known("", "b"), "a"), false, overwrite},
		{"event: no change since the last sync", fillBlanks, unknown("a", "a"), false, inSync},
		{"event: the owner changed", fillBlanks, unknown("c", "a"), false, overwrite},
		{"event: the owner cleared its value", fillBlanks, unknown("", "a"), false, blankRefused},
		{"event: the owner cleared its value, blanks synced", blanks, unknown("", "a"), false, overwrite},
		{"event: a new field on an aligned link", fillBlanks, known("a", "b"), false, overwrite},
		{"bulk: a drifted target is repaired", fillBlanks, shadow(known("a", "b"), "a"), true, overwrite},
		{"bulk: a held value stays held", fillBlanks, hold(shadow(known("a", "b"), "a"), "a"), true, held},
		{"bulk: a held value flows once the owner changes", fillBlanks, hold(shadow(known("c", "b"), "a"), "a"), true, overwrite},
		{"bulk: equal values", fillBlanks, shadow(known("a", "a"), "x"), true, inSync},
		{"bulk: first link keeps", fillBlanks, first(known("a", "b")), true, held},
		{"bulk: empty target filled even when held", fillBlanks, hold(shadow(known("a", ""), "a"), "a"), true, fill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decide(tc.m, tc.f, tc.realign); got != tc.want {
				t.Fatalf("decide(%+v, realign=%v) = %v, want %v", tc.f, tc.realign, got, tc.want)
			}
		})
	}
}

func TestRecordVerdict(t *testing.T) {
	t.Parallel()
	next := map[string]string{}
	recordVerdict(next, nil, "sf:Phone", held, "a", false)
	if next["sf:Phone"] != "a" || next["held:sf:Phone"] != "=a" {
		t.Fatalf("a hold is recorded with its owner value: %v", next)
	}
	if v, ok := holdOf(next, "sf:Phone"); !ok || v != "a" {
		t.Fatalf("holdOf = %q, %v", v, ok)
	}
	kept := map[string]string{}
	recordVerdict(kept, next, "sf:Phone", inSync, "a", false)
	if _, ok := kept["held:sf:Phone"]; ok {
		t.Fatalf("an owner value unchanged since the hold, the target not read, keeps the hold: %v", kept)
	}
	equal := map[string]string{}
	recordVerdict(equal, next, "sf:Phone", inSync, "a", true)
	if equal["held:sf:Phone"] != "" || len(equal) != 2 {
		t.Fatalf("a target found equal to the owner ends the hold: %v", equal)
	}
	after := map[string]string{}
	recordVerdict(after, next, "sf:Phone", overwrite, "c", true)
	if after["held:sf:Phone"] != "" || after["sf:Phone"] != "c" {
		t.Fatalf("a write ends the hold: %v", after)
	}
	if _, ok := holdOf(after, "sf:Phone"); ok {
		t.Fatal("the hold is over")
	}
	if got := unchanged(map[string]string{"held:sf:Title": "", "sf:Title": "x"}, map[string]string{"sf:Title": "x"}); len(got) != 0 {
		t.Fatalf("nothing new to store: %v", got)
	}
}

func TestAlignedOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		shadows map[string]string
		toSF    bool
		toIC    bool
	}{
		{"a new link", map[string]string{}, false, false},
		{"aligned towards Salesforce", map[string]string{"sf:Phone": ""}, true, false},
		{"aligned towards Intercom", map[string]string{"ic:custom_attributes.job_title": "CTO"}, false, true},
		{"a version stamp or a hold is no alignment", map[string]string{"seen:intercom_updated_at": "1", "held:sf:Phone": ""}, false, false},
		{"the explicit marks", map[string]string{"aligned:to_salesforce": "1", "aligned:to_intercom": "1"}, true, true},
	} {
		if got := alignedOnce(tc.shadows, tandem.ToSalesforce); got != tc.toSF {
			t.Errorf("%s: aligned to Salesforce = %v, want %v", tc.name, got, tc.toSF)
		}
		if got := alignedOnce(tc.shadows, tandem.ToIntercom); got != tc.toIC {
			t.Errorf("%s: aligned to Intercom = %v, want %v", tc.name, got, tc.toIC)
		}
	}
}

func TestMarkIfNoField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		next    map[string]string
		written int
		marked  bool
	}{
		{"a field compared", map[string]string{"ic:custom_attributes.job_title": "CTO"}, 0, false},
		{"a field written", map[string]string{}, 1, false},
		{"every value unfit", map[string]string{"seen:salesforce_modstamp": "1"}, 0, true},
	} {
		markIfNoField(tc.next, tandem.ToIntercom, tc.written)
		if got := tc.next[alignedMark(tandem.ToIntercom)] != ""; got != tc.marked {
			t.Errorf("%s: marked = %v, want %v", tc.name, got, tc.marked)
		}
		if !tc.marked && tc.written == 0 && !alignedOnce(tc.next, tandem.ToIntercom) {
			t.Errorf("%s: not aligned afterwards", tc.name)
		}
	}
}
