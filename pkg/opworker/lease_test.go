package opworker

import (
	"context"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A management operation's claim lasts the management lease (default 5 s), and so does its
// renewal; a download's lasts the lease (default 30 s). Containment, which does not renew its
// claims, claims even a start for the long lease.
func TestClaimLeaseFollowsTheKind(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	env := &runenv.Env{Store: store, Clock: func() time.Time { return now }}
	run := runs.Record{RunID: "leases", Journal: journal.Header{JournalVersion: 1, PlanID: "p", RunID: "leases", PreflightAccepted: true}}
	cases := []struct {
		kind       plan.OperationKind
		ignoreDeps bool
		want       time.Duration
	}{
		{plan.KindStop, false, bus.DefaultManagementLease},
		{plan.KindCreateSnapshot, false, bus.DefaultManagementLease},
		{plan.KindStart, false, bus.DefaultManagementLease},
		{plan.KindLoadSnapshot, false, bus.DefaultManagementLease},
		{plan.KindCheckMember, false, bus.DefaultManagementLease},
		{plan.KindDownloadSnapshot, false, bus.DefaultLease},
		{plan.KindVerifyArtifact, false, bus.DefaultLease},
		{plan.KindFinalizeManifest, false, bus.DefaultLease},
		{plan.KindStart, true, bus.DefaultLease},
	}
	for i, tc := range cases {
		seq := 10 + i
		readyOp(t, store, run.RunID, seq, tc.kind)
		w := New(env, "leases", nil)
		rec, _, v, err := w.Claim(ctx, run, seq, tc.ignoreDeps)
		if err != nil || v != Claimed {
			t.Fatalf("claiming %s: verdict %v, %v", tc.kind, v, err)
		}
		if got := time.UnixMilli(rec.Claim.LeaseUntil).Sub(now); got != tc.want {
			t.Errorf("%s (containment %v): lease %s, want %s", tc.kind, tc.ignoreDeps, got, tc.want)
		}
		if tc.ignoreDeps {
			continue
		}
		now = now.Add(time.Second)
		if err := w.renew(ctx, run.RunID, seq, rec.Claim.Attempt); err != nil {
			t.Fatalf("renewing %s: %v", tc.kind, err)
		}
		got, err := store.Ops.Get(ctx, runstore.OpKey(run.RunID, seq))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.UnixMilli(got.Value.Claim.LeaseUntil).Sub(now); d != tc.want {
			t.Errorf("%s: renewed lease %s, want %s", tc.kind, d, tc.want)
		}
	}
}

// The kinds claimed with the management lease are exactly those dispatched on the subjects
// of bus.ManagementOps, whose consumer (the snapshotter's) has the management lease as its ack
// wait: a worker never holds a message longer than its consumer's ack wait allows.
func TestManagementKindsMatchManagementSubjects(t *testing.T) {
	n, _ := bus.NewNames("")
	kinds := []plan.OperationKind{plan.KindStop, plan.KindCreateSnapshot, plan.KindStart, plan.KindDownloadSnapshot,
		plan.KindVerifyArtifact, plan.KindFinalizeManifest, plan.KindUploadSnapshot, plan.KindLoadSnapshot,
		plan.KindCheckMember, plan.KindFinalizeRestore}
	for _, kind := range kinds {
		subject, err := handoff.SubjectFor(n, kind)
		if err != nil {
			t.Fatal(err)
		}
		if runenv.ManagementCall(kind) != n.ManagementOnly([]string{subject}) {
			t.Errorf("%s on %s: management call %v, management subject %v", kind, subject,
				runenv.ManagementCall(kind), n.ManagementOnly([]string{subject}))
		}
	}
	if !n.ManagementOnly(n.ConsumerSubjects()[bus.ConsumerSnapshotter]) {
		t.Error("the snapshotter's consumer carries a kind that is not a management call")
	}
}

// readyOp writes a ready operation record of kind at seq.
func readyOp(t *testing.T, store *runstore.Store, runID string, seq int, kind plan.OperationKind) {
	t.Helper()
	target := "renrk-eyaaa-aaaaa-aaada-cai"
	rec := runstore.OpRecord{RunID: runID, Deps: dispatch.NewDeps(0), Receipts: []runstore.StoredReceipt{},
		Op: journal.NewOperation(plan.Operation{OperationID: string(kind) + "-x", Order: uint32(seq), Kind: kind, TargetCanisterID: &target})}
	if err := journal.AcceptOp(&rec.Op, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Ops.Create(context.Background(), runstore.OpKey(runID, seq), rec); err != nil {
		t.Fatal(err)
	}
}
