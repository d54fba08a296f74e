package restore

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func TestR1_RelocatableNoMappingOrdersParentFirst(t *testing.T) {
	p := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil)
	if p.Members[0].SourceCanister != rootID || p.Members[1].SourceCanister != childID ||
		p.Members[0].MemberOrder != 0 || p.Members[1].MemberOrder != 1 {
		t.Fatalf("members %+v", p.Members)
	}
	wantID := IdentitySummary{FixedMembers: 1, RelocatableMembers: 1, InPlaceMembers: 2}
	if p.IdentitySummary != wantID {
		t.Fatalf("identity %+v", p.IdentitySummary)
	}
	v := p.VerificationSummary
	if v.MemberChecks != 2 || v.TotalChecks != 2 || !v.AllMembersHaveChecks || !v.VerificationRequired {
		t.Fatalf("verification %+v", v)
	}
	if !p.ReadinessSummary.Ready || len(p.ReadinessSummary.Reasons) != 0 {
		t.Fatalf("readiness %+v", p.ReadinessSummary)
	}
	if p.OrderingSummary != (OrderingSummary{OrderedMembers: 2, DependencyFreeMembers: 1, ParentEdges: 1}) {
		t.Fatalf("ordering %+v", p.OrderingSummary)
	}
	want := &OrderingDependency{SourceCanister: rootID, TargetCanister: rootID, Relationship: "parent-before-child"}
	if !reflect.DeepEqual(p.Members[1].OrderingDependency, want) || p.Members[0].OrderingDependency != nil {
		t.Fatalf("dependency %+v", p.Members[1].OrderingDependency)
	}
}

func TestR2_FixedMemberCannotBeRemapped(t *testing.T) {
	_, err := BuildPlan(fixtureA(plan.IdentityFixed), mapping(rootID, rootID, childID, targetID))
	var e *Error
	if !errors.Is(err, ErrFixedIdentityRemap) || !errors.As(err, &e) || e.Source != childID || e.Target != targetID {
		t.Fatalf("got %v", err)
	}
}

func TestR3_RelocatableMappedOntoTarget(t *testing.T) {
	p := mustPlan(t, fixtureA(plan.IdentityRelocatable), mapping(rootID, rootID, childID, targetID))
	child := p.Members[1]
	if child.TargetCanister != targetID || *child.ParentTargetCanister != rootID {
		t.Fatalf("child %+v", child)
	}
	want := IdentitySummary{MappingSupplied: true, AllSourcesMapped: true, FixedMembers: 1,
		RelocatableMembers: 1, InPlaceMembers: 1, MappedMembers: 2, RemappedMembers: 1}
	if p.IdentitySummary != want {
		t.Fatalf("identity %+v", p.IdentitySummary)
	}
	none := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil).IdentitySummary
	if none.MappingSupplied || none.AllSourcesMapped || none.MappedMembers != 0 {
		t.Fatalf("without mapping %+v", none)
	}
}

func TestR4_RootMemberKeepsItsSnapshot(t *testing.T) {
	root := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil).Members[0]
	if root.IdentityMode != plan.IdentityFixed || root.VerificationChecks[0].Kind != "status" ||
		root.SourceSnapshot.SnapshotID != "snap-root" || root.SourceSnapshot.ArtifactPath != "artifacts/root" {
		t.Fatalf("root %+v", root)
	}
}

func TestR5_MissingChecksumIsNotReady(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.Members[1].SourceSnapshot.ModuleHash, m.Fleet.Members[1].SourceSnapshot.Checksum = nil, nil
	p := mustPlan(t, m, nil)
	s := p.SnapshotSummary
	if s.AllMembersHaveModuleHash || s.AllMembersHaveChecksum || !s.AllMembersHaveCodeVersion ||
		s.MembersWithModuleHash != 1 || s.MembersWithCodeVersion != 2 || s.MembersWithChecksum != 1 {
		t.Fatalf("snapshot %+v", s)
	}
	if p.ReadinessSummary.Ready || !reflect.DeepEqual(p.ReadinessSummary.Reasons, []string{"missing-snapshot-checksum"}) {
		t.Fatalf("readiness %+v", p.ReadinessSummary)
	}
}

func TestR6_DeploymentAndGroupChecks(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Verification.FleetChecks = []manifest.VerificationCheck{status()}
	m.Verification.MemberChecks = []manifest.MemberVerificationChecks{{Role: "app", Checks: []manifest.VerificationCheck{status()}}}
	p := mustPlan(t, m, nil)
	if len(p.Members[1].VerificationChecks) != 2 {
		t.Fatalf("app checks %+v", p.Members[1].VerificationChecks)
	}
	want := VerificationSummary{VerificationRequired: true, AllMembersHaveChecks: true, DeploymentChecks: 1,
		MemberChecks: 3, MembersWithChecks: 2, TotalChecks: 4}
	if p.VerificationSummary != want || len(p.DeploymentVerificationChecks) != 1 {
		t.Fatalf("verification %+v", p.VerificationSummary)
	}
}

func TestR7_OperationSummary(t *testing.T) {
	got := mustPlan(t, fixtureA(plan.IdentityRelocatable), nil).OperationSummary
	want := OperationSummary{PlannedCanisterStops: 2, PlannedCanisterStarts: 2, PlannedSnapshotUploads: 2,
		PlannedSnapshotLoads: 2, PlannedVerificationChecks: 2, PlannedOperations: 10}
	if got != want {
		t.Fatalf("got %+v", got)
	}
}

func TestR8_ExtraMemberAndGroup(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.Members = append(m.Fleet.Members, fixtureMember("app", childTwoID, sp(rootID), plan.IdentityRelocatable))
	m.Fleet.Members[2].SourceSnapshot.SnapshotID, m.Fleet.Members[2].SourceSnapshot.ArtifactPath = "snap-app-2", "artifacts/app-2"
	m.Verification.MemberChecks = []manifest.MemberVerificationChecks{{Role: "app", Checks: []manifest.VerificationCheck{status()}}}
	v := mustPlan(t, m, nil).VerificationSummary
	if v.MemberChecks != 5 || v.MembersWithChecks != 3 || v.TotalChecks != 5 {
		t.Fatalf("got %+v", v)
	}
}

func TestR9_ChecksFilteredByRole(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.Members[0].VerificationChecks = append(m.Fleet.Members[0].VerificationChecks, status("root"))
	m.Verification.MemberChecks = []manifest.MemberVerificationChecks{
		{Role: "app", Checks: []manifest.VerificationCheck{status("app"), status("root")}}}
	p := mustPlan(t, m, nil)
	app := p.Members[1].VerificationChecks
	if len(app) != 2 || app[0].Kind != "status" || app[1].Kind != "status" {
		t.Fatalf("app checks %+v", app)
	}
	if p.VerificationSummary.MemberChecks != 3 || p.VerificationSummary.TotalChecks != 3 {
		t.Fatalf("got %+v", p.VerificationSummary)
	}
	if n := len(Operations(p)); n != 4*2+3+1 {
		t.Fatalf("operations %d", n)
	}
}

func TestR10_MappingErrors(t *testing.T) {
	cases := []struct {
		name string
		mp   *Mapping
		want error
	}{
		{"only root", mapping(rootID, rootID), ErrMissingMappingSource},
		{"unknown source", mapping(rootID, rootID, childID, childID, unknownID, targetID), ErrUnknownMappingSource},
		{"two entries target root", mapping(rootID, rootID, childID, rootID), ErrDuplicateMappingTarget},
		{"source twice", mapping(rootID, rootID, rootID, targetID), ErrDuplicateMappingSource},
		{"bad source principal", mapping("not-a-principal", rootID), ErrInvalidPrincipal},
		{"bad target principal", mapping(rootID, "AAAAA-AA"), ErrInvalidPrincipal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := BuildPlan(fixtureA(plan.IdentityRelocatable), c.mp); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// A swap is a valid mapping: no canister is named twice as a target.
func TestMappingSwapIsAllowed(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.Members = append(m.Fleet.Members, fixtureMember("app", childTwoID, sp(rootID), plan.IdentityRelocatable))
	m.Fleet.Members[2].SourceSnapshot.SnapshotID = "snap-app-2"
	p := mustPlan(t, m, mapping(rootID, rootID, childID, childTwoID, childTwoID, childID))
	if p.IdentitySummary.RemappedMembers != 2 {
		t.Fatalf("got %+v", p.IdentitySummary)
	}
}

func TestBuildPlanRejectsInvalidManifest(t *testing.T) {
	m := fixtureA(plan.IdentityRelocatable)
	m.Fleet.TopologyHash = "nope"
	if _, err := BuildPlan(m, nil); !errors.Is(err, ErrInvalidManifest) || !errors.Is(err, manifest.ErrInvalidHash) {
		t.Fatalf("got %v", err)
	}
	if _, err := BuildPlan(nil, nil); !errors.Is(err, ErrInvalidManifest) {
		t.Fatalf("nil manifest: %v", err)
	}
}
