package restore

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func TestR14_PhasedOperations(t *testing.T) {
	_, j := readyJournal(t)
	want := []struct {
		kind   Kind
		source string
	}{
		{KindUploadSnapshot, rootID}, {KindUploadSnapshot, childID}, {KindStop, rootID}, {KindStop, childID},
		{KindLoadSnapshot, rootID}, {KindLoadSnapshot, childID}, {KindStart, childID}, {KindStart, rootID},
		{KindCheckMember, rootID}, {KindCheckMember, childID}, {KindFinalizeRestore, rootID},
	}
	if len(j.Operations) != len(want) {
		t.Fatalf("got %d operations", len(j.Operations))
	}
	for i, w := range want {
		op := j.Operations[i]
		if op.Sequence != i || op.Operation != w.kind || op.SourceCanister != w.source || op.State != StateReady {
			t.Fatalf("operation %d: %+v", i, op)
		}
	}
	up := j.Operations[0]
	if *up.SnapshotID != "snap-root" || *up.ArtifactPath != "artifacts/root" || up.ArtifactChecksum == nil {
		t.Fatalf("upload %+v", up)
	}
	check := j.Operations[8]
	if *check.VerificationKind != "status" || *check.ExpectedModuleHash != hashHex {
		t.Fatalf("check %+v", check)
	}
	c := j.OperationCounts
	if c.CanisterStops != 2 || c.CanisterStarts != 2 || c.SnapshotUploads != 2 || c.SnapshotLoads != 2 ||
		c.MemberVerifications != 2 || c.VerificationOperations != 2 || c.FinalizeOperations != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestR15_DeploymentCheck(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Verification.FleetChecks = []manifest.VerificationCheck{status()}
	p := mustPlan(t, m, nil)
	ops := Operations(p)
	if p.OperationSummary.PlannedVerificationChecks != 3 || len(ops) != 12 {
		t.Fatalf("planned %+v, %d operations", p.OperationSummary, len(ops))
	}
	d := ops[10]
	if d.Operation != KindCheckMember || d.Role != RoleDeployment || d.SourceCanister != rootID ||
		d.TargetCanister != rootID || d.SnapshotID != nil || d.ArtifactPath != nil || d.MemberOrder != 10 {
		t.Fatalf("deployment check %+v", d)
	}
	if ops[11].Operation != KindFinalizeRestore || countKinds(ops).DeploymentVerifications != 1 {
		t.Fatalf("finalize %+v", ops[11])
	}
}

func TestR26_LoadUsesTheUploadedID(t *testing.T) {
	_, j := readyJournal(t)
	if _, ok := j.UploadedSnapshotIDForLoad(4); ok {
		t.Fatal("no upload completed yet")
	}
	mustDo(t, j.ClaimUpload(0, at1, []string{}, nil))
	mustDo(t, j.CompleteUpload(0, attempt(at1), "target-snap-root", nil))
	if id, ok := j.UploadedSnapshotIDForLoad(4); !ok || id != "target-snap-root" {
		t.Fatalf("got %q %v", id, ok)
	}
	if _, ok := j.UploadedSnapshotIDForLoad(5); ok {
		t.Fatal("the child's upload has not run")
	}
	if _, ok := j.UploadedSnapshotIDForLoad(0); ok {
		t.Fatal("an upload is not a load")
	}
}

func TestR27_OnlyStatusChecks(t *testing.T) {
	_, j := readyJournal(t)
	j.Operations[8].VerificationKind = sp("query")
	var e *Error
	if err := j.Validate(); !errors.Is(err, ErrUnsupportedVerificationKind) || !errors.As(err, &e) || e.Sequence != 8 || e.Value != "query" {
		t.Fatalf("got %v", err)
	}
}

func TestR28_JournalValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(j *Journal)
		want  error
		field string
	}{
		{"blocked counter", func(j *Journal) { j.BlockedOperations = 1 }, ErrCountMismatch, "blocked_operations"},
		{"kind counter", func(j *Journal) { j.OperationCounts.SnapshotUploads = 0 }, ErrCountMismatch, "operation_counts.snapshot_uploads"},
		{"duplicate sequence", func(j *Journal) { j.Operations[1].Sequence = 0 }, ErrDuplicateSequence, ""},
		{"failed without reason", func(j *Journal) {
			j.Operations[2].State, j.ReadyOperations, j.FailedOperations = StateFailed, 10, 1
		}, ErrFailureReasonRequired, ""},
		{"empty state_updated_at", func(j *Journal) { j.Operations[3].StateUpdatedAt = sp("") }, ErrMissingField, "operations[].state_updated_at"},
		{"upload without path", func(j *Journal) { j.Operations[0].ArtifactPath = nil }, ErrOperationMissingField, "artifact_path"},
		{"load without snapshot id", func(j *Journal) { j.Operations[4].SnapshotID = nil }, ErrOperationMissingField, "snapshot_id"},
		{"check without kind", func(j *Journal) { j.Operations[8].VerificationKind = nil }, ErrOperationMissingField, "verification_kind"},
		{"ready with reasons", func(j *Journal) { j.BlockedReasons = []string{"x"} }, ErrReadyJournalHasBlockingState, "ready"},
		{"module hash on a stop", func(j *Journal) { j.Operations[2].ExpectedModuleHash = sp(hashHex) }, ErrUnexpectedExpectedModuleHash, ""},
		{"inventory on a stop", func(j *Journal) { j.Operations[2].SnapshotIDsBefore = &[]string{} }, ErrUnexpectedSnapshotInventory, ""},
		{"duplicate inventory id", func(j *Journal) { j.Operations[0].SnapshotIDsBefore = &[]string{"a", "a"} }, ErrDuplicateSnapshotIdentity, ""},
		{"ready with reason", func(j *Journal) { j.Operations[2].BlockingReasons = []string{"x"} }, ErrUnblockedOperationHasReasons, ""},
		{"unknown kind", func(j *Journal) {
			j.Operations[2].Operation, j.OperationCounts.CanisterStops = "stop-canister", 1
		}, ErrUnknownValue, "operations[].operation"},
		{"bad checksum", func(j *Journal) { j.Operations[0].ArtifactChecksum.Hash = "x" }, ErrInvalidHash, "operations[].artifact_checksum"},
		{"version", func(j *Journal) { j.JournalVersion = 2 }, ErrUnsupportedVersion, "journal_version"},
		{"empty backup root", func(j *Journal) { j.BackupRoot = sp("") }, ErrMissingField, "backup_root"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, j := readyJournal(t)
			c.edit(j)
			err := j.Validate()
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || (c.field != "" && e.Field != c.field) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestR29_ClaimSetsPendingSummary(t *testing.T) {
	_, j := readyJournal(t)
	ts := "2026-05-04T12:00:00Z"
	mustDo(t, j.ClaimUpload(0, ts, []string{"old-snap"}, nil))
	if j.PendingOperations != 1 || j.ReadyOperations != 10 || *j.Operations[0].StateUpdatedAt != ts {
		t.Fatalf("journal %+v", j.Operations[0])
	}
	s := j.Report().PendingSummary
	if s.PendingOperations != 1 || !s.PendingOperationAvailable || *s.PendingSequence != 0 ||
		*s.PendingOperation != KindUploadSnapshot || *s.PendingUpdatedAt != ts || !s.PendingUpdatedAtKnown {
		t.Fatalf("summary %+v", s)
	}
	if !slices.Equal(*j.Operations[0].SnapshotIDsBefore, []string{"old-snap"}) {
		t.Fatalf("baseline %v", j.Operations[0].SnapshotIDsBefore)
	}
}

func TestR31_StrictOrderAndTransitions(t *testing.T) {
	_, j := readyJournal(t)
	var e *Error
	err := j.ClaimUpload(1, at1, []string{}, nil)
	if !errors.Is(err, ErrOutOfOrderOperationTransition) || !errors.As(err, &e) || e.Sequence != 1 || e.Expected != "0" {
		t.Fatalf("claim 1 first: %v", err)
	}
	if err := j.Complete(2, attempt(at1), nil); !errors.Is(err, ErrOutOfOrderOperationTransition) {
		t.Fatalf("complete 2 first: %v", err)
	}
	if j.ReadyOperations != 11 || len(j.OperationReceipts) != 0 {
		t.Fatal("a refused transition changed the journal")
	}
	completeThrough(t, j, 0, nil)
	if r := j.Report(); j.CompletedOperations != 1 || j.ReadyOperations != 10 || r.NextTransition.Sequence != 1 ||
		r.Progress.CompletionBasisPoints != 909 {
		t.Fatalf("after seq 0: %+v", r.Progress)
	}
	mustDo(t, j.ClaimUpload(1, "unix:2", []string{}, nil))
	mustDo(t, j.Fail(1, attempt("unix:2"), "icp-load-failed", nil))
	if op := j.Operations[1]; op.State != StateFailed || !slices.Equal(op.BlockingReasons, []string{"icp-load-failed"}) || j.FailedOperations != 1 {
		t.Fatalf("failed %+v", op)
	}
	mustDo(t, j.Retry(1, "unix:3", nil))
	if op := j.Operations[1]; op.State != StateReady || len(op.BlockingReasons) != 0 || op.SnapshotIDsBefore == nil {
		t.Fatalf("retried %+v", op)
	}
	if err := j.Fail(2, attempt(at1), "", nil); !errors.Is(err, ErrFailureReasonRequired) {
		t.Fatalf("empty reason: %v", err)
	}
}

func TestR31_BlockedNeverTransitions(t *testing.T) {
	p, _ := readyJournal(t)
	blocked, _ := NewJournal(p, nil)
	if err := blocked.Complete(0, attempt(at1), nil); !errors.Is(err, ErrInvalidOperationTransition) {
		t.Fatalf("got %v", err)
	}
	if err := blocked.Retry(0, at1, nil); !errors.Is(err, ErrInvalidOperationTransition) {
		t.Fatalf("retry of blocked: %v", err)
	}
}

// RESTORE §4.4's table, row by row.
func TestTransitionTable(t *testing.T) {
	states := []State{StatePending, StateReady, StateBlocked, StateCompleted, StateFailed}
	allowed := map[[2]State]bool{
		{StateReady, StatePending}: true, {StatePending, StatePending}: true, {StatePending, StateReady}: true,
		{StateFailed, StateReady}: true, {StateReady, StateCompleted}: true, {StatePending, StateCompleted}: true,
		{StateCompleted, StateCompleted}: true, {StateReady, StateFailed}: true, {StatePending, StateFailed}: true,
		{StateFailed, StateFailed}: true,
	}
	for _, from := range states {
		for _, to := range states {
			if got := canTransition(from, to); got != allowed[[2]State{from, to}] {
				t.Errorf("%s → %s: got %v", from, to, got)
			}
		}
	}
}

func TestClaimingAnUploadNeedsABaseline(t *testing.T) {
	_, j := readyJournal(t)
	if err := j.Claim(0, at1, nil); !errors.Is(err, ErrMissingField) || j.Operations[0].State != StateReady {
		t.Fatalf("got %v", err)
	}
	completeThrough(t, j, 1, nil)
	if err := j.ClaimUpload(2, at1, []string{}, nil); !errors.Is(err, ErrUnexpectedSnapshotInventory) {
		t.Fatalf("stop with inventory: %v", err)
	}
	if err := j.Claim(2, "", nil); !errors.Is(err, ErrMissingField) || j.Operations[2].StateUpdatedAt != nil {
		t.Fatalf("empty time: %v", err)
	}
	if err := j.Claim(99, at1, nil); !errors.Is(err, ErrOperationNotFound) {
		t.Fatalf("unknown sequence: %v", err)
	}
}

func TestJournalEncodingRoundTrip(t *testing.T) {
	_, j := readyJournal(t)
	completeThrough(t, j, 1, nil)
	data, err := EncodeJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"failure_reason": null`) || !strings.Contains(string(data), `"snapshot_ids_before": []`) {
		t.Fatalf("encoding:\n%s", data)
	}
	back, err := LoadJournal(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := EncodeJournal(back)
	if string(again) != string(data) {
		t.Fatal("round trip changed the bytes")
	}
}
