package bench

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user and system CPU time this process has used so far. On a shared, noisy
// machine it moves less than wall time when other processes compete for the cores.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFloor runs the floor scenario (2,000 operations, no KV reads) per iteration, to set
// an orchestration run beside the floor of the same machine and moment:
//
//	go test -run '^$' -bench Floor -benchtime 1x    # no sync; FLEETBACKUP_BENCH_SYNC=1 for sync
func BenchmarkFloor(b *testing.B) {
	noSync := os.Getenv("FLEETBACKUP_BENCH_SYNC") == ""
	for b.Loop() {
		row, err := Floor(context.Background(), FloorConfig{Ops: 2000, NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(row.MsPerOp, "ms/operation")
	}
}

// BenchmarkOrchestration runs one orchestration scenario per iteration, for profiling:
//
//	FLEETBACKUP_BENCH_TARGETS=1000 go test -run '^$' -bench Orchestration -benchtime 1x -cpuprofile cpu.out
//
// It reports ms per operation (wall and CPU) and KV operations per target as custom metrics.
func BenchmarkOrchestration(b *testing.B) {
	targets := 300
	if v, err := strconv.Atoi(os.Getenv("FLEETBACKUP_BENCH_TARGETS")); err == nil && v > 0 {
		targets = v
	}
	noSync := os.Getenv("FLEETBACKUP_BENCH_SYNC") == ""
	for b.Loop() {
		cpu := cpuTime(b)
		row, err := Orchestration(context.Background(), OrchestrationConfig{Targets: targets, NoSync: noSync})
		if err != nil {
			b.Fatal(err)
		}
		// CPU of the whole scenario (server start and fleet set-up included) per operation.
		b.ReportMetric(float64(cpuTime(b)-cpu)/float64(time.Millisecond)/float64(row.Operations), "cpu-ms/operation")
		b.ReportMetric(row.MsPerOp, "ms/operation")
		b.ReportMetric(row.ReadsPerTarget, "reads/target")
		b.ReportMetric(row.WritesPerTarget, "writes/target")
		b.ReportMetric(row.ConflictsPerTarget, "conflicts/target")
	}
}

// BenchmarkDowntime runs one downtime scenario per iteration (parallel order), for profiling:
//
//	FLEETBACKUP_BENCH_TARGETS=300 FLEETBACKUP_BENCH_SNAPSHOTTERS=8 go test -run '^$' -bench Downtime -benchtime 1x
func BenchmarkDowntime(b *testing.B) {
	targets, instances := 300, 8
	if v, err := strconv.Atoi(os.Getenv("FLEETBACKUP_BENCH_TARGETS")); err == nil && v > 0 {
		targets = v
	}
	if v, err := strconv.Atoi(os.Getenv("FLEETBACKUP_BENCH_SNAPSHOTTERS")); err == nil && v > 0 {
		instances = v
	}
	for b.Loop() {
		row, err := Downtime(context.Background(), DowntimeConfig{Targets: targets, Order: "parallel",
			SnapshotterInstances: instances, NoSync: os.Getenv("FLEETBACKUP_BENCH_NOSYNC") != ""})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(row.MaxSeconds, "max-downtime-s")
		b.ReportMetric(row.MedianSeconds, "median-downtime-s")
		b.Logf("phases: %+v", row.Phases)
	}
}

// BenchmarkVerify runs the verify-scaling scenario (one-slot verifiers started once every
// artifact is downloaded) with 1 and 2 verifiers:
//
//	go test -run '^$' -bench Verify -benchtime 1x
func BenchmarkVerify(b *testing.B) {
	for b.Loop() {
		var one float64
		for _, n := range []int{1, 2} {
			row, err := VerifyScaling(context.Background(), VerifyConfig{Targets: 8, ArtifactBytes: 128 << 20, Verifiers: n})
			if err != nil {
				b.Fatal(err)
			}
			if n == 1 {
				one = row.VerifyMBps
			}
			b.Logf("%d verifiers: %.0f MB/s, sha256 %.0f MB/s, %.2fx one verifier", n, row.VerifyMBps, row.SHA256MBps1, row.VerifyMBps/one)
		}
	}
}
