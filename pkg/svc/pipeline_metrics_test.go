package svc

import (
	"io"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// After a backup on the five services, their /metrics (scraped over HTTP, as Prometheus does)
// match the run: operations by kind equal the plan's, bytes downloaded and verified equal the
// artifacts' total size, every start observed a downtime, the planner counts the run
// completed, and nothing failed. The run is waited for on its record (a KV watch), never by
// sleeping; every count is written before the run is marked completed.
func TestMetricsMatchTheRun(t *testing.T) {
	in := startInstallation(t)
	rec := in.backup(t, "metrics-1")
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %v", rec.State, rec.Error)
	}
	scrapes := in.scrapeAll(t)

	planned, executed := in.plannedOps(t, rec), 0.0
	for kind, n := range planned {
		if got := total(scrapes, "fleetbackup_operations_total", map[string]string{"kind": kind, "outcome": "completed"}); got != n {
			t.Errorf("operations completed of %s = %v, want the plan's %v", kind, got, n)
		}
		if got := total(scrapes, "fleetbackup_operation_duration_seconds", map[string]string{"kind": kind}); got != n {
			t.Errorf("durations observed of %s = %v, want %v", kind, got, n)
		}
		executed += n
	}
	t.Logf("plan: %v", planned)
	for _, outcome := range []string{"failed", "handed_back"} {
		if got := total(scrapes, "fleetbackup_operations_total", map[string]string{"outcome": outcome}); got != 0 {
			t.Errorf("operations %s = %v in a clean run", outcome, got)
		}
	}
	if got := total(scrapes, "fleetbackup_operations_executed_total", nil); got != executed {
		t.Errorf("operations executed = %v, want %v", got, executed)
	}
	checkBytesAndDowntime(t, in, scrapes, rec, planned["start"])
	checkRunSeries(t, scrapes["planner"])
	for name, s := range scrapes {
		if s.sum("fleetbackup_kv_reads_total", nil) == 0 || s.sum("fleetbackup_kv_writes_total", nil) == 0 {
			t.Errorf("%s counted no KV operations", name)
		}
		if !s.has("fleetbackup_kv_cas_conflicts_total", map[string]string{"service": name}) ||
			!s.has("fleetbackup_ready", map[string]string{"service": name}) {
			t.Errorf("%s lacks its labelled series", name)
		}
	}
	if got := total(scrapes, "fleetbackup_messages_terminated_total", nil); got != 0 {
		t.Errorf("messages terminated = %v in a clean run", got)
	}
	checkProbe(t, in)
}

// checkProbe checks the probe a container health check runs against a real service: 0 while
// it is ready, 1 once it has stopped.
func checkProbe(t *testing.T, in *installation) {
	t.Helper()
	addr := in.addrs["verifier"]
	env := envOf(map[string]string{"FLEETBACKUP_HEALTH_ADDR": addr})
	if code := Healthcheck("verifier", nil, env, io.Discard); code != 0 {
		t.Fatalf("healthcheck of a ready service = %d", code)
	}
	in.stop()
	if code := Healthcheck("verifier", []string{"--health-addr", addr}, envOf(nil), io.Discard); code != 1 {
		t.Fatalf("healthcheck of a stopped service = %d", code)
	}
}

func checkBytesAndDowntime(t *testing.T, in *installation, scrapes map[string]scrape, rec runs.Record, starts float64) {
	t.Helper()
	size := artifactBytes(t, in.backupRoot+"/"+rec.RunID)
	t.Logf("artifacts: %v bytes", size)
	if got := scrapes["verifier"].sum("fleetbackup_verified_bytes_total", nil); got != size {
		t.Errorf("bytes verified = %v, want the artifacts' %v", got, size)
	}
	if got := scrapes["downloader"].sum("fleetbackup_downloaded_bytes_total", nil); got != size {
		t.Errorf("bytes downloaded = %v, want the artifacts' %v", got, size)
	}
	if got := total(scrapes, "fleetbackup_uploaded_bytes_total", nil); got != 0 {
		t.Errorf("bytes uploaded = %v by a backup", got)
	}
	downtime := scrapes["snapshotter"]["fleetbackup_canister_downtime_seconds"]
	if got := scrapes["snapshotter"].sum("fleetbackup_canister_downtime_seconds", map[string]string{"run_kind": "backup"}); got != starts || starts == 0 {
		t.Fatalf("downtimes observed = %v, want one per start (%v)", got, starts)
	}
	if h := downtime.GetMetric()[0].GetHistogram(); h.GetSampleSum() <= 0 {
		t.Errorf("downtime sum = %v, want positive", h.GetSampleSum())
	}
}

// checkRunSeries checks the planner's series read from the runs bucket: one completed backup,
// nothing else, and its completion time.
func checkRunSeries(t *testing.T, planner scrape) {
	t.Helper()
	if got := planner.sum("fleetbackup_runs", map[string]string{"kind": "backup", "state": "completed", "restart_required": "false"}); got != 1 {
		t.Errorf("completed backups = %v, want 1", got)
	}
	if got := planner.sum("fleetbackup_runs", nil); got != 1 {
		t.Errorf("runs = %v, want 1", got)
	}
	if !planner.has("fleetbackup_runs", map[string]string{"kind": "restore", "state": "failed", "restart_required": "true"}) {
		t.Error("the zero series of restores are missing")
	}
	if planner.sum("fleetbackup_run_last_completed_timestamp_seconds", map[string]string{"kind": "backup"}) <= 0 {
		t.Error("no last completion time")
	}
}
