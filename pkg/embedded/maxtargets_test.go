package embedded_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// wholeFleetRequest asks for every canister but the root (six of smallFleet's seven), with the
// registry inline or, when inline is false, fetched from the root.
func wholeFleetRequest(t *testing.T, f *embeddedtest.Fleet, runID string, inline bool) []byte {
	req := map[string]any{"run_id": runID, "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "scope": "non-root-fleet"}
	if inline {
		req["registry"] = inlineRegistry(t, f)
	}
	return embeddedtest.Request(t, req)
}

// checkRejectedForSize fails unless rec is rejected for n targets over limit, naming the flag.
func checkRejectedForSize(t *testing.T, rec runs.Record, n, limit string) {
	t.Helper()
	reason := deref(rec.Error)
	if rec.State != runs.Rejected {
		t.Fatalf("run %s: %s (%s), want rejected", rec.RunID, rec.State, reason)
	}
	for _, want := range []string{n + " targets", "limit of " + limit, "--max-targets"} {
		if !strings.Contains(reason, want) {
			t.Errorf("run %s: reason %q does not name %q", rec.RunID, reason, want)
		}
	}
}

// checkNoRunState asserts that no plan, operation, barrier, artifact or lock record exists.
func checkNoRunState(t *testing.T, st *embeddedtest.Stack) {
	t.Helper()
	for _, kv := range []jetstream.KeyValue{st.Store.Plans, st.Store.Ops.KV, st.Store.Barriers.KV,
		st.Store.Artifacts.KV, st.Store.Locks.KV} {
		keys, err := kv.Keys(context.Background())
		if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
			t.Fatal(err)
		}
		if len(keys) != 0 {
			t.Errorf("bucket %s has keys %v after a rejected run", kv.Bucket(), keys)
		}
	}
}

// callsSince returns the kinds of the executor calls made after the first mark calls.
func callsSince(t *testing.T, f *embeddedtest.Fleet, mark int) []string {
	t.Helper()
	calls, err := sim.ReadHistory(f.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, c := range calls[mark:] {
		kinds = append(kinds, c.Call)
	}
	return kinds
}

// A backup selecting more targets than the planner's MaxTargets is rejected with the count, the
// limit and the flag, before any canister call (an inline registry: none at all; a fetched one:
// the registry call only), lock, plan or operation record, or backup directory. A selection of
// exactly MaxTargets targets is admitted and completes.
func TestBackupOverMaxTargetsRejectedBeforeAnything(t *testing.T) {
	f := smallFleet(t) // root, 2 hubs, 2 leaves each
	st := embeddedtest.Start(t, f, embedded.Config{MaxTargets: 3})
	checkRejectedForSize(t, st.RunToEnd(t, "too-many", wholeFleetRequest(t, f, "too-many", true)), "6", "3")
	if kinds := callsSince(t, f, 0); len(kinds) != 0 {
		t.Fatalf("calls for a run over the limit with its registry inline: %v", kinds)
	}
	checkRejectedForSize(t, st.RunToEnd(t, "too-many-fetched", wholeFleetRequest(t, f, "too-many-fetched", false)), "6", "3")
	if kinds := callsSince(t, f, 0); !slices.Equal(kinds, []string{sim.KindRegistry}) {
		t.Fatalf("calls for a run over the limit: %v, want the registry call only", kinds)
	}
	checkNoRunState(t, st)
	for _, id := range []string{"too-many", "too-many-fetched"} {
		if _, err := os.Lstat(filepath.Join(st.BackupRoot, id)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("backup directory of rejected run %s: %v", id, err)
		}
	}
	rec := mustComplete(t, st.RunToEnd(t, "at-limit", subtreeRequest(t, "at-limit", f, "parallel")))
	if rec.Counts.Total == 0 || len(embeddedtest.Members(t, *rec.BackupDir)) != 3 {
		t.Fatalf("the run at the limit: %+v", rec)
	}
	f.CheckAllRunning(t)
}

// MaxTargets raises the limit: the selection of six targets a planner of limit 3 rejects
// completes under a limit of 6.
func TestMaxTargetsRaisesTheLimit(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{MaxTargets: 6})
	rec := mustComplete(t, st.RunToEnd(t, "six", wholeFleetRequest(t, f, "six", true)))
	if got := len(embeddedtest.Members(t, *rec.BackupDir)); got != 6 {
		t.Fatalf("backup of %d members, want 6", got)
	}
}

// A restore of a backup with more targets than the planner's MaxTargets is rejected with the
// count, the limit and the flag, before any call, lock, plan or operation record, and the backup
// directory is left as it was; a backup of exactly MaxTargets targets is restored.
func TestRestoreOverMaxTargetsRejected(t *testing.T) {
	f := smallFleet(t)
	wide := embeddedtest.Start(t, f, embedded.Config{})
	mustComplete(t, wide.RunToEnd(t, "whole", wholeFleetRequest(t, f, "whole", true)))
	st := embeddedtest.Start(t, f, embedded.Config{MaxTargets: 3})
	dir := filepath.Join(st.BackupRoot, "whole")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(wide.BackupRoot, "whole"))); err != nil {
		t.Fatal(err)
	}
	before := snapshotTree(t, dir)
	mark := len(callsSince(t, f, 0))
	rec := st.RestoreToEnd(t, "r-whole", embeddedtest.Request(t, map[string]any{"run_id": "r-whole", "backup": "whole"}))
	checkRejectedForSize(t, rec, "6", "3")
	if kinds := callsSince(t, f, mark); len(kinds) != 0 {
		t.Fatalf("calls for a restore over the limit: %v", kinds)
	}
	checkNoRunState(t, st)
	checkOnlyUnder(t, before, snapshotTree(t, dir), "") // no change at all
	mustComplete(t, st.RunToEnd(t, "part", subtreeRequest(t, "part", f, "parallel")))
	mustComplete(t, st.RestoreToEnd(t, "r-part", embeddedtest.Request(t, map[string]any{"run_id": "r-part", "backup": "part"})))
	f.CheckAllRunning(t)
}
