package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// scheduleRecord is what `schedule list --json` prints of one schedule.
type scheduleRecord struct {
	Name     string          `json:"name"`
	Cron     string          `json:"cron"`
	TimeZone string          `json:"time_zone"`
	Target   string          `json:"target"`
	Request  json.RawMessage `json:"request"`
	Next     string          `json:"next_firing"`
	Record   *struct {
		LastRunID string `json:"last_run_id"`
		Fired     int    `json:"fired"`
	} `json:"record"`
	LastRunState string `json:"last_run_state"`
}

func listSchedules(t *testing.T, d *devServer) map[string]scheduleRecord {
	t.Helper()
	r := fb(t, "", "schedule", "list", "--json", "--nats-url", d.url)
	wantCode(t, r, 0)
	var rows []scheduleRecord
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("schedule list --json: %v\n%s", err, r)
	}
	out := map[string]scheduleRecord{}
	for _, row := range rows {
		out[row.Name] = row
	}
	return out
}

// waitScheduledRun polls `schedule list --json` (bounded) until schedule name has fired a run,
// follows that run to its end with `watch`, and returns its id once it completed. (The last run
// shown moves on at the next firing, so polling for a completed last run could miss it.)
func waitScheduledRun(t *testing.T, d *devServer, name string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if s := listSchedules(t, d)[name]; s.Record != nil && s.Record.LastRunID != "" {
			id := s.Record.LastRunID
			r := fb(t, "", "watch", id, "--wait", "--nats-url", d.url)
			wantCode(t, r, 0)
			wantIn(t, "watch "+id, r.stdout, "run "+id+" completed")
			return id
		}
		select {
		case <-deadline:
			t.Fatalf("schedule %s fired nothing within 30s:\n%s", name, fb(t, "", "schedule", "list", "--nats-url", d.url))
			return ""
		case <-tick.C:
		}
	}
}

func TestScheduleCreateListDelete(t *testing.T) {
	d := startDev(t, "--sim-artifact-bytes", "4096")
	req := []string{"--nats-url", d.url, "--fleet", "demo", "--network", "local", "--root", d.root, "--selector", "user_hub"}
	create := func(name string, extra ...string) result {
		return fb(t, "", append(append([]string{"schedule", "create", name}, extra...), req...)...)
	}
	r := create("nightly", "--cron", "0 0 2 * * *", "--time-zone", "Europe/Zurich")
	wantCode(t, r, 0)
	wantIn(t, "create", r.stdout, "schedule nightly created: 0 0 2 * * * (Europe/Zurich), next firing", "demo/local subtree user_hub", "nightly-<UTC time>")
	r = create("nightly", "--cron", "@daily")
	wantCode(t, r, 2)
	wantIn(t, "second create", r.stderr, "schedule nightly: a schedule of that name exists already", "replace")
	wantCode(t, create("nightly", "--cron", "0 0 3 * * *", "--time-zone", "Europe/Zurich", "--replace"), 0)

	for _, bad := range []struct {
		args []string
		say  string
	}{
		{[]string{"--cron", "0 2 * * *"}, `needs a seconds field first: "0 0 2 * * *"`},
		{[]string{"--cron", "0 0 2 * * *", "--time-zone", "Mars/Olympus"}, "unknown time zone"},
		{[]string{"--cron", "@every 500ms"}, "at least 1s"},
		{[]string{"--cron", "0 0 2 * * *", "--run-id", "fixed"}, "--run-id is not allowed"},
		{[]string{"--cron", "0 0 2 * * *", "--order", "sideways"}, "order"},
		{[]string{}, "missing --cron"},
	} {
		r := create("bad", bad.args...)
		wantCode(t, r, 2)
		wantIn(t, strings.Join(bad.args, " "), r.stderr, bad.say)
	}
	wantCode(t, fb(t, "", "schedule", "create", "a.b", "--cron", "@daily", "--nats-url", d.url), 2)

	wantCode(t, create("tick", "--cron", "@every 1s"), 0)
	first := waitScheduledRun(t, d, "tick")
	if !strings.HasPrefix(first, "tick-") || len(first) != len("tick-20261130T020000Z") {
		t.Errorf("scheduled run id %q, want tick-<YYYYMMDDTHHMMSSZ>", first)
	}
	wantIn(t, "status", fb(t, "", "status", first, "--nats-url", d.url).stdout, "completed")

	all := listSchedules(t, d)
	n := all["nightly"]
	if n.Cron != "0 0 3 * * *" || n.TimeZone != "Europe/Zurich" || n.Target != "fleetbackup.runs.request" || n.Next == "" || n.Record != nil {
		t.Errorf("nightly = %+v", n)
	}
	r = fb(t, "", "schedule", "list", "--nats-url", d.url)
	wantCode(t, r, 0)
	wantIn(t, "list", r.stdout, "NAME", "SKIPS", "nightly", "0 0 3 * * *", "Europe/Zurich", "tick", "@every 1s", "UTC", "demo/local subtree user_hub")

	wantCode(t, fb(t, "", "schedule", "delete", "tick", "--nats-url", d.url), 0)
	r = fb(t, "", "schedule", "delete", "tick", "--nats-url", d.url)
	wantCode(t, r, 2)
	wantIn(t, "second delete", r.stderr, "no such schedule")
	if _, ok := listSchedules(t, d)["tick"]; ok {
		t.Error("tick is still listed after delete")
	}
}

func TestScheduleHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"schedule", "--help"}, {"help", "schedule"}, {"schedule", "create", "--help"},
		{"schedule", "list", "-h"}, {"schedule", "delete", "--help"}} {
		r := fb(t, "", args...)
		wantCode(t, r, 0)
		wantIn(t, strings.Join(args, " "), r.stdout, "Usage: fleetbackup schedule", "Example:\n  fleetbackup schedule", "Exit status")
	}
	for _, args := range [][]string{{"schedule"}, {"schedule", "frobnicate"}, {"schedule", "create"},
		{"schedule", "delete"}, {"schedule", "list", "extra"}, {"schedule", "--no-such-flag"}} {
		wantCode(t, fb(t, "", args...), 2)
	}
}
