package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// restoreLatency adds upload and load latencies to the downtime scenario's: a restore's calls.
var restoreLatency = map[string]time.Duration{
	sim.KindStop: 200 * time.Millisecond, sim.KindSnapshot: 300 * time.Millisecond, sim.KindStart: 100 * time.Millisecond,
	sim.KindUpload: 300 * time.Millisecond, sim.KindLoad: 300 * time.Millisecond,
}

// RestoreDowntime backs up every canister of a two-level fleet, then restores that backup
// (cfg.Order) and measures each canister's downtime during the restore from the sim's history:
// from the restore's stop completing to its start completing. Uploads run while the fleet runs
// and are not downtime.
func RestoreDowntime(ctx context.Context, cfg DowntimeConfig) (DowntimeRow, error) {
	entries, err := twoLevelFleet(cfg.Targets)
	if err != nil {
		return DowntimeRow{}, err
	}
	instances := max(cfg.SnapshotterInstances, 1)
	in, err := install(ctx, installConfig{entries: entries, artifactBytes: 1024, latency: restoreLatency,
		instances: map[string]int{"snapshotter": instances, "downloader": 2}, noSync: cfg.NoSync})
	if err != nil {
		return DowntimeRow{}, err
	}
	defer in.Close()
	backupID := fmt.Sprintf("bench-backup-%d", cfg.Targets)
	if _, _, err := in.backup(ctx, backupID, map[string]any{"scope": "non-root-fleet", "order": "parallel"}); err != nil {
		return DowntimeRow{}, err
	}
	since := time.Now().UnixNano()
	elapsed, err := in.restore(ctx, fmt.Sprintf("bench-restore-%d-%s", cfg.Targets, cfg.Order), backupID, cfg.Order)
	if err != nil {
		return DowntimeRow{}, err
	}
	calls, err := sim.ReadHistory(in.stateDir)
	if err != nil {
		return DowntimeRow{}, err
	}
	calls = slices.DeleteFunc(calls, func(c sim.Call) bool { return c.TimeNanos < since })
	down := downtimes(calls)
	if len(down) != cfg.Targets {
		return DowntimeRow{}, fmt.Errorf("history shows %d canisters stopped and started by the restore, want %d", len(down), cfg.Targets)
	}
	return DowntimeRow{Targets: cfg.Targets, Order: cfg.Order, Slots: cfg.Slots(), SnapshotterInstances: instances,
		Canisters: len(down), MaxSeconds: slices.Max(down), MedianSeconds: median(down),
		RunSeconds: elapsed.Seconds(), Phases: phaseSpans(calls)}, nil
}

// restore submits a restore of backupID and waits until it completes.
func (in *installation) restore(ctx context.Context, runID, backupID, order string) (time.Duration, error) {
	body, err := json.Marshal(map[string]any{"run_id": runID, "backup": backupID, "order": order})
	if err != nil {
		return 0, err
	}
	_, elapsed, err := in.await(ctx, runID, func(ctx context.Context) error {
		return client.SubmitRestore(ctx, in.stack.Store, body, "")
	})
	return elapsed, err
}
