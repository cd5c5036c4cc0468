package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/syncer"
)

// Metrics are the Prometheus collectors tandem exports on /metrics.
type Metrics struct {
	reg        *prometheus.Registry
	Writes     *prometheus.CounterVec
	Lag        *prometheus.HistogramVec
	APICalls   *prometheus.CounterVec
	SyncErrors *prometheus.CounterVec
	Links      *prometheus.CounterVec
	APIUsage   *prometheus.GaugeVec
	NotWritten *prometheus.CounterVec
	// OversizeWebhooks counts notifications refused for their size.
	OversizeWebhooks prometheus.Counter
}

func newMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tandem_field_writes_total", Help: "Field writes applied, by direction and object.",
		}, []string{"direction", "object"}),
		Lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tandem_sync_lag_seconds", Help: "Time from a change in one system to its write in the other.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300},
		}, []string{"direction"}),
		APICalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tandem_api_calls_total", Help: "HTTP calls made to Intercom and Salesforce, by system, method and status class.",
		}, []string{"system", "method", "status"}),
		SyncErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tandem_sync_errors_total", Help: "Sync errors recorded, by system and code.",
		}, []string{"system", "code"}),
		Links: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tandem_link_events_total", Help: "Identity links made, moved and dropped.",
		}, []string{"action", "object"}),
		APIUsage: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tandem_salesforce_api_usage", Help: "Salesforce API usage of the last 24 hours as reported by Sforce-Limit-Info.",
		}, []string{"kind"}),
		NotWritten: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tandem_values_not_written_total", Help: "Values left alone on purpose: kept at first link, or a blank refused; by object, direction, field and verdict.",
		}, []string{"object", "direction", "field", "verdict"}),
		OversizeWebhooks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tandem_webhooks_oversize_total", Help: "Intercom notifications refused for being over 1 MiB (each queues a reconciliation).",
		}),
	}
	reg.MustRegister(m.Writes, m.Lag, m.APICalls, m.SyncErrors, m.Links, m.APIUsage, m.NotWritten, m.OversizeWebhooks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchBudget exports the API budget's usage.
func (m *Metrics) watchBudget(b *budget.Budget) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tandem_salesforce_budget_used_ratio",
			Help: "Share of the 24-hour Salesforce API cap used (bulk work pauses at 0.4, event sync at 0.8 by default)."},
			func() float64 { return b.Snapshot().Fraction }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tandem_salesforce_budget_calls_24h",
			Help: "Salesforce calls tandem made in the last 24 hours."},
			func() float64 { return float64(b.Snapshot().OwnCalls) }),
	)
}

// Handler serves the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *Metrics) observeWrite(e tandem.AuditEntry) {
	m.Writes.WithLabelValues(string(e.Direction), string(e.Object)).Inc()
}

func (m *Metrics) observeVerdict(u syncer.Unwritten) {
	m.NotWritten.WithLabelValues(string(u.Link.Object), string(u.Direction), u.Field, u.Verdict).Inc()
}

func (m *Metrics) observeLag(d tandem.Direction, lag time.Duration) {
	m.Lag.WithLabelValues(string(d)).Observe(lag.Seconds())
}

func (m *Metrics) observeCall(system, method string, status int) {
	m.APICalls.WithLabelValues(system, method, statusClass(status)).Inc()
}

func statusClass(code int) string {
	if code == 0 {
		return "error"
	}
	return strconv.Itoa(code/100) + "xx"
}
