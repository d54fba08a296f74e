package opworker

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu        sync.Mutex
	ended     map[string]int // kind/outcome
	timed     int
	takeovers map[string]int
	downtime  []time.Duration
	bytes     map[Transfer]int64
}

func newRecorder() *recorder {
	return &recorder{ended: map[string]int{}, takeovers: map[string]int{}, bytes: map[Transfer]int64{}}
}

func (r *recorder) OperationEnded(kind, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ended[kind+"/"+outcome]++
}

func (r *recorder) OperationTook(string, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.timed++
}

func (r *recorder) LeaseTakenOver(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.takeovers[kind]++
}

func (r *recorder) CanisterDowntime(runKind string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if runKind == runs.KindBackup {
		r.downtime = append(r.downtime, d)
	}
}

func (r *recorder) TransferredBytes(t Transfer, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bytes[t] += n
}

const observedTarget = "renrk-eyaaa-aaaaa-aaada-cai"

// putOp writes operation seq of run "obs" (kind on observedTarget), ready, or pending under
// claim when claim is set.
func putOp(t *testing.T, store *runstore.Store, seq int, kind plan.OperationKind, claim *runstore.Claim, receipts ...runstore.StoredReceipt) {
	t.Helper()
	target := observedTarget
	rec := runstore.OpRecord{RunID: "obs", Deps: dispatch.NewDeps(0), Receipts: receipts, Claim: claim,
		Op: journal.NewOperation(plan.Operation{OperationID: string(kind) + "-x", Order: uint32(seq), Kind: kind, TargetCanisterID: &target})}
	marker := "2026-01-01T00:00:00Z"
	if err := journal.AcceptOp(&rec.Op, &marker); err != nil {
		t.Fatal(err)
	}
	if claim != nil {
		if err := journal.ClaimOp(&rec.Op, true, &marker); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Ops.Create(context.Background(), runstore.OpKey("obs", seq), rec); err != nil {
		t.Fatal(err)
	}
}

var obsRun = runs.Record{RunID: "obs", Kind: runs.KindBackup,
	Journal: journal.Header{JournalVersion: 1, PlanID: "p", RunID: "obs", PreflightAccepted: true}}

// A claim taken from another worker whose lease lapsed is a takeover; one released at
// shutdown (lease zero) or a first claim is not.
func TestClaimReportsLeaseTakeovers(t *testing.T) {
	store := testStore(t)
	rec := newRecorder()
	ctx := WithObserver(context.Background(), rec)
	now := time.Now()
	w := New(&runenv.Env{Store: store, Clock: func() time.Time { return now }}, "verifier", nil)
	putOp(t, store, 0, plan.KindVerifyArtifact, &runstore.Claim{Worker: "gone", Attempt: 1, LeaseUntil: now.Add(-time.Second).UnixMilli()})
	putOp(t, store, 1, plan.KindVerifyArtifact, &runstore.Claim{Worker: "stopping", Attempt: 1, LeaseUntil: 0})
	putOp(t, store, 2, plan.KindVerifyArtifact, nil)
	for seq := range 3 {
		if _, _, v, err := w.Claim(ctx, obsRun, seq, false); err != nil || v != Claimed {
			t.Fatalf("claim %d: %v %v", seq, v, err)
		}
	}
	if got := rec.takeovers[string(plan.KindVerifyArtifact)]; got != 1 || len(rec.takeovers) != 1 {
		t.Fatalf("takeovers = %v, want one of verify-artifact", rec.takeovers)
	}
}

// A completed start reports its outcome and its canister's downtime: from the stop's recorded
// completion to the start's, on the environment's clock. A job built outside the message path
// (containment's) ran no effect here and is not timed.
func TestRecordReportsOutcomeAndDowntime(t *testing.T) {
	store := testStore(t)
	rec := newRecorder()
	ctx := WithObserver(context.Background(), rec)
	stopped := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	now := stopped.Add(3 * time.Second)
	env := &runenv.Env{Store: store, Clock: func() time.Time { return now }}
	w := New(env, "snapshotter", nil)
	target := observedTarget
	rp := &runstore.RunPlan{Plan: &plan.Plan{Phases: []plan.Operation{
		{OperationID: "stop-x", Order: 0, Kind: plan.KindStop, TargetCanisterID: &target},
		{OperationID: "start-x", Order: 1, Kind: plan.KindStart, TargetCanisterID: &target}}}}
	marker := "2026-01-01T00:00:10Z"
	stop := journal.NewOperation(rp.Plan.Phases[0])
	done := runstore.StoredReceipt{Receipt: obsRun.Journal.CompletedReceipt(stop, &marker), RecordedAtNanos: stopped.UnixNano()}
	putOp(t, store, 0, plan.KindStop, nil, done)
	putOp(t, store, 1, plan.KindStart, nil)

	op, from, v, err := w.Claim(ctx, obsRun, 1, false)
	if err != nil || v != Claimed {
		t.Fatalf("claim: %v %v", v, err)
	}
	j := w.NewJob(obsRun, rp, op, from)
	if err := w.Record(ctx, j, j.Receipt()); err != nil {
		t.Fatal(err)
	}
	if rec.ended["start/completed"] != 1 || len(rec.downtime) != 1 || rec.downtime[0] != 3*time.Second {
		t.Fatalf("ended %v, downtime %v; want one completed start down 3s", rec.ended, rec.downtime)
	}
	if rec.timed != 0 {
		t.Fatalf("a job whose effect did not run here (containment's) was timed")
	}
	if err := w.Record(ctx, j, j.Receipt()); err == nil || rec.ended["start/completed"] != 1 {
		t.Fatalf("a second record of the same claim = %v, ended %v", err, rec.ended)
	}
}

// CountBytes adds the sizes of the regular files under a path, and reads nothing without an
// Observer.
func TestCountBytes(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"a/memory.bin": 1000, "a/meta.json": 24, "b": 7} {
		path := filepath.Join(dir, "art", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := newRecorder()
	ctx := WithObserver(context.Background(), rec)
	CountBytes(ctx, Verified, filepath.Join(dir, "art"))
	CountBytes(ctx, Downloaded, filepath.Join(dir, "art", "b"))
	CountBytes(ctx, Downloaded, filepath.Join(dir, "missing")) // an error counts nothing
	CountBytes(context.Background(), Uploaded, filepath.Join(dir, "art"))
	if rec.bytes[Verified] != 1031 || rec.bytes[Downloaded] != 7 || rec.bytes[Uploaded] != 0 {
		t.Fatalf("bytes = %v", rec.bytes)
	}
}
