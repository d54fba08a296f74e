package manifest

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

var testTool = ToolMetadata{Name: "fleetbackup", Version: "test"}

// replicatedFleet is 40 canisters (root, 3 children, 12 grandchildren, 24 below) whose 39
// non-root members share three roles.
func replicatedFleet() []registry.Entry {
	return fleetgen.Generate(fleetgen.Spec{Levels: []int{3, 4, 2}, Roles: []string{"worker", "index", "store"}, ModuleHash: true})
}

// buildPlan plans scope over entries; selected is a registry index, or -1 for none.
func buildPlan(t testing.TB, entries []registry.Entry, scope plan.ScopeKind, selected int) *plan.Plan {
	t.Helper()
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	in := plan.BuildInput{
		PlanID: "plan-test", RunID: "run-test", Fleet: "test", Network: "local",
		RootCanisterID: entries[0].Pid, Scope: scope, IncludeDescendants: true,
		TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	}
	if selected >= 0 {
		in.SelectedCanisterID = &entries[selected].Pid
	}
	p, err := plan.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// durableJournal is a synthetic download journal in which every target of p is Durable.
func durableJournal(t testing.TB, p *plan.Plan) *artifact.Journal {
	t.Helper()
	j := artifact.New(p.RunID, p.TopologyHashBeforeQuiesce)
	for i, target := range p.Targets {
		sum := checksum.Bytes([]byte(target.CanisterID))
		j.Artifacts = append(j.Artifacts, artifact.Entry{
			CanisterID: target.CanisterID, SnapshotID: fmt.Sprintf("snap-%d", i), State: artifact.StateDurable,
			ArtifactPath: plan.Seg(target.CanisterID), ChecksumAlgorithm: checksum.Algorithm, Checksum: &sum,
			UpdatedAt: "unix:1715090400",
		})
	}
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	return j
}

func build(t *testing.T, p *plan.Plan) *Manifest {
	t.Helper()
	m, err := Build(p, durableJournal(t, p), "unix:1715090400", testTool)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReplicatedSubtreeGetsVersion2: a subtree of the 40-canister fleet repeats roles, so the
// reference's single role-keyed unit fails (DuplicateBackupUnitRole) and version 2 is written.
func TestReplicatedSubtreeGetsVersion2(t *testing.T) {
	entries := replicatedFleet()
	p := buildPlan(t, entries, plan.ScopeSubtree, 1)
	assertV1Fails(t, p, ErrDuplicateBackupUnitRole)
	m := build(t, p)
	if m.ManifestVersion != Version2 || len(m.Consistency.BackupUnits) != 1 {
		t.Fatalf("version %d, %d units", m.ManifestVersion, len(m.Consistency.BackupUnits))
	}
	u := m.Consistency.BackupUnits[0]
	if u.UnitID != SelectionUnitID || u.Kind != UnitSubtree || len(u.CanisterIDs) != len(p.Targets) {
		t.Fatalf("unit %s %s with %d members, want %d", u.UnitID, u.Kind, len(u.CanisterIDs), len(p.Targets))
	}
	if strings.Join(u.Roles, ",") != "worker,index,store" {
		t.Fatalf("roles %v", u.Roles)
	}
	for i, id := range u.CanisterIDs {
		if id != p.Targets[i].CanisterID {
			t.Fatalf("member %d = %s, want plan order", i, id)
		}
	}
}

// TestReplicatedNonRootFleetGetsOneUnitPerChild: non-root-fleet over a root with three children
// is three components; version 1 fails, version 2 has backup-selection-1..3 in plan order.
func TestReplicatedNonRootFleetGetsOneUnitPerChild(t *testing.T) {
	entries := replicatedFleet()
	p := buildPlan(t, entries, plan.ScopeNonRootFleet, -1)
	if len(p.Targets) != 39 {
		t.Fatalf("%d targets", len(p.Targets))
	}
	assertV1Fails(t, p, ErrDuplicateBackupUnitRole)
	m := build(t, p)
	units := m.Consistency.BackupUnits
	if m.ManifestVersion != Version2 || len(units) != 3 {
		t.Fatalf("version %d, %d units", m.ManifestVersion, len(units))
	}
	for n, u := range units {
		if u.UnitID != fmt.Sprintf("backup-selection-%d", n+1) || u.Kind != UnitSubtree || len(u.CanisterIDs) != 13 {
			t.Fatalf("unit %d: %s %s with %d members", n, u.UnitID, u.Kind, len(u.CanisterIDs))
		}
		if top := u.CanisterIDs[0]; top != entries[1+n].Pid {
			t.Fatalf("unit %d starts with %s, want root child %s", n, top, entries[1+n].Pid)
		}
	}
}

// TestUniqueRolesKeepVersion1: when the reference's document validates it is written as is.
func TestUniqueRolesKeepVersion1(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}})
	p := buildPlan(t, entries, plan.ScopeSubtree, 1)
	m := build(t, p)
	if m.ManifestVersion != Version1 || len(m.Consistency.BackupUnits) != 1 {
		t.Fatalf("version %d, %d units", m.ManifestVersion, len(m.Consistency.BackupUnits))
	}
	u := m.Consistency.BackupUnits[0]
	if u.UnitID != SelectionUnitID || u.Kind != UnitSubtree || u.CanisterIDs != nil {
		t.Fatalf("unit %+v", u)
	}
	data, _ := document.Marshal(m)
	if strings.Contains(string(data), "canister_ids") {
		t.Fatalf("version 1 must keep the reference shape:\n%s", data)
	}
	one := buildPlan(t, entries, plan.ScopeMember, 4) // a leaf: one target, a single unit
	if got := build(t, one); got.ManifestVersion != Version1 || got.Consistency.BackupUnits[0].Kind != UnitSingle {
		t.Fatalf("leaf: %+v", got.Consistency)
	}
}

// TestUniqueRolesSeveralChildrenGetVersion2: non-root-fleet over a root with two children fails
// version 1 (SubtreeBackupUnitNotConnected) even with unique roles.
func TestUniqueRolesSeveralChildrenGetVersion2(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 1}})
	p := buildPlan(t, entries, plan.ScopeNonRootFleet, -1)
	assertV1Fails(t, p, ErrSubtreeBackupUnitNotConnected)
	m := build(t, p)
	if m.ManifestVersion != Version2 || len(m.Consistency.BackupUnits) != 2 {
		t.Fatalf("version %d, %+v", m.ManifestVersion, m.Consistency)
	}
	single := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2}})
	if got := build(t, buildPlan(t, single, plan.ScopeNonRootFleet, -1)); got.ManifestVersion != Version1 {
		t.Fatalf("one root child: version %d", got.ManifestVersion)
	}
}

// TestBuildMembers checks the §7.6 member fields.
func TestBuildMembers(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 1}, ModuleHash: true})
	entries[2].Role = nil
	p := buildPlan(t, entries, plan.ScopeSubtree, 1)
	dl := durableJournal(t, p)
	m, err := Build(p, dl, "2026-01-01T00:00:00Z", testTool)
	if err != nil {
		t.Fatal(err)
	}
	if m.BackupID != "run-test" || m.Source.RootCanister != entries[0].Pid || m.Source.Environment != "local" ||
		m.Fleet.TopologyHashInput != "canic-backup-plan:plan-test" || m.Fleet.TopologyHash != p.TopologyHashBeforeQuiesce {
		t.Fatalf("header %+v %+v", m.Source, m.Fleet)
	}
	got := m.Fleet.Members[1]
	if got.Role != "member-1" || *got.ParentCanisterID != entries[1].Pid || *got.ControllerHint != entries[0].Pid ||
		got.SubnetCanisterID != nil || got.SourceSnapshot.SnapshotID != "snap-1" ||
		*got.SourceSnapshot.Checksum != *dl.Artifacts[1].Checksum || *got.SourceSnapshot.ModuleHash != *entries[2].ModuleHash ||
		got.VerificationChecks[0].Roles[0] != "member-1" {
		t.Fatalf("member %+v", got)
	}
	p.Targets[0].ControlAuthority.Source.Kind = plan.ControlOperatorController
	if m, _ := Build(p, dl, "x", testTool); m.Fleet.Members[0].ControllerHint != nil {
		t.Fatal("operator-controller target must have no controller hint")
	}
}

// TestBuildNeedsDurableEntries: a target without a Durable entry fails with the reference's
// sequence, the largest machine word.
func TestBuildNeedsDurableEntries(t *testing.T) {
	p := buildPlan(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 1}}), plan.ScopeSubtree, 1)
	dl := durableJournal(t, p)
	dl.Artifacts[1].State = artifact.StateChecksumVerified
	_, err := Build(p, dl, "unix:1", testTool)
	var e *Error
	if !errors.Is(err, ErrMissingArtifactEntry) || !errors.As(err, &e) || e.Sequence != math.MaxUint64 ||
		e.CanisterID != p.Targets[1].CanisterID {
		t.Fatalf("got %v", err)
	}
	if _, err := Build(p, nil, "unix:1", testTool); !errors.Is(err, ErrMissingArtifactEntry) {
		t.Fatalf("nil journal: %v", err)
	}
	if _, err := Build(nil, dl, "unix:1", testTool); !errors.Is(err, ErrMissingInput) {
		t.Fatalf("nil plan: %v", err)
	}
	if _, err := Build(p, durableJournal(t, p), "unix:1", ToolMetadata{}); !errors.Is(err, ErrEmptyField) {
		t.Fatalf("empty tool: %v", err)
	}
}

// assertV1Fails shows the reference's document for p fails with want.
func assertV1Fails(t *testing.T, p *plan.Plan, want error) {
	t.Helper()
	members, err := buildMembers(p, durableJournal(t, p))
	if err != nil {
		t.Fatal(err)
	}
	m := header(p, "unix:1", testTool, members)
	m.ManifestVersion = Version1
	m.Consistency.BackupUnits = []BackupUnit{selectionUnit(p)}
	if err := m.Validate(); !errors.Is(err, want) {
		t.Fatalf("version 1 document: got %v, want %v", err, want)
	}
}
