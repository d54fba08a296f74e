package bench

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// BenchmarkOrchestration runs one orchestration scenario per iteration, for profiling:
//
//	FLEETBACKUP_BENCH_TARGETS=1000 go test -run '^$' -bench Orchestration -benchtime 1x -cpuprofile cpu.out
//
// It reports ms per operation and KV operations per target as custom metrics.
func BenchmarkOrchestration(b *testing.B) {
	targets := 300
	if v, err := strconv.Atoi(os.Getenv("FLEETBACKUP_BENCH_TARGETS")); err == nil && v > 0 {
		targets = v
	}
	noSync := os.Getenv("FLEETBACKUP_BENCH_SYNC") == ""
	for b.Loop() {
		row, err := Orchestration(context.Background(), OrchestrationConfig{Targets: targets, NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(row.MsPerOp, "ms/operation")
		b.ReportMetric(row.ReadsPerTarget, "reads/target")
		b.ReportMetric(row.WritesPerTarget, "writes/target")
		b.ReportMetric(row.ConflictsPerTarget, "conflicts/target")
	}
}
