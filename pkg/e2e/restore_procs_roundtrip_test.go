package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// The restore round trip through five service processes and a NATS server over TCP, driven the
// way an operator without fleetbackup's client would: the request is a plain core-NATS publish
// (what `nats pub` does) and the run is followed by watching its key in the KV bucket. Back up a
// 29-canister subtree, mutate every canister, restore, back up again: the second backup's
// checksums equal the first's, every canister runs, each target got one upload and one load of
// that snapshot, which was then deleted, and the exported journal reads back strictly, complete.
func TestRestoreRoundTripProcesses(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 4, 6}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096")
	c.startAll(1)
	first := rpBackup(t, c, "backup-1")
	targets := embeddedtest.Members(t, *first.BackupDir)
	if len(targets) != 29 {
		t.Fatalf("the backup has %d members, want 29", len(targets))
	}
	want := rpMutate(t, f.StateDir, targets)

	ctx := testCtx(t, 90*time.Second)
	nc, err := nats.Connect(c.url, nats.Name("operator"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, "fleetbackup_runs")
	if err != nil {
		t.Fatal(err)
	}
	w, err := kv.Watch(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	if err := nc.Publish("fleetbackup.restores.request", rpRestoreBody(t, "r1", "backup-1")); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	rec := rpFollowKV(t, ctx, c, w)

	tally := rpCheckRestored(t, f, targets, want, true)
	rpCheckDocuments(t, c, rec, "backup-1", tally, targets)
	second := rpBackup(t, c, "backup-2")
	if a, b := embeddedtest.Checksums(t, *first.BackupDir), embeddedtest.Checksums(t, *second.BackupDir); !embeddedtest.SameMaps(a, b) {
		t.Fatalf("checksums of the backup after the restore differ from the first backup's:\n%v\n%v", a, b)
	}
}

// rpWireRun is the run record as an operator reads it from KV: the contract's field names.
type rpWireRun struct {
	State             string  `json:"state"`
	Kind              string  `json:"kind"`
	BackupID          string  `json:"backup_id"`
	AttentionRequired bool    `json:"attention_required"`
	NextAction        *string `json:"next_action"`
	LoadsBegun        bool    `json:"loads_begun"`
	Error             *string `json:"error"`
	Counts            struct {
		Total     int `json:"total"`
		Completed int `json:"completed"`
		Failed    int `json:"failed"`
	} `json:"counts"`
}

// rpFollowKV reads every version of the run's key until the run is terminal, checks the
// versions seen (a restore of backup-1 that runs, begins its loads once, never asks for
// attention, and completes with every operation counted), and returns the last as a record.
func rpFollowKV(t *testing.T, ctx context.Context, c *cluster, w jetstream.KeyWatcher) runs.Record {
	t.Helper()
	var states []string
	loadsBegun := false
	for {
		var e jetstream.KeyValueEntry
		ok := true
		select {
		case <-ctx.Done():
			c.dumpOps("r1")
			t.Fatalf("timed out following run r1 in KV; states seen %v", states)
		case e, ok = <-w.Updates():
		}
		if !ok {
			t.Fatalf("the KV watch of run r1 closed; states seen %v", states)
		}
		if e == nil || e.Operation() != jetstream.KeyValuePut {
			continue
		}
		var raw map[string]json.RawMessage
		var r rpWireRun
		if err := json.Unmarshal(e.Value(), &raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(e.Value(), &r); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"kind", "backup_id", "attention_required", "next_action", "state", "counts"} {
			if _, ok := raw[key]; !ok {
				t.Fatalf("run record revision %d has no %q: %s", e.Revision(), key, e.Value())
			}
		}
		if r.Kind != runs.KindRestore || r.BackupID != "backup-1" || r.AttentionRequired || r.NextAction != nil || (loadsBegun && !r.LoadsBegun) {
			t.Fatalf("run record revision %d: %s", e.Revision(), e.Value())
		}
		loadsBegun = r.LoadsBegun
		if len(states) == 0 || states[len(states)-1] != r.State {
			states = append(states, r.State)
		}
		if !runs.State(r.State).Terminal() {
			continue
		}
		if r.State != string(runs.Completed) || !r.LoadsBegun || !slices.Contains(states, string(runs.Running)) ||
			r.Counts.Total == 0 || r.Counts.Completed != r.Counts.Total || r.Counts.Failed != 0 {
			c.dumpOps("r1")
			t.Fatalf("restore ended after states %v: %s", states, e.Value())
		}
		var rec runs.Record
		if err := json.Unmarshal(e.Value(), &rec); err != nil {
			t.Fatal(err)
		}
		t.Logf("run r1 seen in KV: states %v, %d operations", states, r.Counts.Total)
		return rec
	}
}
