package embedded_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/recordgc"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// gcFleet is a small fleet: a root with 4 children of 2 children each. The runs back up the
// subtrees of the root's children in turn (3 targets each), so that no canister reaches the
// simulator's 10 snapshots.
func gcFleet(t *testing.T) *embeddedtest.Fleet {
	return embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{4, 2}, ModuleHash: true}), 512)
}

// gcRequest backs up the subtree of the root's child i%4.
func gcRequest(t *testing.T, f *embeddedtest.Fleet, runID string, i int) []byte {
	return embeddedtest.Request(t, map[string]any{
		"run_id": runID, "fleet": "demo", "network": "local", "root_canister_id": f.Root,
		"scope": "subtree", "selector": f.Entries[1+i%4].Pid,
	})
}

// backupSettled runs backup i to its end and waits until it is settled with its locks released.
func backupSettled(t *testing.T, st *embeddedtest.Stack, f *embeddedtest.Fleet, runID string, i int) {
	t.Helper()
	if rec := st.RunToEnd(t, runID, gcRequest(t, f, runID, i)); rec.State != runs.Completed {
		t.Fatalf("run %s ended %s: %s", runID, rec.State, deref(rec.Error))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := client.WatchRun(ctx, st.Store, runID, func(r runs.Record) bool { return r.Settled() && !r.LocksHeld }); err != nil {
		t.Fatal(err)
	}
}

// purgePass is one pass of the policy an hour from now with an age of a minute: every settled
// run is old enough.
func purgePass(t *testing.T, st *embeddedtest.Stack, p recordgc.Policy) recordgc.Report {
	t.Helper()
	rep, err := recordgc.Pass(context.Background(), st.Store, p, recordgc.Options{Now: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func sizes(t *testing.T, st *embeddedtest.Stack) map[string]runstore.BucketSize {
	t.Helper()
	all, err := st.Store.BucketSizes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]runstore.BucketSize{}
	for _, b := range all {
		out[b.Bucket] = b
	}
	return out
}

// Twenty backups, purged ten at a time with a short age, leave every bucket as it was before
// the runs (the locks bucket aside, which holds one key per canister the runs locked, with at
// most its bucket's 8 revisions of history: bounded by the fleet, not by the runs); the backup
// directories keep their journals; a purge cut short after the run's data is finished by the
// next pass.
func TestPurgeKeepsBucketsBounded(t *testing.T) {
	f := gcFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{NoSync: true})
	policy := recordgc.Policy{Age: time.Minute}
	before := sizes(t, st)
	var after []map[string]runstore.BucketSize
	for batch := range 2 {
		var ids []string
		for i := range 10 {
			id := fmt.Sprintf("gc-%02d", batch*10+i)
			backupSettled(t, st, f, id, i)
			ids = append(ids, id)
		}
		if batch == 1 { // cut a purge short after the data: the run record is left
			if _, err := st.Store.PurgeRunData(context.Background(), ids[0]); err != nil {
				t.Fatal(err)
			}
		}
		rep := purgePass(t, st, policy)
		var got []string
		for _, p := range rep.Purged {
			got = append(got, p.RunID)
			if p.Keys < 1 || (p.RunID != ids[0] || batch == 0) && p.Keys < 15 {
				t.Errorf("run %s: %d keys purged", p.RunID, p.Keys)
			}
		}
		if slices.Sort(got); !slices.Equal(got, ids) || rep.Raced != 0 {
			t.Fatalf("batch %d purged %v (raced %d), want %v", batch, got, rep.Raced, ids)
		}
		after = append(after, sizes(t, st))
	}
	checkBounded(t, st, before, after)
	for i := range 20 {
		dir := filepath.Join(st.BackupRoot, fmt.Sprintf("gc-%02d", i))
		if _, err := layout.ReadJournal(dir); err != nil {
			t.Errorf("the exported journal of %s: %v", dir, err)
		}
		if _, err := layout.ReadManifest(dir); err != nil {
			t.Errorf("the manifest of %s: %v", dir, err)
		}
	}
}

func checkBounded(t *testing.T, st *embeddedtest.Stack, before map[string]runstore.BucketSize, after []map[string]runstore.BucketSize) {
	t.Helper()
	for bucket, b := range before {
		ten, twenty := after[0][bucket], after[1][bucket]
		t.Logf("%s: before %+v, after 10 runs %+v, after 20 %+v", bucket, b, ten, twenty)
		if bucket != st.Names.LocksBucket() {
			if ten != b || twenty != b {
				t.Errorf("bucket %s grew: %+v before the runs, %+v after 10, %+v after 20", bucket, b, ten, twenty)
			}
			continue
		}
		// One key per locked canister (12), each with at most its 8 revisions of history.
		perMessage := ten.Bytes / max(ten.Messages, 1)
		if twenty.Keys != ten.Keys || ten.Keys > 12 || twenty.Messages > 8*twenty.Keys ||
			twenty.Bytes > twenty.Messages*(perMessage+perMessage/10) {
			t.Errorf("locks bucket not bounded: %+v after 10 runs, %+v after 20", ten, twenty)
		}
	}
}

// A running run, and a terminal run that is not settled, are never purged, however old the
// policy says they are; the running run is purged once it has finished and settled.
func TestPurgeNeverTouchesRunningOrUnsettledRuns(t *testing.T) {
	f := gcFleet(t)
	blocked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hold := func(runID string, _ int, _ string) { // holds the run's first executed operation
		if runID == "held" {
			once.Do(func() { close(blocked); <-release })
		}
	}
	st := embeddedtest.Start(t, f, embedded.Config{NoSync: true, OnExecuted: hold})
	var freed sync.Once
	free := func() { freed.Do(func() { close(release) }) }
	t.Cleanup(free) // before the stack closes, whatever happens
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unsettled := runs.Record{RunID: "unsettled", Kind: runs.KindBackup, State: runs.Failed, RestartRequired: true,
		UpdatedAt: "2020-01-01T00:00:00Z"}
	if _, err := st.Store.Runs.Create(ctx, unsettled.RunID, unsettled); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Store.Ops.KV.Put(ctx, runstore.OpKey("unsettled", 0), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := client.Submit(ctx, st.Store, gcRequest(t, f, "held", 0), ""); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-ctx.Done():
		t.Fatal("the run executed nothing")
	}
	seeded, _ := st.Store.CountRun(ctx, "held")
	all := recordgc.Policy{Age: time.Minute, FailedAge: time.Minute}
	rep := purgePass(t, st, all)
	if len(rep.Purged) != 0 || rep.Kept[recordgc.KeepNotFinished] != 1 || rep.Kept[recordgc.KeepUnsettled] != 1 {
		t.Fatalf("pass while held runs: %+v", rep)
	}
	left, _ := st.Store.CountRun(ctx, "held")
	if left[0] != seeded[0] || left[1] != seeded[1] || left[1].Keys < 15 || left[3].Keys != 1 {
		t.Fatalf("the running run's plan and operations: %+v before the pass, %+v after", seeded, left)
	}
	free()
	if _, err := client.WatchRun(ctx, st.Store, "held", func(r runs.Record) bool { return r.Settled() && !r.LocksHeld }); err != nil {
		t.Fatal(err)
	}
	rep = purgePass(t, st, all)
	if len(rep.Purged) != 1 || rep.Purged[0].RunID != "held" || rep.Kept[recordgc.KeepUnsettled] != 1 {
		t.Fatalf("pass once held settled: %+v", rep)
	}
	if c, _ := st.Store.CountRun(ctx, "unsettled"); c[1].Keys != 1 || c[3].Keys != 1 {
		t.Fatalf("the unsettled run lost records: %+v", c)
	}
}

// A run id whose records were purged cannot be used again while its backup directory exists: a
// new run must not write into an earlier run's backup.
func TestPurgedRunIDIsNotReused(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	st := embeddedtest.Start(t, f, embedded.Config{})
	body := subtreeRequest(t, "reused", f, "parallel")
	if rec := st.RunToEnd(t, "reused", body); rec.State != runs.Completed {
		t.Fatalf("first run ended %s", rec.State)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := client.WatchRun(ctx, st.Store, "reused", func(r runs.Record) bool { return r.Settled() && !r.LocksHeld }); err != nil {
		t.Fatal(err)
	}
	if rep := purgePass(t, st, recordgc.Policy{Age: time.Minute}); len(rep.Purged) != 1 {
		t.Fatalf("purge report %+v, want one run purged", rep)
	}
	rec := st.RunToEnd(t, "reused", body)
	if rec.State != runs.Rejected || !strings.Contains(deref(rec.Error), "used before") {
		t.Fatalf("the reused run id: %s (%s), want rejected as used before", rec.State, deref(rec.Error))
	}
}
