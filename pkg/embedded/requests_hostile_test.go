package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// hostileIDs are run ids, backup ids and canister ids a stranger could publish.
var hostileIDs = []string{"", ".", "..", "../", "../escape", "../backups/good-1", "/", "/etc", "a/b", `a\b`,
	"a\x00b", "run\n", "a b", "*", ">", "a.b", "%2e%2e", "%2e%2e%2fescape", "ｇｏｏｄ-1", "g\u043e\u043ed-1",
	"good-1\u200f", "\u202egood-1", "go\u200dod-1", "\ufeffgood-1", strings.Repeat("a", 10_000)}

// Hostile backup and restore requests, published like any client would, are rejected: no file
// appears or changes anywhere around the backup root, no executor call is made, and a run record
// exists only under a valid run id, rejected with its reason.
func TestHostileRequestsTouchNothing(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	mustComplete(t, st.RunToEnd(t, "good-1", subtreeRequest(t, "good-1", f, "parallel")))
	outside := filepath.Dir(st.BackupRoot)
	writeVictim(t, outside)
	before := snapshotTree(t, outside)
	calls, _ := sim.ReadHistory(f.StateDir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	submit := func(restore bool, m map[string]any) {
		body, publish := embeddedtest.Request(t, m), client.Submit
		if restore {
			publish = client.SubmitRestore
		}
		if err := publish(ctx, st.Store, body, ""); err != nil {
			t.Fatal(err)
		}
	}
	backup := func(m map[string]any) map[string]any {
		out := map[string]any{"fleet": "demo", "network": "local", "root_canister_id": f.Root, "selector": f.Entries[1].Pid}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	var rejected []string
	for i, id := range hostileIDs {
		if id != "" { // an empty run_id asks the planner for one
			submit(false, backup(map[string]any{"run_id": id}))
			submit(true, map[string]any{"run_id": id, "backup": "good-1"})
		}
		submit(true, map[string]any{"backup": id})
		root, mapped := fmt.Sprintf("bad-root-%d", i), fmt.Sprintf("bad-mapping-%d", i)
		submit(false, backup(map[string]any{"run_id": root, "root_canister_id": id}))
		submit(true, map[string]any{"run_id": mapped, "backup": "good-1", "mapping": map[string]any{
			"members": []any{map[string]any{"source_canister": f.Entries[1].Pid, "target_canister": id}}}})
		rejected = append(rejected, root, mapped)
	}
	waitConsumerIdle(t, st)
	checkRejectedRuns(t, st, append([]string{"good-1"}, rejected...), rejected)
	checkOnlyUnder(t, before, snapshotTree(t, outside), "")
	if after, _ := sim.ReadHistory(f.StateDir); len(after) != len(calls) {
		t.Fatalf("%d executor calls made for hostile requests", len(after)-len(calls))
	}
}

// checkRejectedRuns asserts that the run records are exactly want (every key a run id), and
// that those of rejected are rejected for their hostile canister id.
func checkRejectedRuns(t *testing.T, st *embeddedtest.Stack, want, rejected []string) {
	t.Helper()
	ctx := context.Background()
	keys, err := st.Store.Runs.KV.Keys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		t.Fatal(err)
	}
	slices.Sort(keys)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(keys, want) {
		t.Fatalf("run records %v, want %v", keys, want)
	}
	for _, id := range rejected {
		rec, err := st.Store.Runs.Get(ctx, id)
		reason := map[bool]string{true: "root_canister_id", false: "principal"}[strings.HasPrefix(id, "bad-root-")]
		if err != nil || rec.Value.State != runs.Rejected || !strings.Contains(deref(rec.Value.Error), reason) {
			t.Errorf("run %s: %+v, %v; want rejected for its %s", id, rec.Value, err, reason)
		}
	}
}

// A request without a run id whose fleet name is a path gets a generated run id that is a run
// id, and its backup directory is that id directly under the backup root.
func TestHostileFleetNameBecomesNoPath(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	outside := filepath.Dir(st.BackupRoot)
	writeVictim(t, outside)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	body := embeddedtest.Request(t, map[string]any{"fleet": "../../victim/\u202e..", "network": "local",
		"root_canister_id": f.Root, "selector": f.Entries[1].Pid})
	if err := client.Submit(ctx, st.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	waitConsumerIdle(t, st)
	keys, err := st.Store.Runs.KV.Keys(ctx)
	if err != nil || len(keys) != 1 || !runs.IDPattern.MatchString(keys[0]) {
		t.Fatalf("run records %v, %v: want one, named by a run id", keys, err)
	}
	rec, err := client.WaitTerminal(ctx, st.Store, keys[0])
	if err != nil || rec.State != runs.Completed || rec.BackupDir == nil {
		t.Fatalf("run %s: %+v, %v", keys[0], rec, err)
	}
	if *rec.BackupDir != filepath.Join(st.BackupRoot, keys[0]) {
		t.Fatalf("backup dir %s, want %s", *rec.BackupDir, filepath.Join(st.BackupRoot, keys[0]))
	}
	checkVictim(t, filepath.Join(outside, "victim"))
}
