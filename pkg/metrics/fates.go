package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Message fate series (the names the hand-written /metrics had, kept).
var (
	terminatedDesc = prometheus.NewDesc(Namespace+"_messages_terminated_total",
		"Messages terminated, by reason: rejected (they can never succeed), failed (a handler error), "+
			"max_deliveries (given up on their last allowed delivery).", []string{"reason"}, nil)
	panicsDesc = prometheus.NewDesc(Namespace+"_handler_panics_total",
		"Message handlers that panicked.", nil, nil)
	handedBackDesc = prometheus.NewDesc(Namespace+"_messages_handed_back_total",
		"Messages handed back for a later delivery (a retry: a claim held elsewhere, a store error, a queued run).", nil, nil)
)

// fatesCollector reads the workers' message fate counters on scrape.
type fatesCollector struct{ c *worker.Counters }

// Describe sends the descriptions of the message fate series.
func (f fatesCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- terminatedDesc
	ch <- panicsDesc
	ch <- handedBackDesc
}

// Collect sends the message fate counters' current values.
func (f fatesCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range []struct {
		reason string
		n      *atomic.Uint64
	}{{"rejected", &f.c.Rejected}, {"failed", &f.c.Terminated}, {"max_deliveries", &f.c.GaveUp}} {
		ch <- prometheus.MustNewConstMetric(terminatedDesc, prometheus.CounterValue, float64(r.n.Load()), r.reason)
	}
	ch <- prometheus.MustNewConstMetric(panicsDesc, prometheus.CounterValue, float64(f.c.Panics.Load()))
	ch <- prometheus.MustNewConstMetric(handedBackDesc, prometheus.CounterValue, float64(f.c.HandedBack.Load()))
}

// KV operation series.
var (
	kvReadsDesc = prometheus.NewDesc(Namespace+"_kv_reads_total",
		"Records read from the KV buckets (runs, operations, barriers, artifacts, locks).", nil, nil)
	kvWritesDesc = prometheus.NewDesc(Namespace+"_kv_writes_total",
		"Records written to the KV buckets, compare-and-swap attempts that lost included.", nil, nil)
	kvConflictsDesc = prometheus.NewDesc(Namespace+"_kv_cas_conflicts_total",
		"Compare-and-swap writes that lost to another writer and were decided again from a fresh read.", nil, nil)
)

// kvCollector reads the store's KV operation counters on scrape.
type kvCollector struct{ s *kvstore.Stats }

// Describe sends the descriptions of the KV series.
func (k kvCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- kvReadsDesc
	ch <- kvWritesDesc
	ch <- kvConflictsDesc
}

// Collect sends the KV counters' current values.
func (k kvCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(kvReadsDesc, prometheus.CounterValue, float64(k.s.Reads.Load()))
	ch <- prometheus.MustNewConstMetric(kvWritesDesc, prometheus.CounterValue, float64(k.s.Writes.Load()))
	ch <- prometheus.MustNewConstMetric(kvConflictsDesc, prometheus.CounterValue, float64(k.s.Conflicts.Load()))
}
