package syncer

import (
	"strings"

	"github.com/tandemhq/tandem"
)

// verdict is what the planner decides for one mapped field of one pair.
type verdict int

const (
	// inSync: nothing to write (equal values, or no change since the last
	// sync).
	inSync verdict = iota
	// fill: the target is empty and receives the owner's value.
	fill
	// overwrite: the target's non-empty value is replaced by the owner's:
	// the owner's value changed since the last sync, a bulk sync re-aligns a
	// drifted field, or the mapping says on_first_link: overwrite.
	overwrite
	// held: the first alignment of the field found two different non-empty
	// values and the mapping fills blanks only; the target keeps its value
	// until the owner's value changes.
	held
	// blankRefused: the owner's value is empty, the target's is not, and
	// the mapping does not sync blanks.
	blankRefused
)

var verdictNames = [...]string{"in sync", "filled", "overwritten", "kept at first link", "blank refused"}

func (v verdict) String() string { return verdictNames[v] }

// writes reports whether the verdict writes the target.
func (v verdict) writes() bool { return v == fill || v == overwrite }

// fieldState is what the planner knows about one mapped field of a pair.
// Values are canonical (mapping.Canonical), converted to the target's type.
type fieldState struct {
	src string // the owner's value
	dst string // the target's value (or, if !dstKnown, the shadow)

	dstKnown bool
	// shadow is the value tandem last synced (or saw) for the field;
	// hasShadow is false until the field was first compared.
	shadow    string
	hasShadow bool
	// firstLink is true until the pair has been aligned once in this
	// direction: the link is new (made by key, by Create Lead's lookup, or
	// handed over by a Lead conversion).
	firstLink bool
	// heldSrc is the owner's value at the time the target was kept at first
	// link; the hold lasts while the owner's value stays the same.
	heldSrc string
	isHeld  bool
}

// decide is the one planning rule event sync and bulk sync share.
//
// Event sync (realign false) reacts to a change of the owner: a field whose
// owner value equals its shadow is left alone without reading the target.
// Bulk sync (realign true) compares both sides and also repairs a target
// that drifted from its owner since the last sync.
//
// In both, for a field that differs:
//   - an empty owner value never clears the target unless SyncBlanks;
//   - an empty target is filled;
//   - the first alignment of a newly linked pair keeps a non-empty target
//     unless OnFirstLink is overwrite, and the hold lasts until the owner's
//     value changes;
//   - otherwise the target is overwritten.
func decide(m tandem.Mapping, f fieldState, realign bool) verdict {
	if f.hasShadow && f.shadow == f.src && !realign {
		return inSync
	}
	if f.src == f.dst && (f.dstKnown || realign) {
		return inSync
	}
	srcBlank, dstBlank := f.src == "", f.dst == ""
	switch {
	case srcBlank && !dstBlank && !m.SyncBlanks:
		return blankRefused
	case dstBlank && f.dstKnown:
		return fill
	case f.isHeld && f.heldSrc == f.src:
		return held
	case f.firstLink && m.OnFirstLink != tandem.Overwrite:
		return held
	}
	return overwrite
}

// alignedOnce reports whether a link's shadows show that the pair was
// aligned in direction d already; if not, the next alignment is a first
// link. Every alignment leaves a shadow for each field of d it compared,
// so a shadow of d's side is the sign: no row of its own per link and
// direction. A link can also carry the explicit mark (alignedMark): Create
// Lead sets it, and alignments before this rule did.
func alignedOnce(shadows map[string]string, d tandem.Direction) bool {
	if shadows[alignedMark(d)] != "" {
		return true
	}
	side := "sf:"
	if d == tandem.ToIntercom {
		side = "ic:"
	}
	for k := range shadows {
		if strings.HasPrefix(k, side) {
			return true
		}
	}
	return false
}

// alignedMark is the shadow key that marks a link as aligned in direction
// d whatever its other shadows.
func alignedMark(d tandem.Direction) string { return "aligned:" + string(d) }

// markIfNoField adds the explicit mark to next, the shadows a first
// alignment in direction d leaves (written counts the fields whose shadows
// come with their write), when they hold no field of d: every value was
// unfit for its target (a picklist value Salesforce does not have, an
// owner without a counterpart). Without it, each later event would take
// the pair for new again, and read the other side to align it.
func markIfNoField(next map[string]string, d tandem.Direction, written int) {
	if written == 0 && !alignedOnce(next, d) {
		next[alignedMark(d)] = "1"
	}
}

// heldKey is the shadow key that remembers a value kept at first link.
// Its value is "=" followed by the owner's value at that time, or empty
// once the hold is over.
func heldKey(shadowKey string) string { return "held:" + shadowKey }

// holdOf reads the hold of a field from a link's shadows.
func holdOf(shadows map[string]string, shadowKey string) (string, bool) {
	v := shadows[heldKey(shadowKey)]
	if len(v) == 0 || v[0] != '=' {
		return "", false
	}
	return v[1:], true
}

// recordVerdict adds to next the shadows a verdict leaves behind once its
// write (if any) succeeded: the owner's value as the field's shadow, and
// the start or end of a hold. A hold ends when the target receives the
// owner's value, or is found holding it (same: the target was read and
// equals the owner's value). An event that finds only the owner's value
// unchanged (in sync with its shadow, the target not read) leaves the
// hold: the target still keeps its own value, which a bulk sync would
// otherwise take for drift and overwrite.
func recordVerdict(next, prev map[string]string, shadowKey string, v verdict, src string, same bool) {
	next[shadowKey] = src
	_, wasHeld := holdOf(prev, shadowKey)
	switch {
	case v == held:
		next[heldKey(shadowKey)] = "=" + src
	case wasHeld && (v.writes() || v == inSync && same):
		next[heldKey(shadowKey)] = ""
	}
}
