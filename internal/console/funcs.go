package console

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/usecase"
)

func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
		"ago":  func(t time.Time) string { return ago(c.cfg.Now().Sub(t)) },
		"dur":  func(d time.Duration) string { return shortDuration(d) },
		"lag": func(l usecase.LagSummary, p int) string {
			return map[int]string{50: lagBound(l.P50, l.P50Over), 95: lagBound(l.P95, l.P95Over)}[p]
		},
		"secs":     func(s float64) string { return shortDuration(time.Duration(s * float64(time.Second))) },
		"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"sfURL":    c.salesforceURL,
		"icURL":    c.intercomURL,
		"prefix":   func() string { return Prefix },
		"query":    url.QueryEscape,
		"category": func(o tandem.Object) string { return o.Category() },
		"dirLabel": dirLabel,
		"add":      func(a, b int) int { return a + b },
		"source":   sourceText,
		"rowOf":    rowOf,
		"took":     func(a time.Time, b *time.Time) string { return shortDuration(b.Sub(a)) },
	}
}

func dirLabel(d tandem.Direction) string {
	switch d {
	case tandem.ToSalesforce:
		return "Intercom → Salesforce"
	case tandem.ToIntercom:
		return "Salesforce → Intercom"
	}
	return string(d)
}

func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// salesforceURL opens a record in Lightning Experience.
func (c *Console) salesforceURL(obj tandem.Object, id string) string {
	base := strings.TrimRight(c.cfg.Links.SalesforceURL, "/")
	if base == "" || id == "" {
		return ""
	}
	sobj := obj.SObject()
	if sobj == "" {
		sobj = "Case"
	}
	return base + "/lightning/r/" + url.PathEscape(sobj) + "/" + url.PathEscape(id) + "/view"
}

// intercomURL opens a record in Intercom's web app.
func (c *Console) intercomURL(obj tandem.Object, id string) string {
	if c.cfg.Links.IntercomURL == nil || id == "" {
		return ""
	}
	base := strings.TrimRight(c.cfg.Links.IntercomURL(), "/")
	if base == "" {
		return ""
	}
	switch obj {
	case tandem.ObjectAccount:
		return base + "/companies/" + url.PathEscape(id)
	case tandem.ObjectCase, tandem.ObjectTask:
		return base + "/inbox/conversation/" + url.PathEscape(id)
	}
	return base + "/users/" + url.PathEscape(id) + "/all-conversations"
}

// series is one line of a chart.
type series struct {
	Name   string
	Class  string
	Values []int
}

// chart draws series as an inline SVG bar chart (bars side by side, one
// group per point), with the peak value and the time axis labelled.
func chart(title string, since, until time.Time, ss ...series) template.HTML {
	const w, h, pad, axis = 600.0, 140.0, 4.0, 16.0
	n, peak := 0, 0
	for _, s := range ss {
		n = max(n, len(s.Values))
		for _, v := range s.Values {
			peak = max(peak, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="plot"><svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" preserveAspectRatio="none">`,
		w, h+axis, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<line class="axis" x1="0" y1="%.1f" x2="%.0f" y2="%.1f"/>`, h, w, h)
	if n > 0 && peak > 0 {
		slot := (w - pad) / float64(n)
		bw := math.Max(slot/float64(len(ss))-0.5, 0.5)
		for si, s := range ss {
			for i, v := range s.Values {
				if v == 0 {
					continue
				}
				bh := math.Max((h-pad)*float64(v)/float64(peak), 1)
				fmt.Fprintf(&b, `<rect class="%s" x="%.2f" y="%.2f" width="%.2f" height="%.2f"><title>%d</title></rect>`,
					s.Class, pad+float64(i)*slot+float64(si)*bw, h-bh, bw, bh, v)
			}
		}
	}
	b.WriteString(`</svg>`)
	fmt.Fprintf(&b, `<span class="lbl top">peak %d</span>`, peak)
	timeAxis(&b, since, until)
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// timeAxis labels a chart's first and last time. Labels are HTML over the
// drawing, which stretches to the page's width: text inside it would
// stretch too.
func timeAxis(b *strings.Builder, since, until time.Time) {
	fmt.Fprintf(b, `<span class="lbl since">%s</span><span class="lbl until">%s UTC</span>`,
		since.UTC().Format("15:04"), until.UTC().Format("15:04"))
}

// lagSeries is one direction's lag per point of a lag chart.
type lagSeries struct {
	Name  string
	Class string
	Steps []usecase.LagSummary
}

// lagChart draws the sync lag per point as bars up to p95 with a line at
// p50, one bar per direction. The lags are histogram buckets whose bounds
// grow about threefold each, so the height is the bucket's rank: a scale
// close to logarithmic, labelled at 1 s, 1 min and 1 h.
func lagChart(title string, since, until time.Time, ss ...lagSeries) template.HTML {
	const w, h, pad, axis = 600.0, 140.0, 4.0, 16.0
	levels := float64(usecase.LagRanks)
	y := func(d time.Duration, over bool) float64 {
		i := usecase.LagRank(d)
		if over {
			i = usecase.LagRanks - 1
		}
		return h - (h-pad)*float64(i+1)/levels
	}
	n := 0
	for _, s := range ss {
		n = max(n, len(s.Steps))
	}
	var b, labels strings.Builder
	fmt.Fprintf(&b, `<div class="plot"><svg class="chart lag" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" preserveAspectRatio="none">`,
		w, h+axis, template.HTMLEscapeString(title))
	for _, t := range []struct {
		d     time.Duration
		label string
	}{{time.Second, "1 s"}, {time.Minute, "1 min"}, {time.Hour, "1 h"}} {
		ty := y(t.d, false)
		fmt.Fprintf(&b, `<line class="grid" x1="0" y1="%.1f" x2="%.0f" y2="%.1f"/>`, ty, w, ty)
		fmt.Fprintf(&labels, `<span class="lbl level" style="top: calc(%.1f%% - 13px)">%s</span>`, 100*ty/(h+axis), t.label)
	}
	fmt.Fprintf(&b, `<line class="axis" x1="0" y1="%.1f" x2="%.0f" y2="%.1f"/>`, h, w, h)
	if n > 0 {
		slot := (w - pad) / float64(n)
		bw := math.Max(slot/float64(len(ss))-0.5, 0.5)
		for si, s := range ss {
			for i, l := range s.Steps {
				if l.Samples == 0 {
					continue
				}
				x := pad + float64(i)*slot + float64(si)*bw
				top, mid := y(l.P95, l.P95Over), y(l.P50, l.P50Over)
				fmt.Fprintf(&b, `<g><title>%s: p50 %s, p95 %s (%d)</title><rect class="%s p95" x="%.2f" y="%.2f" width="%.2f" height="%.2f"/>`+
					`<rect class="%s" x="%.2f" y="%.2f" width="%.2f" height="%.2f"/></g>`,
					template.HTMLEscapeString(s.Name), lagBound(l.P50, l.P50Over), lagBound(l.P95, l.P95Over), l.Samples,
					s.Class, x, top, bw, h-top, s.Class, x, mid, bw, h-mid)
			}
		}
	}
	b.WriteString(`</svg>`)
	b.WriteString(labels.String())
	timeAxis(&b, since, until)
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// lagBound shows a percentile: the upper bound of its bucket ("≤ 2.0 s"),
// or "> 1h 00m" beyond the last.
func lagBound(d time.Duration, over bool) string {
	if d <= 0 {
		return "—"
	}
	if over {
		return "> " + shortDuration(d)
	}
	return "≤ " + shortDuration(d)
}

// gauge draws the share of a budget used as a bar with marks at the given
// shares.
func gauge(fraction float64, marks ...float64) template.HTML {
	const w, h = 600.0, 28.0
	f := math.Min(math.Max(fraction, 0), 1)
	class := "ok"
	if len(marks) > 1 && fraction >= marks[1] {
		class = "bad"
	} else if len(marks) > 0 && fraction >= marks[0] {
		class = "warn"
	}
	var b, labels strings.Builder
	fmt.Fprintf(&b, `<div class="plot"><svg class="gauge" viewBox="0 0 %.0f %.0f" role="img" aria-label="%.0f%% of the budget used" preserveAspectRatio="none">`, w, h+14, fraction*100)
	fmt.Fprintf(&b, `<rect class="track" x="0" y="0" width="%.0f" height="%.0f" rx="4"/>`, w, h)
	fmt.Fprintf(&b, `<rect class="fill %s" x="0" y="0" width="%.2f" height="%.0f" rx="4"/>`, class, w*f, h)
	for _, m := range marks {
		x := w * m
		fmt.Fprintf(&b, `<line class="mark" x1="%.1f" y1="0" x2="%.1f" y2="%.0f"/>`, x, x, h)
		fmt.Fprintf(&labels, `<span class="lbl share" style="left: %.1f%%">%.0f%%</span>`, 100*m, m*100)
	}
	b.WriteString(`</svg>`)
	b.WriteString(labels.String())
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}
