package restore

import (
	"errors"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// treeJournal is a ready journal for ROOT with children CHILD and CHILD_TWO: uploads 0-2, stops
// 3-5, loads 6-8, starts 9-11 (reverse member order), checks 12-14, finalize 15.
func treeJournal(t *testing.T) (*Plan, *Journal, *ParallelOrder) {
	t.Helper()
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.Members = append(m.Fleet.Members, fixtureMember("app", childTwoID, sp(rootID), plan.IdentityRelocatable))
	m.Fleet.Members[2].SourceSnapshot.SnapshotID = "snap-app-2"
	p := mustPlan(t, m, nil)
	v := &ArtifactValidation{BackupRoot: "/backup", ArtifactsPresent: true, ChecksumsVerified: true}
	for _, mem := range p.Members {
		v.Checks = append(v.Checks, ArtifactCheck{SourceCanister: mem.SourceCanister, TargetCanister: mem.TargetCanister,
			SnapshotID: mem.SourceSnapshot.SnapshotID, ArtifactPath: mem.SourceSnapshot.ArtifactPath,
			ChecksumExpected: mem.SourceSnapshot.Checksum})
	}
	v.CheckedMembers = len(v.Checks)
	j, err := NewJournal(p, v)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewParallelOrder(p, j)
	if err != nil {
		t.Fatal(err)
	}
	return p, j, g
}

func TestParallelOrderPhases(t *testing.T) {
	_, j, g := treeJournal(t)
	steps := []struct {
		complete []int // completed before looking
		eligible []int
	}{
		{nil, []int{0, 1, 2}},       // every upload at once, fleet running
		{[]int{0, 1}, []int{2}},     // no stop before the last upload
		{[]int{2}, []int{3}},        // stops: the root (member 0) first
		{[]int{3}, []int{4, 5}},     // then both children
		{[]int{4, 5}, []int{6}},     // loads after every stop, parent first
		{[]int{6}, []int{7, 8}},     //
		{[]int{7, 8}, []int{9, 10}}, // starts: the children (reverse member order) first
		{[]int{9, 10}, []int{11}},   // the root last
		{[]int{11}, []int{12, 13, 14}},
		{[]int{12, 13, 14}, []int{15}},
	}
	for i, s := range steps {
		for _, seq := range s.complete {
			mustDo(t, j.claim(seq, g))
			if j.find(seq).Operation == KindUploadSnapshot {
				mustDo(t, j.CompleteUpload(seq, attempt(at1), "up", g))
			} else {
				mustDo(t, j.Complete(seq, attempt(at1), g))
			}
		}
		if got := g.Eligible(j); !slices.Equal(got, s.eligible) {
			t.Fatalf("step %d: eligible %v, want %v", i, got, s.eligible)
		}
	}
	if j.Operations[9].TargetCanister == rootID || j.Operations[11].TargetCanister != rootID {
		t.Fatal("starts are not child first")
	}
}

func TestParallelOrderRefusals(t *testing.T) {
	_, j, g := treeJournal(t)
	if err := j.Claim(3, at1, g); !errors.Is(err, ErrOutOfOrderOperationTransition) {
		t.Fatalf("stop before uploads: %v", err)
	}
	mustDo(t, j.claim(0, g))
	mustDo(t, j.claim(1, g))
	mustDo(t, j.Fail(0, attempt(at1), "upload-failed", g))
	if err := j.claim(2, g); !errors.Is(err, ErrOutOfOrderOperationTransition) {
		t.Fatalf("new claim while an operation failed: %v", err)
	}
	mustDo(t, j.CompleteUpload(1, attempt(at1), "up-1", g)) // in-flight work still lands
	mustDo(t, j.Retry(0, at1, g))
	mustDo(t, j.claim(2, g))
}

func TestJournalMatchesPlan(t *testing.T) {
	p, j, _ := treeJournal(t)
	j.Operations[3].TargetCanister = targetID
	if err := JournalMatchesPlan(p, j); !errors.Is(err, ErrProjectionMismatch) {
		t.Fatalf("got %v", err)
	}
	other := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil)
	_, j2, _ := treeJournal(t)
	if _, err := NewParallelOrder(other, j2); !errors.Is(err, ErrProjectionMismatch) {
		t.Fatalf("got %v", err)
	}
}

func TestContainment(t *testing.T) {
	_, j, g := treeJournal(t)
	for seq := 0; seq <= 5; seq++ {
		mustDo(t, j.claim(seq, g))
		if seq < 3 {
			mustDo(t, j.CompleteUpload(seq, attempt(at1), "up", g))
		} else {
			mustDo(t, j.Complete(seq, attempt(at1), g))
		}
	}
	if j.LoadsBegun() {
		t.Fatal("no load claimed yet")
	}
	if got := j.StoppedTargets(); !slices.Equal(got, []string{childTwoID, childID, rootID}) {
		t.Fatalf("stopped %v", got)
	}
	mustDo(t, j.Claim(6, at1, g))
	if !j.LoadsBegun() {
		t.Fatal("a claimed load is begun")
	}
}
