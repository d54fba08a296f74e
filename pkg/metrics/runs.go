package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// Series read from the runs bucket on scrape.
var (
	runsDesc = prometheus.NewDesc(Namespace+"_runs",
		"Runs in the runs bucket, by kind, state and restart_required (read on scrape).",
		[]string{"kind", "state", "restart_required"}, nil)
	lastCompletedDesc = prometheus.NewDesc(Namespace+"_run_last_completed_timestamp_seconds",
		"When the newest completed run of each kind was last updated (completion), Unix seconds.",
		[]string{"kind"}, nil)
	scheduleLastDesc = prometheus.NewDesc(Namespace+"_schedule_last_completed_timestamp_seconds",
		"When the newest completed run a schedule fired was last updated (completion), Unix seconds, "+
			"by schedule name (from the run id, schedule.RunID).", []string{"schedule"}, nil)
)

// states are the run states, every one of which is reported (zero included) per kind.
var states = []runs.State{runs.Planning, runs.Preflight, runs.Queued, runs.Running,
	runs.Completed, runs.Failed, runs.Aborted, runs.Rejected}

// DefaultRunsTimeout bounds the read of the runs bucket in one scrape.
const DefaultRunsTimeout = 10 * time.Second

// RunsCollector reports the runs bucket on scrape: it reads the latest record of every run
// (one ordered watch of the bucket, O(runs) bytes) and counts them. Register it in one process
// per installation (the services do in the planner), or take the max over instances.
type RunsCollector struct {
	KV      jetstream.KeyValue
	Timeout time.Duration // default DefaultRunsTimeout
}

// Describe sends the descriptions of the run series.
func (c RunsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- runsDesc
	ch <- lastCompletedDesc
	ch <- scheduleLastDesc
}

// Collect reads the bucket and sends the run series; a failed read is a scrape error.
func (c RunsCollector) Collect(ch chan<- prometheus.Metric) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultRunsTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t, err := ReadRuns(ctx, c.KV)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(runsDesc, fmt.Errorf("reading the runs bucket: %w", err))
		return
	}
	t.collect(ch)
}

// runView is what the series need of a run record.
type runView struct {
	RunID           string     `json:"run_id"`
	Kind            string     `json:"kind"`
	State           runs.State `json:"state"`
	RestartRequired bool       `json:"restart_required"`
	UpdatedAt       string     `json:"updated_at"`
}

type runKey struct {
	kind, state string
	restart     bool
}

// RunTally is the runs bucket counted: runs by kind, state and restart_required, and the
// newest completion per kind and per schedule.
type RunTally struct {
	runs              map[runKey]int
	LastCompleted     map[string]time.Time // by kind
	ScheduleCompleted map[string]time.Time // by schedule name
}

// ReadRuns reads the latest record of every run in kv and counts them.
func ReadRuns(ctx context.Context, kv jetstream.KeyValue) (*RunTally, error) {
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, err
	}
	defer func() { _ = w.Stop() }()
	t := &RunTally{runs: map[runKey]int{}, LastCompleted: map[string]time.Time{}, ScheduleCompleted: map[string]time.Time{}}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case e, ok := <-w.Updates():
			if !ok || e == nil { // nil marks the end of the current values
				return t, nil
			}
			t.add(e.Value())
		}
	}
}

// add counts one record; a record that does not decode is not a run and is skipped.
func (t *RunTally) add(data []byte) {
	var r runView
	if json.Unmarshal(data, &r) != nil || r.State == "" {
		return
	}
	if r.Kind == "" {
		r.Kind = runs.KindBackup
	}
	t.runs[runKey{r.Kind, string(r.State), r.RestartRequired}]++
	if r.State != runs.Completed {
		return
	}
	at, err := time.Parse(time.RFC3339Nano, r.UpdatedAt)
	if err != nil {
		return
	}
	if at.After(t.LastCompleted[r.Kind]) {
		t.LastCompleted[r.Kind] = at
	}
	if name, _, ok := schedule.ParseRunID(r.RunID); ok && at.After(t.ScheduleCompleted[name]) {
		t.ScheduleCompleted[name] = at
	}
}

// Count is how many runs of kind are in state with restart_required as given.
func (t *RunTally) Count(kind string, state runs.State, restartRequired bool) int {
	return t.runs[runKey{kind, string(state), restartRequired}]
}

// collect sends every kind × state × restart_required (zeros included, for both kinds), then
// the completion times.
func (t *RunTally) collect(ch chan<- prometheus.Metric) {
	kinds := map[string]bool{runs.KindBackup: true, runs.KindRestore: true}
	for k := range t.runs {
		kinds[k.kind] = true
	}
	for kind := range kinds {
		for _, st := range states {
			for _, restart := range []bool{false, true} {
				n := t.runs[runKey{kind, string(st), restart}]
				ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(n),
					kind, string(st), strconv.FormatBool(restart))
			}
		}
	}
	for kind, at := range t.LastCompleted {
		ch <- prometheus.MustNewConstMetric(lastCompletedDesc, prometheus.GaugeValue, unixSeconds(at), kind)
	}
	for name, at := range t.ScheduleCompleted {
		ch <- prometheus.MustNewConstMetric(scheduleLastDesc, prometheus.GaugeValue, unixSeconds(at), name)
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
