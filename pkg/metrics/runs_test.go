package metrics

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

func runsBucket(t *testing.T) jetstream.KeyValue {
	t.Helper()
	kv, err := bustest.JetStream(t).CreateKeyValue(context.Background(), jetstream.KeyValueConfig{Bucket: "metrics_runs", History: 5})
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

func putRun(t *testing.T, kv jetstream.KeyValue, r runs.Record) {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(context.Background(), r.RunID, data); err != nil {
		t.Fatal(err)
	}
}

// The runs collector counts the latest record of every run on each scrape: by kind, state and
// restart_required (zeros included), with the newest completion per kind and per schedule.
func TestRunsCollector(t *testing.T) {
	kv := runsBucket(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(RunsCollector{KV: kv})
	mustValue(t, reg, "fleetbackup_runs", map[string]string{"kind": "backup", "state": "completed", "restart_required": "false"}, 0)

	t0 := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }
	nightly := schedule.RunID("nightly", t0)
	putRun(t, kv, runs.Record{RunID: nightly, Kind: runs.KindBackup, State: runs.Running, RestartRequired: true, UpdatedAt: at(0)})
	putRun(t, kv, runs.Record{RunID: nightly, Kind: runs.KindBackup, State: runs.Completed, UpdatedAt: at(time.Minute)}) // latest wins
	putRun(t, kv, runs.Record{RunID: "manual-1", Kind: runs.KindBackup, State: runs.Completed, UpdatedAt: at(time.Hour)})
	putRun(t, kv, runs.Record{RunID: "broken", Kind: runs.KindBackup, State: runs.Failed, RestartRequired: true, UpdatedAt: at(0)})
	putRun(t, kv, runs.Record{RunID: "old", State: runs.Completed, UpdatedAt: "not a time"}) // kind defaults to backup
	putRun(t, kv, runs.Record{RunID: "back", Kind: runs.KindRestore, State: runs.Running, UpdatedAt: at(0)})
	if _, err := kv.Put(context.Background(), "junk", []byte("{")); err != nil { // not a run: skipped
		t.Fatal(err)
	}
	if _, err := kv.Put(context.Background(), "gone", []byte(`{"state":"failed"}`)); err != nil {
		t.Fatal(err)
	}
	if err := kv.Delete(context.Background(), "gone"); err != nil { // deleted: not counted
		t.Fatal(err)
	}

	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"kind": "backup", "state": "completed", "restart_required": "false"}, 3},
		{map[string]string{"kind": "backup", "state": "running", "restart_required": "true"}, 0},
		{map[string]string{"kind": "backup", "state": "failed", "restart_required": "true"}, 1},
		{map[string]string{"kind": "backup", "state": "failed", "restart_required": "false"}, 0},
		{map[string]string{"kind": "restore", "state": "running", "restart_required": "false"}, 1},
		{map[string]string{"kind": "restore", "state": "queued", "restart_required": "true"}, 0},
	} {
		mustValue(t, reg, "fleetbackup_runs", c.labels, c.want)
	}
	mustValue(t, reg, "fleetbackup_run_last_completed_timestamp_seconds", map[string]string{"kind": "backup"},
		float64(t0.Add(time.Hour).Unix()))
	mustValue(t, reg, "fleetbackup_schedule_last_completed_timestamp_seconds", map[string]string{"schedule": "nightly"},
		float64(t0.Add(time.Minute).Unix()))
	if _, ok := value(t, reg, "fleetbackup_run_last_completed_timestamp_seconds", map[string]string{"kind": "restore"}); ok {
		t.Error("a kind without a completed run has a last completion")
	}
}

// A bucket that cannot be read is a scrape error, not a series of zeros.
func TestRunsCollectorReadError(t *testing.T) {
	js := bustest.JetStream(t)
	kv, err := js.CreateKeyValue(context.Background(), jetstream.KeyValueConfig{Bucket: "metrics_runs"})
	if err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteKeyValue(context.Background(), "metrics_runs"); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(RunsCollector{KV: kv, Timeout: 2 * time.Second})
	if _, err := reg.Gather(); err == nil {
		t.Fatal("gathering from a deleted bucket succeeded")
	}
}
