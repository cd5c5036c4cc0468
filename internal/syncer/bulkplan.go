package syncer

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"text/tabwriter"

	"github.com/tandemhq/tandem"
)

// BulkPlan is what a bulk sync does (a real run) or would do (a dry run):
// per object and field, how many values each verdict applies to, with a
// sample of records for each; per object, the links made and the writes.
// A dry run followed by a real run, with nothing changed in between, gives
// equal plans.
type BulkPlan struct {
	DryRun  bool           `json:"dry_run"`
	Objects []ObjectPlan   `json:"objects"`
	Fields  []FieldPlan    `json:"fields"`
	Records []PlannedWrite `json:"records,omitempty"`
	// SalesforceCalls counts the calls the run makes: the reads (counts and
	// query pages) and the collection updates.
	SalesforceCalls int64 `json:"salesforce_calls"`
}

// ObjectPlan counts one object pair's work.
type ObjectPlan struct {
	Object           tandem.Object `json:"object"`
	Compared         int64         `json:"compared"`
	LinksMade        int64         `json:"links_made"`
	SalesforceWrites int64         `json:"salesforce_writes"` // records updated in Salesforce
	IntercomWrites   int64         `json:"intercom_writes"`   // records updated in Intercom
	SalesforceCalls  int64         `json:"salesforce_calls"`
}

// FieldPlan counts the verdicts of one mapped field.
type FieldPlan struct {
	Object        tandem.Object    `json:"object"`
	Direction     tandem.Direction `json:"direction"`
	Field         string           `json:"field"` // the target field or attribute
	Filled        int64            `json:"filled"`
	Overwritten   int64            `json:"overwritten"`
	BlanksRefused int64            `json:"blanks_refused"`
	Held          int64            `json:"held"` // kept at first link
	Samples       []PlannedWrite   `json:"samples,omitempty"`
}

// PlannedWrite is one field of one record and its verdict.
type PlannedWrite struct {
	Object       tandem.Object    `json:"object"`
	IntercomID   string           `json:"intercom_id"`
	SalesforceID string           `json:"salesforce_id"`
	Direction    tandem.Direction `json:"direction"`
	Field        string           `json:"field"`
	Verdict      string           `json:"verdict"`
	From         string           `json:"from"` // the target's value
	To           string           `json:"to"`   // the owner's value
}

// Counts is the plan without samples, for comparing two plans.
func (p BulkPlan) Counts() BulkPlan {
	out := BulkPlan{Objects: p.Objects, SalesforceCalls: p.SalesforceCalls}
	for _, f := range p.Fields {
		f.Samples = nil
		out.Fields = append(out.Fields, f)
	}
	return out
}

// samplesPerVerdict is how many records a plan shows for each field and
// verdict.
const samplesPerVerdict = 3

// tally collects a BulkPlan while a bulk sync runs.
type tally struct {
	mu      sync.Mutex
	records bool // keep every record, not only samples
	objects map[tandem.Object]*ObjectPlan
	fields  map[string]*FieldPlan
	samples map[string]int // field key + verdict → samples kept
	all     []PlannedWrite
	sfCalls int64
}

func newTally(records bool) *tally {
	return &tally{records: records, objects: map[tandem.Object]*ObjectPlan{}, fields: map[string]*FieldPlan{}, samples: map[string]int{}}
}

func (t *tally) object(obj tandem.Object) *ObjectPlan {
	o := t.objects[obj]
	if o == nil {
		o = &ObjectPlan{Object: obj}
		t.objects[obj] = o
	}
	return o
}

// add counts one object-level event.
func (t *tally) add(obj tandem.Object, fn func(*ObjectPlan)) {
	t.mu.Lock()
	fn(t.object(obj))
	t.mu.Unlock()
}

// field counts the verdict of one field of one pair.
func (t *tally) field(l tandem.Link, m tandem.Mapping, field string, v verdict, f fieldState) {
	if v == inSync {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	key := string(l.Object) + "\x00" + string(m.Direction) + "\x00" + field
	fp := t.fields[key]
	if fp == nil {
		fp = &FieldPlan{Object: l.Object, Direction: m.Direction, Field: field}
		t.fields[key] = fp
	}
	switch v {
	case fill:
		fp.Filled++
	case overwrite:
		fp.Overwritten++
	case blankRefused:
		fp.BlanksRefused++
	case held:
		fp.Held++
	}
	w := PlannedWrite{Object: l.Object, IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Direction: m.Direction,
		Field: field, Verdict: v.String(), From: f.dst, To: f.src}
	if t.records {
		t.all = append(t.all, w)
	}
	sk := key + "\x00" + v.String()
	if t.samples[sk] < samplesPerVerdict {
		t.samples[sk]++
		fp.Samples = append(fp.Samples, w)
	}
}

// plan returns the collected plan in a stable order.
func (t *tally) plan(dry bool) BulkPlan {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := BulkPlan{DryRun: dry, Records: slices.Clone(t.all)}
	order := map[tandem.Object]int{tandem.ObjectAccount: 0, tandem.ObjectContact: 1, tandem.ObjectLead: 2}
	for _, o := range t.objects {
		p.Objects = append(p.Objects, *o)
		p.SalesforceCalls += o.SalesforceCalls
	}
	p.SalesforceCalls += t.sfCalls
	sort.Slice(p.Objects, func(i, j int) bool { return order[p.Objects[i].Object] < order[p.Objects[j].Object] })
	for _, f := range t.fields {
		p.Fields = append(p.Fields, *f)
	}
	sort.Slice(p.Fields, func(i, j int) bool {
		a, b := p.Fields[i], p.Fields[j]
		if a.Object != b.Object {
			return order[a.Object] < order[b.Object]
		}
		if a.Direction != b.Direction {
			return a.Direction < b.Direction
		}
		return a.Field < b.Field
	})
	return p
}

// WriteText prints the plan as tables for a terminal.
func (p BulkPlan) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT\tCOMPARED\tLINKS MADE\tSALESFORCE WRITES\tINTERCOM WRITES\tSALESFORCE CALLS")
	for _, o := range p.Objects {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", o.Object, o.Compared, o.LinksMade, o.SalesforceWrites, o.IntercomWrites, o.SalesforceCalls)
	}
	fmt.Fprintf(tw, "total\t\t\t\t\t%d\n", p.SalesforceCalls)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Fields) == 0 {
		_, err := fmt.Fprintln(w, "\nno field would change")
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT\tDIRECTION\tFIELD\tFILLED\tOVERWRITTEN\tBLANKS REFUSED\tKEPT AT FIRST LINK")
	for _, f := range p.Fields {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", f.Object, f.Direction, f.Field, f.Filled, f.Overwritten, f.BlanksRefused, f.Held)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SAMPLE\tINTERCOM\tSALESFORCE\tFIELD\tFROM\tTO")
	for _, f := range p.Fields {
		for _, s := range f.Samples {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%q\t%q\n", s.Verdict, s.IntercomID, s.SalesforceID, s.Field, s.From, s.To)
		}
	}
	return tw.Flush()
}
