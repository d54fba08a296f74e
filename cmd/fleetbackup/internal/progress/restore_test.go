package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// restoreModel is a restore of two members (a hub and its shard) whose loads are running: the
// phases a restore's pipeline plan has (preflight, upload, stop, load, start, check, finalize).
func restoreModel(t *testing.T) *Model {
	t.Helper()
	hub, shard := "gtugj-4yaaa-aaaaa-aaeaq-cai", "gir2m-gaaaa-aaaaa-aaeca-cai"
	p := &plan.Plan{RunID: "r1", Fleet: "demo", Network: "local", SelectedScopeKind: plan.ScopeNonRootFleet,
		Targets: []plan.Target{{CanisterID: hub, Role: ptr("user_hub")}, {CanisterID: shard, Role: ptr("user_shard_1"), Depth: 1}}}
	add := func(kind plan.OperationKind, target *string) {
		p.Phases = append(p.Phases, plan.Operation{OperationID: string(kind), Order: uint32(len(p.Phases)), Kind: kind, TargetCanisterID: target})
	}
	for _, k := range []plan.OperationKind{plan.KindValidateTopology, plan.KindValidateControl, plan.KindValidateSnapshotRead, plan.KindValidateQuiescence} {
		add(k, nil)
	}
	for _, k := range []plan.OperationKind{plan.KindUploadSnapshot, plan.KindStop, plan.KindLoadSnapshot, plan.KindStart, plan.KindCheckMember} {
		add(k, &hub)
		add(k, &shard)
	}
	add(plan.KindCheckMember, nil)
	add(plan.KindFinalizeRestore, nil)
	m := NewModel("r1")
	m.ApplyRun(runs.Record{RunID: "r1", Kind: runs.KindRestore, BackupID: "b1", PlanID: "plan-r1", State: runs.Running})
	m.SetPlan(p)
	for _, ph := range p.Phases {
		state := journal.StateReady
		switch {
		case ph.Kind.IsPreflight(), ph.Kind == plan.KindUploadSnapshot, ph.Kind == plan.KindStop:
			state = journal.StateCompleted
		case ph.Kind == plan.KindLoadSnapshot:
			state = journal.StatePending
		}
		m.ApplyOp(runstore.OpRecord{RunID: "r1", Op: journal.Operation{Sequence: int(ph.Order), OperationID: ph.OperationID,
			Kind: ph.Kind, TargetCanisterID: ph.TargetCanisterID, State: state}, Attempts: 1})
	}
	return m
}

func TestRestorePhasesTallyByKind(t *testing.T) {
	m := restoreModel(t)
	got := m.Phases()
	want := map[Phase]Tally{
		PhasePreflight: {Total: 4, Done: 4}, PhaseUpload: {Total: 2, Done: 2}, PhaseStop: {Total: 2, Done: 2},
		PhaseLoad: {Total: 2, Pending: 2}, PhaseStart: {Total: 2}, PhaseCheck: {Total: 3}, PhaseFinalize: {Total: 1},
		PhaseSnapshot: {}, PhaseDownload: {}, PhaseVerify: {},
	}
	for ph, w := range want {
		if got[ph] != w {
			t.Errorf("%s: got %+v, want %+v", ph, got[ph], w)
		}
	}
}

func TestRestoreFrameShowsRestorePhases(t *testing.T) {
	m := restoreModel(t)
	lines := Frame(m, 120, 40, 0, time.Now())
	text := strings.Join(lines, "\n")
	for _, want := range []string{"run r1  running", "from backup b1 onto demo on local  2 canisters  16 operations",
		"  upload ", "  load ", "  check ", "  finalize ", "role              upload  stop  load  start check canister", "user_shard_1"} {
		if !strings.Contains(text, want) {
			t.Errorf("frame lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"snapshot", "download", "verify", "subtree", "non-root-fleet"} {
		if strings.Contains(text, not) {
			t.Errorf("a restore's frame shows %q:\n%s", not, text)
		}
	}
	if len(lines) != 14 { // two header lines, seven phases, the table's header and two rows, two blanks
		t.Errorf("frame of %d lines:\n%s", len(lines), text)
	}
}

func TestRestorePlainLines(t *testing.T) {
	m := restoreModel(t)
	var b strings.Builder
	id := "0000000000000002ffffffffff9000010101"
	op := journal.Operation{Sequence: 10, OperationID: "load-x", Kind: plan.KindLoadSnapshot,
		TargetCanisterID: ptr("gir2m-gaaaa-aaaaa-aaeca-cai"), State: journal.StateCompleted}
	(&Plain{W: &b}).Changed(m, m.ApplyOp(runstore.OpRecord{Op: op, Receipts: []runstore.StoredReceipt{{Receipt: journal.Receipt{SnapshotID: &id}}}}))
	if !strings.Contains(b.String(), "load      user_shard_1     gir2m-gaaaa-aaaaa-aaeca-cai  done  loaded snapshot "+id) {
		t.Fatalf("unexpected line: %q", b.String())
	}
}

func TestRestoreSettledAndSummary(t *testing.T) {
	next := "retry to continue the restore forward, or abort with force"
	cases := []struct {
		name string
		rec  runs.Record
		want bool
	}{
		{"failed after its loads began: waits for the operator", runs.Record{State: runs.Failed, RestartRequired: true,
			LoadsBegun: true, AttentionRequired: true, NextAction: &next}, true},
		{"failed before stopping anything", runs.Record{State: runs.Failed}, true},
		{"failed with canisters stopped, no attention", runs.Record{State: runs.Failed, RestartRequired: true}, false},
		{"aborted with force, restarting", runs.Record{State: runs.Aborted, Containment: &runs.Containment{State: runs.ContainPending}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := restoreModel(t)
			c.rec.RunID, c.rec.Kind, c.rec.BackupID = "r1", runs.KindRestore, "b1"
			m.ApplyRun(c.rec)
			if got := m.Settled(); got != c.want {
				t.Fatalf("Settled() = %v, want %v", got, c.want)
			}
			if !c.rec.AttentionRequired {
				return
			}
			var b strings.Builder
			Summary(&b, m)
			for _, want := range []string{"run r1 failed", "(restore of backup b1)", "ATTENTION REQUIRED: " + next,
				"fleetbackup retry r1", "fleetbackup abort --force r1"} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("summary lacks %q:\n%s", want, b.String())
				}
			}
		})
	}
}
