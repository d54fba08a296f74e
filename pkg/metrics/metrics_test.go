package metrics

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/fleetbackup/fleetbackup/pkg/opworker"
)

// value is the value of the sample of family name whose labels include want (a counter's,
// a gauge's, or a histogram's count); ok false when there is none.
func value(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) (float64, bool) {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, want) {
				return sampleValue(m), true
			}
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			found++
		}
	}
	return found == len(want)
}

func sampleValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

func mustValue(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string, want float64) {
	t.Helper()
	got, ok := value(t, g, name, labels)
	if !ok || got != want {
		t.Errorf("%s%v = %v (present %v), want %v", name, labels, got, ok, want)
	}
}

// Everything the runtime and the effects report through the context lands in the Set's
// registry, under the documented names, with no run or canister labels.
func TestSetRecordsWhatTheContextReports(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := New(reg)
	ctx := NewContext(context.Background(), s)
	if From(ctx) != s || opworker.ObserverFrom(ctx) != opworker.Observer(s) {
		t.Fatal("the context does not carry the Set")
	}
	o := opworker.ObserverFrom(ctx)
	o.OperationEnded("stop", "completed")
	o.OperationEnded("stop", "completed")
	o.OperationEnded("download-snapshot", opworker.OutcomeHandedBack)
	o.OperationTook("stop", 30*time.Millisecond)
	o.LeaseTakenOver("verify-artifact")
	o.CanisterDowntime("backup", 2*time.Second)
	o.TransferredBytes(opworker.Downloaded, 1000)
	o.TransferredBytes(opworker.Verified, 999)
	o.TransferredBytes("sideways", 5) // unknown: ignored
	ScheduleFired(ctx, "nightly")
	ScheduleSkipped(ctx, "nightly")
	s.Messages().Rejected.Add(2)
	s.Messages().HandedBack.Add(3)
	s.KV().Conflicts.Add(4)

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"fleetbackup_operations_total", map[string]string{"kind": "stop", "outcome": "completed"}, 2},
		{"fleetbackup_operations_total", map[string]string{"kind": "download-snapshot", "outcome": "handed_back"}, 1},
		{"fleetbackup_operation_duration_seconds", map[string]string{"kind": "stop"}, 1},
		{"fleetbackup_lease_takeovers_total", map[string]string{"kind": "verify-artifact"}, 1},
		{"fleetbackup_canister_downtime_seconds", map[string]string{"run_kind": "backup"}, 1},
		{"fleetbackup_downloaded_bytes_total", nil, 1000},
		{"fleetbackup_verified_bytes_total", nil, 999},
		{"fleetbackup_uploaded_bytes_total", nil, 0},
		{"fleetbackup_schedule_fired_total", map[string]string{"schedule": "nightly"}, 1},
		{"fleetbackup_schedule_skipped_total", map[string]string{"schedule": "nightly"}, 1},
		{"fleetbackup_messages_terminated_total", map[string]string{"reason": "rejected"}, 2},
		{"fleetbackup_messages_terminated_total", map[string]string{"reason": "max_deliveries"}, 0},
		{"fleetbackup_messages_handed_back_total", nil, 3},
		{"fleetbackup_handler_panics_total", nil, 0},
		{"fleetbackup_kv_cas_conflicts_total", nil, 4},
		{"fleetbackup_kv_reads_total", nil, 0},
	} {
		mustValue(t, reg, c.name, c.labels, c.want)
	}
	checkNoRunLabels(t, reg)
}

// checkNoRunLabels fails on any series labelled with a run or a canister.
func checkNoRunLabels(t *testing.T, g prometheus.Gatherer) {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if n := l.GetName(); strings.Contains(n, "run_id") || strings.Contains(n, "canister") {
					t.Errorf("%s has label %s", f.GetName(), n)
				}
			}
		}
	}
}

// Two Sets (two stacks in one test process) never share a count, and code running without a
// Set records nothing and does not fail.
func TestSetsStayApart(t *testing.T) {
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	a, b := New(regA), New(regB)
	ctxA, ctxB := NewContext(context.Background(), a), NewContext(context.Background(), b)
	ScheduleFired(ctxA, "hourly")
	opworker.ObserverFrom(ctxB).OperationEnded("start", "failed")
	mustValue(t, regA, "fleetbackup_schedule_fired_total", map[string]string{"schedule": "hourly"}, 1)
	if _, ok := value(t, regB, "fleetbackup_schedule_fired_total", map[string]string{"schedule": "hourly"}); ok {
		t.Error("a firing counted in stack A shows in stack B")
	}
	if _, ok := value(t, regA, "fleetbackup_operations_total", map[string]string{"kind": "start"}); ok {
		t.Error("an operation of stack B shows in stack A")
	}

	bare := context.Background()
	if From(bare) != nil || opworker.ObserverFrom(bare) != nil || NewContext(bare, nil) != bare {
		t.Error("a bare context carries metrics")
	}
	ScheduleFired(bare, "hourly")
	ScheduleSkipped(bare, "hourly")
	var none *Set
	none.OperationEnded("stop", "completed")
	none.OperationTook("stop", time.Second)
	none.LeaseTakenOver("stop")
	none.CanisterDowntime("backup", time.Second)
	none.TransferredBytes(opworker.Verified, 1)
}
