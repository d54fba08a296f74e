// Package metrics holds fleetbackup's Prometheus collectors: operations by kind and outcome,
// their durations, bytes downloaded, verified and uploaded, message fates, lease takeovers, KV
// operations and compare-and-swap conflicts, canister downtime, schedule firings, and (read
// from the runs bucket on scrape) runs by kind, state and restart_required. docs/operations.md
// lists every series.
//
// Nothing here is global: a Set is registered on a registry its owner chooses (one per
// service process, one per embedded stack) and travels to the code that counts in the context
// the stages run with (NewContext), so several stacks in one test process never share a
// counter. No series carries a run id or a canister id.
package metrics

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Namespace prefixes every series of this package.
const Namespace = "fleetbackup"

// Set is the collectors of one process or embedded stack. Its methods are safe for concurrent
// use, and a nil *Set records nothing.
type Set struct {
	messages   worker.Counters
	kv         kvstore.Stats
	operations *prometheus.CounterVec
	durations  *prometheus.HistogramVec
	takeovers  *prometheus.CounterVec
	downtime   *prometheus.HistogramVec
	bytes      map[opworker.Transfer]prometheus.Counter
	fired      *prometheus.CounterVec
	skipped    *prometheus.CounterVec
}

// durationBuckets are the operation duration histogram's upper bounds, in seconds: from a
// management call on an idle subnet to a download of many gigabytes.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}

// downtimeBuckets are the canister downtime histogram's upper bounds, in seconds.
var downtimeBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600}

// New makes a Set and registers its collectors on reg. It panics if reg already holds them
// (a programming error, as with prometheus.MustRegister).
func New(reg prometheus.Registerer) *Set {
	s := &Set{
		operations: prometheus.NewCounterVec(opts("operations_total",
			"Attempts at operations that ended, by operation kind and outcome: completed or failed "+
				"(a receipt was recorded), handed_back (no receipt: the claim was lost or released)."),
			[]string{"kind", "outcome"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace,
			Name: "operation_duration_seconds", Buckets: durationBuckets,
			Help: "How long operations' effects ran, by operation kind (attempts that completed or failed)."},
			[]string{"kind"}),
		takeovers: prometheus.NewCounterVec(opts("lease_takeovers_total",
			"Operations claimed from another worker whose lease had lapsed, by operation kind."), []string{"kind"}),
		downtime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace,
			Name: "canister_downtime_seconds", Buckets: downtimeBuckets,
			Help: "Time from a canister's stop completing to its start completing in the same run, by run kind; observed when the start completes."},
			[]string{"run_kind"}),
		fired: prometheus.NewCounterVec(opts("schedule_fired_total",
			"Firings of a schedule that opened their run, by schedule name."), []string{"schedule"}),
		skipped: prometheus.NewCounterVec(opts("schedule_skipped_total",
			"Firings of a schedule that opened no run because its last run was still active, by schedule name."),
			[]string{"schedule"}),
		bytes: map[opworker.Transfer]prometheus.Counter{},
	}
	cs := []prometheus.Collector{s.operations, s.durations, s.takeovers, s.downtime, s.fired, s.skipped,
		fatesCollector{&s.messages}, kvCollector{&s.kv}}
	for _, t := range []opworker.Transfer{opworker.Downloaded, opworker.Verified, opworker.Uploaded} {
		c := prometheus.NewCounter(opts(string(t)+"_bytes_total", "Bytes of artifacts "+string(t)+"."))
		s.bytes[t] = c
		cs = append(cs, c)
	}
	reg.MustRegister(cs...)
	return s
}

func opts(name, help string) prometheus.CounterOpts {
	return prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}
}

// Messages are the counters of message fates the Set exposes; give them to the workers
// (stage.Config.Counters), or let NewContext carry them.
func (s *Set) Messages() *worker.Counters { return &s.messages }

// KV is the KV operation counters the Set exposes; give them to the store
// (runstore.Store.SetStats, embedded.Config.Stats).
func (s *Set) KV() *kvstore.Stats { return &s.kv }

type setKey struct{}

// NewContext returns ctx carrying s for everything that runs under it: the workers' message
// fates (worker.WithCounters), the operation runtime's observations (opworker.WithObserver),
// and the schedule counters (ScheduleFired, ScheduleSkipped).
func NewContext(ctx context.Context, s *Set) context.Context {
	if s == nil {
		return ctx
	}
	ctx = context.WithValue(ctx, setKey{}, s)
	ctx = worker.WithCounters(ctx, &s.messages)
	return opworker.WithObserver(ctx, s)
}

// From is the Set ctx carries, or nil (which records nothing).
func From(ctx context.Context) *Set {
	s, _ := ctx.Value(setKey{}).(*Set)
	return s
}
