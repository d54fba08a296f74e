package progress

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

func ptr(s string) *string { return &s }

// sampleModel is a run of two targets (a hub and its shard) part-way through.
func sampleModel(t *testing.T) *Model {
	t.Helper()
	hub, shard := "gtugj-4yaaa-aaaaa-aaeaq-cai", "gir2m-gaaaa-aaaaa-aaeca-cai"
	p := &plan.Plan{RunID: "r1", Fleet: "demo", Network: "local", SelectedScopeKind: plan.ScopeSubtree,
		SelectedSubtreeRoot: &hub,
		Targets: []plan.Target{
			{CanisterID: hub, Role: ptr("user_hub"), Depth: 1},
			{CanisterID: shard, Role: ptr("user_shard_1"), Depth: 2},
		}}
	p.Phases = plan.Phases(p.Targets)
	m := NewModel("r1")
	m.ApplyRun(runs.Record{RunID: "r1", PlanID: "plan-r1", State: runs.Running})
	m.SetPlan(p)
	for _, ph := range p.Phases {
		state := journal.StateReady
		switch {
		case ph.Kind.IsPreflight(), ph.Kind == plan.KindStop, ph.Kind == plan.KindCreateSnapshot:
			state = journal.StateCompleted
		case ph.Kind == plan.KindStart && *ph.TargetCanisterID == shard:
			state = journal.StatePending
		}
		m.ApplyOp(runstore.OpRecord{RunID: "r1", Op: journal.Operation{Sequence: int(ph.Order), OperationID: ph.OperationID,
			Kind: ph.Kind, TargetCanisterID: ph.TargetCanisterID, State: state}, Attempts: 1})
	}
	return m
}

func TestPhasesTallyByKind(t *testing.T) {
	m := sampleModel(t)
	got := m.Phases()
	want := map[Phase]Tally{
		PhasePreflight: {Total: 4, Done: 4}, PhaseStop: {Total: 2, Done: 2}, PhaseSnapshot: {Total: 2, Done: 2},
		PhaseStart: {Total: 2, Pending: 1}, PhaseDownload: {Total: 2}, PhaseFinalize: {Total: 1},
	}
	for ph, w := range want {
		if got[ph] != w {
			t.Errorf("%s: got %+v, want %+v", ph, got[ph], w)
		}
	}
}

func TestApplyOpReportsOnlyChangesWorthALine(t *testing.T) {
	m := sampleModel(t)
	op := journal.Operation{Sequence: 10, OperationID: "download-x", Kind: plan.KindDownloadSnapshot,
		TargetCanisterID: ptr("gir2m-gaaaa-aaaaa-aaeca-cai"), State: journal.StatePending}
	if c := m.ApplyOp(runstore.OpRecord{Op: op, Attempts: 1}); len(c) != 0 {
		t.Fatalf("a first attempt starting is no line: %+v", c)
	}
	if c := m.ApplyOp(runstore.OpRecord{Op: op, Attempts: 1}); len(c) != 0 {
		t.Fatalf("the same state again is no line: %+v", c)
	}
	op.State, op.BlockingReasons = journal.StateFailed, []string{"disk full"}
	c := m.ApplyOp(runstore.OpRecord{Op: op, Attempts: 1})
	if len(c) != 1 || c[0].Target == nil || c[0].Target.Reason != "disk full" {
		t.Fatalf("a failure is one line with its reason: %+v", c)
	}
	op.State, op.BlockingReasons = journal.StatePending, []string{}
	if c := m.ApplyOp(runstore.OpRecord{Op: op, Attempts: 2}); len(c) != 1 {
		t.Fatalf("a retry is a line: %+v", c)
	}
}

func TestSettled(t *testing.T) {
	cases := []struct {
		name string
		rec  runs.Record
		want bool
	}{
		{"running", runs.Record{State: runs.Running}, false},
		{"completed", runs.Record{State: runs.Completed}, true},
		{"aborted, restarting", runs.Record{State: runs.Aborted, Containment: &runs.Containment{State: runs.ContainPending}}, false},
		{"aborted, restarted", runs.Record{State: runs.Aborted, Containment: &runs.Containment{State: runs.ContainDone}}, true},
		{"failed in a transfer, starts to go", runs.Record{State: runs.Failed, RestartRequired: true}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := sampleModel(t)
			m.ApplyRun(c.rec)
			if got := m.Settled(); got != c.want {
				t.Fatalf("Settled() = %v, want %v", got, c.want)
			}
		})
	}
}

func TestFrameFitsTheTerminal(t *testing.T) {
	m := sampleModel(t)
	m.Targets[1].Bytes, m.Targets[1].TotalBytes = 512, 1024
	for _, size := range [][2]int{{120, 40}, {60, 24}, {40, 14}} {
		lines := Frame(m, size[0], size[1], 3, time.Now())
		if len(lines) > size[1]-1 {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > size[0]-1 {
				t.Errorf("%dx%d: line wider than the terminal: %q", size[0], size[1], l)
			}
		}
	}
	text := strings.Join(Frame(m, 120, 40, 0, time.Now()), "\n")
	for _, want := range []string{"run r1  running", "subtree user_hub", "stop", "████", "user_shard_1", "  user_shard_1"} {
		if !strings.Contains(text, want) {
			t.Errorf("frame lacks %q:\n%s", want, text)
		}
	}
}

func TestFrameCutsTheTableKeepingActiveRows(t *testing.T) {
	m := sampleModel(t)
	m.Target("gpq4y-lyaaa-aaaaa-aaecq-cai")   // a third canister, not started
	lines := Frame(m, 120, 15, 0, time.Now()) // room for one canister row and the count
	text := strings.Join(lines, "\n")
	if len(lines) != 14 || !strings.Contains(text, "user_shard_1") || !strings.Contains(text, "… and 2 more canisters") {
		t.Fatalf("the running canister should stay, the rest be counted:\n%s", text)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 2 << 20: "2.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPlainLines(t *testing.T) {
	m := sampleModel(t)
	var b strings.Builder
	p := &Plain{W: &b}
	op := journal.Operation{Sequence: 9, OperationID: "verify-x", Kind: plan.KindVerifyArtifact,
		TargetCanisterID: ptr("gir2m-gaaaa-aaaaa-aaeca-cai"), State: journal.StateCompleted}
	sum := "ab" + strings.Repeat("0", 62)
	rec := runstore.OpRecord{Op: op, Receipts: []runstore.StoredReceipt{{Receipt: journal.Receipt{Checksum: &sum}}}}
	p.Changed(m, m.ApplyOp(rec))
	if !strings.Contains(b.String(), "verify    user_shard_1     gir2m-gaaaa-aaaaa-aaeca-cai  done  sha256 ab0000000000…") {
		t.Fatalf("unexpected line: %q", b.String())
	}
}
