package bench

import (
	"context"
	"fmt"
)

// OrchestrationConfig sizes one orchestration run.
type OrchestrationConfig struct {
	Targets int  // canisters in the selected subtree (its top included)
	NoSync  bool // the embedded server's NoSync
}

// OrchestrationRow is one zero-latency backup: what the pipeline itself costs per operation.
type OrchestrationRow struct {
	Sync       bool    `json:"sync"`
	Targets    int     `json:"targets"`
	Operations int     `json:"operations"`
	Seconds    float64 `json:"seconds"`
	MsPerOp    float64 `json:"ms_per_op"`
	// FloorMsPerOp is the floor of the same sync mode in the same report, FloorRatio MsPerOp
	// over it (both 0 when the report has no such floor).
	FloorMsPerOp float64 `json:"floor_ms_per_op"`
	FloorRatio   float64 `json:"floor_ratio"`
	// KV operations of every service per target (writes include compare-and-swap attempts
	// that lost, which are also the conflicts).
	ReadsPerTarget     float64 `json:"kv_reads_per_target"`
	WritesPerTarget    float64 `json:"kv_writes_per_target"`
	ConflictsPerTarget float64 `json:"kv_conflicts_per_target"`
	// InKBPerTarget is what the clients sent the server during the run (publishes, KV writes,
	// requests, acks), in KiB per target.
	InKBPerTarget float64 `json:"server_in_kib_per_target"`
}

// Orchestration backs up a subtree of cfg.Targets canisters in parallel order with a
// zero-latency simulator and 1 KiB artifacts (2 downloaders and 2 verifiers, as the pipeline
// benchmark of pkg/embedded), timed from submission to the terminal run record.
func Orchestration(ctx context.Context, cfg OrchestrationConfig) (OrchestrationRow, error) {
	entries, err := subtreeFleet(cfg.Targets)
	if err != nil {
		return OrchestrationRow{}, err
	}
	in, err := install(ctx, installConfig{entries: entries, artifactBytes: 1024, noSync: cfg.NoSync,
		instances: map[string]int{"downloader": 2, "verifier": 2}})
	if err != nil {
		return OrchestrationRow{}, err
	}
	defer in.Close()
	before, err := in.serverInBytes()
	if err != nil {
		return OrchestrationRow{}, err
	}
	in.stats.Reads.Store(0)
	in.stats.Writes.Store(0)
	in.stats.Conflicts.Store(0)
	runID := fmt.Sprintf("bench-orchestration-%d", cfg.Targets)
	rec, elapsed, err := in.backup(ctx, runID, map[string]any{"selector": entries[1].Pid, "order": "parallel"})
	if err != nil {
		return OrchestrationRow{}, err
	}
	after, err := in.serverInBytes()
	if err != nil {
		return OrchestrationRow{}, err
	}
	targets, err := in.targets(ctx, runID)
	if err != nil {
		return OrchestrationRow{}, err
	}
	n := float64(targets)
	ops := rec.Counts.Total
	return OrchestrationRow{Sync: !cfg.NoSync, Targets: targets, Operations: ops,
		Seconds: elapsed.Seconds(), MsPerOp: ms(elapsed) / float64(ops),
		ReadsPerTarget:     float64(in.stats.Reads.Load()) / n,
		WritesPerTarget:    float64(in.stats.Writes.Load()) / n,
		ConflictsPerTarget: float64(in.stats.Conflicts.Load()) / n,
		InKBPerTarget:      float64(after-before) / 1024 / n}, nil
}

// WithFloor fills in the floor of the row's sync mode (the one without reads) from floors.
func (r *OrchestrationRow) WithFloor(floors []FloorRow) {
	for _, f := range floors {
		if f.Sync == r.Sync && !f.Reads && f.MsPerOp > 0 {
			r.FloorMsPerOp = f.MsPerOp
			r.FloorRatio = r.MsPerOp / f.MsPerOp
		}
	}
}

// serverInBytes is the bytes the embedded server has received from its clients so far.
func (in *installation) serverInBytes() (int64, error) {
	v, err := in.stack.Server.Varz(nil)
	if err != nil {
		return 0, fmt.Errorf("reading the server's statistics: %w", err)
	}
	return v.InBytes, nil
}
