package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/snapshotter"
)

// downtimeLatency is the latency of the IC calls in the downtime scenario (issue 12's).
var downtimeLatency = map[string]time.Duration{
	sim.KindStop: 200 * time.Millisecond, sim.KindSnapshot: 300 * time.Millisecond, sim.KindStart: 100 * time.Millisecond,
}

// DowntimeConfig is one downtime run.
type DowntimeConfig struct {
	Targets int    // canisters, two levels deep under the root (the root is not backed up)
	Order   string // "parallel" or "strict"
	// SnapshotterInstances is how many snapshotters run; each has the stage's concurrency
	// (instances add slots, as separate processes would).
	SnapshotterInstances int
	// NoSync runs the store without fsync after every write (for comparison; the table's runs sync).
	NoSync bool
}

// Slots is how many stop, snapshot and start calls may run at once.
func (c DowntimeConfig) Slots() int {
	return max(c.SnapshotterInstances, 1) * snapshotter.Stage.Concurrency
}

// DowntimeRow is how long each canister was down in one run.
type DowntimeRow struct {
	Targets              int     `json:"targets"`
	Order                string  `json:"order"`
	Slots                int     `json:"slots"`
	SnapshotterInstances int     `json:"snapshotter_instances"`
	Canisters            int     `json:"canisters_measured"`
	MaxSeconds           float64 `json:"max_downtime_seconds"`
	MedianSeconds        float64 `json:"median_downtime_seconds"`
	RunSeconds           float64 `json:"run_seconds"`
	// Phases says when each phase began and ended, from the first stop's completion.
	Phases PhaseSpans `json:"phases"`
}

// eightSlotsUpTo is the largest selection also run with 8 slots (a minute and more above it).
const eightSlotsUpTo = 300

// downtimeCases are the runs of one size: strict with one snapshotter (when n is small enough
// for strict), then parallel with 8 slots (up to eightSlotsUpTo targets) and 64, and with at
// least n slots when that is more; only parallel with 64 slots when n is above onlyAbove (if
// set), to keep --quick short.
func downtimeCases(n, strictUpTo, onlyAbove int) []DowntimeConfig {
	if onlyAbove > 0 && n > onlyAbove {
		return []DowntimeConfig{{Targets: n, Order: "parallel", SnapshotterInstances: 8}}
	}
	var cases []DowntimeConfig
	if n <= strictUpTo {
		cases = append(cases, DowntimeConfig{Targets: n, Order: "strict", SnapshotterInstances: 1})
	}
	per := snapshotter.Stage.Concurrency
	if n <= eightSlotsUpTo {
		cases = append(cases, DowntimeConfig{Targets: n, Order: "parallel", SnapshotterInstances: 1})
	}
	cases = append(cases, DowntimeConfig{Targets: n, Order: "parallel", SnapshotterInstances: 8})
	if all := (n + per - 1) / per; all > 8 {
		cases = append(cases, DowntimeConfig{Targets: n, Order: "parallel", SnapshotterInstances: all})
	}
	return cases
}

// Downtime backs up every canister of a two-level fleet with the sim latencies of issue 12
// (stop 200 ms, snapshot 300 ms, start 100 ms) on the default sync-always store, and reads
// each canister's downtime from the simulator's history: from its stop's completion to its
// start's completion.
func Downtime(ctx context.Context, cfg DowntimeConfig) (DowntimeRow, error) {
	entries, err := twoLevelFleet(cfg.Targets)
	if err != nil {
		return DowntimeRow{}, err
	}
	instances := max(cfg.SnapshotterInstances, 1)
	in, err := install(ctx, installConfig{entries: entries, artifactBytes: 1024, latency: downtimeLatency,
		instances: map[string]int{"snapshotter": instances}, noSync: cfg.NoSync})
	if err != nil {
		return DowntimeRow{}, err
	}
	defer in.Close()
	runID := fmt.Sprintf("bench-downtime-%d-%s", cfg.Targets, cfg.Order)
	_, elapsed, err := in.backup(ctx, runID, map[string]any{"scope": "non-root-fleet", "order": cfg.Order})
	if err != nil {
		return DowntimeRow{}, err
	}
	calls, err := sim.ReadHistory(in.stateDir)
	if err != nil {
		return DowntimeRow{}, err
	}
	down := downtimes(calls)
	if len(down) != cfg.Targets {
		return DowntimeRow{}, fmt.Errorf("history shows %d canisters stopped and started, want %d", len(down), cfg.Targets)
	}
	return DowntimeRow{Targets: cfg.Targets, Order: cfg.Order, Slots: cfg.Slots(), SnapshotterInstances: instances,
		Canisters: len(down), MaxSeconds: slices.Max(down), MedianSeconds: median(down),
		RunSeconds: elapsed.Seconds(), Phases: phaseSpans(calls)}, nil
}

// downtimes is each canister's time from its first successful stop to the first successful
// start after it, in seconds, for the canisters that have both.
func downtimes(calls []sim.Call) []float64 {
	stopped := map[string]int64{}
	counted := map[string]bool{}
	var out []float64
	for _, c := range calls {
		if !c.OK {
			continue
		}
		at, stoppedBefore := stopped[c.Canister]
		switch {
		case c.Call == sim.KindStop && !stoppedBefore:
			stopped[c.Canister] = c.TimeNanos
		case c.Call == sim.KindStart && stoppedBefore && !counted[c.Canister]:
			out = append(out, time.Duration(c.TimeNanos-at).Seconds())
			counted[c.Canister] = true
		}
	}
	return out
}

// median of a non-empty list (the mean of the middle two for an even length).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
