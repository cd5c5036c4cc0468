package console

import (
	"html/template"
	"net/http"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/usecase"
)

type overviewData struct {
	Health     []Health
	Hour, Day  usecase.Activity
	Charts     map[string]template.HTML
	Budget     budget.Snapshot
	Gauge      template.HTML
	Marks      [2]float64
	Categories []categoryCount
	Dirs       []dirStats
}

// dirStats are one direction's figures.
type dirStats struct {
	Label, Class          string
	WritesHour, WritesDay int
	LagHour, LagDay       usecase.LagSummary
}

type categoryCount struct {
	Name  string
	Count int
}

// overviewShow answers GET /admin/: connection health, activity over the
// last hour and day, the Salesforce API budget and open sync errors.
func (c *Console) overviewShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := overviewData{Health: c.health.get(ctx), Charts: map[string]template.HTML{}, Marks: c.cfg.BudgetMarks}
	var err error
	if d.Hour, err = c.cfg.UseCases.Activity(ctx, usecase.ActivityParams{Window: time.Hour, Step: time.Minute}); err != nil {
		c.fail(w, r, err)
		return
	}
	if d.Day, err = c.cfg.UseCases.Activity(ctx, usecase.ActivityParams{Window: 24 * time.Hour, Step: 15 * time.Minute}); err != nil {
		c.fail(w, r, err)
		return
	}
	for name, a := range map[string]usecase.Activity{"hour": d.Hour, "day": d.Day} {
		d.Charts["writes-"+name] = chart("Field writes per direction", a.Since, a.Until,
			series{Name: "Intercom → Salesforce", Class: "s1", Values: a.Writes[tandem.ToSalesforce]},
			series{Name: "Salesforce → Intercom", Class: "s2", Values: a.Writes[tandem.ToIntercom]})
		d.Charts["webhooks-"+name] = chart("Webhooks received", a.Since, a.Until, series{Name: "webhooks", Class: "s3", Values: a.Webhooks})
		d.Charts["lag-"+name] = lagChart("Sync lag per direction (p50 and p95)", a.Since, a.Until,
			lagSeries{Name: "Intercom → Salesforce", Class: "s1", Steps: a.LagSteps[tandem.ToSalesforce]},
			lagSeries{Name: "Salesforce → Intercom", Class: "s2", Steps: a.LagSteps[tandem.ToIntercom]})
	}
	now := c.cfg.Now()
	d.Charts["calls"] = chart("Salesforce calls per hour", now.Add(-23*time.Hour).Truncate(time.Hour), now,
		series{Name: "calls", Class: "s4", Values: d.Day.SalesforceCallsPerHour})
	if c.cfg.Budget != nil {
		d.Budget = c.cfg.Budget.Snapshot()
		d.Marks[0], d.Marks[1] = c.cfg.Budget.Shares() // changed at run time
	}
	d.Gauge = gauge(d.Budget.Fraction, d.Marks[0], d.Marks[1])
	for _, cat := range []string{tandem.CategoryPeople, tandem.CategoryCompanies, tandem.CategoryCases, tandem.CategoryTasks} {
		d.Categories = append(d.Categories, categoryCount{Name: cat, Count: d.Hour.OpenErrors[cat]})
	}
	for i, dir := range []tandem.Direction{tandem.ToSalesforce, tandem.ToIntercom} {
		d.Dirs = append(d.Dirs, dirStats{Label: dirLabel(dir), Class: []string{"s1", "s2"}[i],
			WritesHour: d.Hour.TotalWrites[dir], WritesDay: d.Day.TotalWrites[dir], LagHour: d.Hour.Lag[dir], LagDay: d.Day.Lag[dir]})
	}
	c.render(w, r, "overview", "Overview", "overview", d)
}
