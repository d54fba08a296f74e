// Package bench measures a whole fleetbackup installation in one process: the embedded NATS
// server, every service and the simulated IC. It runs four scenarios (the floor of KV and
// publish calls one operation needs, zero-latency orchestration, per-canister downtime with
// realistic call latencies, and the data path of large artifacts) and reports them as rows
// that `fleetbackup bench` prints as tables. It measures; it changes nothing in the pipeline.
package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"
)

// Config chooses the scenarios' sizes; the zero value is the full benchmark.
type Config struct {
	// Quick runs the smallest sizes only, so that the whole benchmark takes under a minute.
	Quick bool
	// Progress, when set, gets one line per scenario as it finishes.
	Progress io.Writer
}

// Machine is where the benchmark ran.
type Machine struct {
	CPUs      int    `json:"cpus"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"go_version"`
}

// ThisMachine describes the running process's machine.
func ThisMachine() Machine {
	return Machine{CPUs: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version()}
}

// Report is every scenario's rows from one run.
type Report struct {
	Machine        Machine            `json:"machine"`
	Command        string             `json:"command"`
	Quick          bool               `json:"quick"`
	Floor          []FloorRow         `json:"floor"`
	Orchestration  []OrchestrationRow `json:"orchestration"`
	Downtime       []DowntimeRow      `json:"downtime"`
	Restore        []DowntimeRow      `json:"restore_downtime"`
	DataPath       []DataPathRow      `json:"data_path"`
	Verify         []VerifyRow        `json:"verify_scaling"`
	ElapsedSeconds float64            `json:"elapsed_seconds"`
}

// sizes are the sizes of one benchmark run.
type sizes struct {
	floorOps      int
	orchestration []int
	downtime      []int
	strictUpTo    int // strict order only for selections of at most this many targets
	// parallelOnly64Above, when set, keeps larger selections to parallel order with 64 slots.
	parallelOnly64Above int
	artifactBytes       int64
	verifyTargets       int   // artifacts the verify-scaling scenario verifies
	verifyBytes         int64 // the size of each
	restore             []int // restore downtime sizes
	restoreStrictUpTo   int
	restoreOnly64Above  int
}

func sizesFor(quick bool) sizes {
	if quick {
		return sizes{floorOps: 500, orchestration: []int{100}, downtime: []int{30, 100},
			strictUpTo: 30, parallelOnly64Above: 30, artifactBytes: 8 << 20, verifyTargets: 4, verifyBytes: 8 << 20, restore: []int{30}, restoreOnly64Above: 1}
	}
	return sizes{floorOps: 2000, orchestration: []int{100, 1000, 10000}, downtime: []int{30, 100, 300, 1000},
		strictUpTo: 300, artifactBytes: 32 << 20, verifyTargets: 8, verifyBytes: 128 << 20, restore: []int{30, 100, 300}, restoreStrictUpTo: 30}
}

// Run runs every scenario in turn and returns the report (Command is left to the caller).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	p := sizesFor(cfg.Quick)
	r := &Report{Machine: ThisMachine(), Quick: cfg.Quick}
	for _, noSync := range []bool{false, true} {
		for _, reads := range []bool{false, true} {
			row, err := Floor(ctx, FloorConfig{Ops: p.floorOps, NoSync: noSync, Reads: reads})
			if err != nil {
				return nil, fmt.Errorf("floor: %w", err)
			}
			cfg.progress("floor %s, reads %v: %.3f ms/op", syncName(row.Sync), row.Reads, row.MsPerOp)
			r.Floor = append(r.Floor, row)
		}
	}
	if err := r.runOrchestration(ctx, cfg, p); err != nil {
		return nil, err
	}
	if err := r.runDowntime(ctx, cfg, p); err != nil {
		return nil, err
	}
	if err := r.runDataPath(ctx, cfg, p); err != nil {
		return nil, err
	}
	if err := r.runRestore(ctx, cfg, p); err != nil {
		return nil, err
	}
	r.ElapsedSeconds = time.Since(start).Seconds()
	return r, nil
}

func (r *Report) runOrchestration(ctx context.Context, cfg Config, p sizes) error {
	for _, noSync := range []bool{false, true} {
		for _, n := range p.orchestration {
			row, err := Orchestration(ctx, OrchestrationConfig{Targets: n, NoSync: noSync})
			if err != nil {
				return fmt.Errorf("orchestration of %d targets: %w", n, err)
			}
			row.WithFloor(r.Floor)
			cfg.progress("orchestration %s N=%d: %.3f ms/op (%.1fx the floor)", syncName(row.Sync), row.Targets, row.MsPerOp, row.FloorRatio)
			r.Orchestration = append(r.Orchestration, row)
		}
	}
	return nil
}

func (r *Report) runDowntime(ctx context.Context, cfg Config, p sizes) error {
	for _, n := range p.downtime {
		for _, c := range downtimeCases(n, p.strictUpTo, p.parallelOnly64Above) {
			row, err := Downtime(ctx, c)
			if err != nil {
				return fmt.Errorf("downtime of %d targets, %s, %d slots: %w", n, c.Order, c.Slots(), err)
			}
			cfg.progress("downtime N=%d %s slots=%d: max %.2f s, median %.2f s", row.Targets, row.Order, row.Slots, row.MaxSeconds, row.MedianSeconds)
			r.Downtime = append(r.Downtime, row)
		}
	}
	return nil
}

func (r *Report) runRestore(ctx context.Context, cfg Config, p sizes) error {
	for _, n := range p.restore {
		for _, c := range downtimeCases(n, p.restoreStrictUpTo, p.restoreOnly64Above) {
			row, err := RestoreDowntime(ctx, c)
			if err != nil {
				return fmt.Errorf("restore of %d targets, %s, %d slots: %w", n, c.Order, c.Slots(), err)
			}
			cfg.progress("restore N=%d %s slots=%d: max %.2f s, median %.2f s", row.Targets, row.Order, row.Slots, row.MaxSeconds, row.MedianSeconds)
			r.Restore = append(r.Restore, row)
		}
	}
	return nil
}

func (r *Report) runDataPath(ctx context.Context, cfg Config, p sizes) error {
	for _, instances := range []int{1, 2} {
		row, err := DataPath(ctx, DataPathConfig{Targets: 4, ArtifactBytes: p.artifactBytes, Instances: instances})
		if err != nil {
			return fmt.Errorf("data path with %d instances: %w", instances, err)
		}
		cfg.progress("data path x%d: download %.0f MB/s, verify %.0f MB/s", instances, row.DownloadMBps, row.VerifyMBps)
		r.DataPath = append(r.DataPath, row)
	}
	for _, verifiers := range []int{1, 2} {
		row, err := VerifyScaling(ctx, VerifyConfig{Targets: p.verifyTargets, ArtifactBytes: p.verifyBytes, Verifiers: verifiers})
		if err != nil {
			return fmt.Errorf("verify scaling with %d verifiers: %w", verifiers, err)
		}
		cfg.progress("verify x%d: %.0f MB/s (sha256 %.0f MB/s)", verifiers, row.VerifyMBps, row.SHA256MBps1)
		r.Verify = append(r.Verify, row)
	}
	return nil
}

func (cfg Config) progress(format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "bench: "+format+"\n", args...)
	}
}

func syncName(sync bool) string {
	if sync {
		return "sync always"
	}
	return "no sync"
}
