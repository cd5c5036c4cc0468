package console

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
)

func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
		"ago":      func(t time.Time) string { return ago(c.cfg.Now().Sub(t)) },
		"dur":      func(d time.Duration) string { return shortDuration(d) },
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
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" preserveAspectRatio="none">`,
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
	fmt.Fprintf(&b, `<text x="2" y="12" class="peak">peak %d</text>`, peak)
	fmt.Fprintf(&b, `<text x="2" y="%.0f" class="tick">%s</text>`, h+axis-3, since.UTC().Format("15:04"))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" class="tick" text-anchor="end">%s UTC</text>`, w-2, h+axis-3, until.UTC().Format("15:04"))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
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
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gauge" viewBox="0 0 %.0f %.0f" role="img" aria-label="%.0f%% of the budget used" preserveAspectRatio="none">`, w, h+14, fraction*100)
	fmt.Fprintf(&b, `<rect class="track" x="0" y="0" width="%.0f" height="%.0f" rx="4"/>`, w, h)
	fmt.Fprintf(&b, `<rect class="fill %s" x="0" y="0" width="%.2f" height="%.0f" rx="4"/>`, class, w*f, h)
	for _, m := range marks {
		x := w * m
		fmt.Fprintf(&b, `<line class="mark" x1="%.1f" y1="0" x2="%.1f" y2="%.0f"/><text class="tick" x="%.1f" y="%.0f" text-anchor="middle">%.0f%%</text>`,
			x, x, h, x, h+12, m*100)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
