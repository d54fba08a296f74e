package embedded_test

import (
	"fmt"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// BenchmarkSubtreeBackup runs a whole parallel backup of an N-target subtree (zero-latency sim,
// 1 KiB artifacts) on the embedded server, with its default sync-always store and without sync,
// and reports the time per operation and the KV operations per target, which must not grow
// with N.
//
//	go test -run '^$' -bench SubtreeBackup -benchtime 1x ./pipeline/
func BenchmarkSubtreeBackup(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		for _, n := range []int{100, 1000} {
			b.Run(fmt.Sprintf("sync=%v/targets=%d", !noSync, n), func(b *testing.B) {
				entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 10, n/10 - 1}, Roles: []string{"hub", "store"}})
				for i := 0; i < b.N; i++ {
					benchOnce(b, entries, noSync)
				}
			})
		}
	}
}

func benchOnce(b *testing.B, entries []registry.Entry, noSync bool) {
	b.StopTimer()
	f := embeddedtest.NewFleet(b, entries, 1024)
	stats := &kvstore.Stats{}
	st := embeddedtest.Start(b, f, embedded.Config{Stats: stats, NoSync: noSync,
		Instances: map[string]int{"downloader": 2, "verifier": 2}})
	runID := fmt.Sprintf("bench-%d", b.N)
	body := embeddedtest.Request(b, map[string]any{"run_id": runID, "fleet": "bench", "network": "local",
		"root_canister_id": f.Root, "selector": entries[1].Pid})
	b.StartTimer()
	rec := st.RunToEnd(b, runID, body)
	b.StopTimer()
	if rec.State != runs.Completed {
		b.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	targets := float64(len(entries) - 1)
	ops := float64(rec.Counts.Total)
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/ops/float64(b.N), "ms/operation")
	b.ReportMetric(float64(stats.Reads.Load())/targets, "kv-reads/target")
	b.ReportMetric(float64(stats.Writes.Load())/targets, "kv-writes/target")
	b.ReportMetric(float64(stats.Conflicts.Load())/targets, "kv-conflicts/target")
	st.Close()
	b.StartTimer()
}
