package manifest_test

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// A fleet whose root has two children, each with two workers of the same role: backing up
// everything but the root gives two disconnected subtrees with repeated roles. Version 1 cannot
// describe it, so Build writes version 2 with one unit per subtree.
func ExampleBuild() {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}, Roles: []string{"hub", "hub", "worker", "worker", "worker", "worker"}})
	hash, _ := registry.TopologyHash(entries)
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-demo", RunID: "run-demo", Fleet: "demo", Network: "local",
		RootCanisterID: entries[0].Pid, Scope: plan.ScopeNonRootFleet, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("plan check:", manifest.CheckPlan(p))

	dl := artifact.New(p.RunID, hash)
	for _, t := range p.Targets {
		sum := checksum.Bytes([]byte(t.CanisterID))
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: t.CanisterID, SnapshotID: "snap",
			State: artifact.StateDurable, ArtifactPath: plan.Seg(t.CanisterID), ChecksumAlgorithm: "sha256",
			Checksum: &sum, UpdatedAt: "unix:1"})
	}
	m, err := manifest.Build(p, dl, "unix:1", manifest.ToolMetadata{Name: "fleetbackup", Version: "dev"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("manifest version", m.ManifestVersion)
	for _, u := range m.Consistency.BackupUnits {
		fmt.Println(u.UnitID, u.Kind, u.Roles, len(u.CanisterIDs), "members")
	}
	// Output:
	// plan check: <nil>
	// manifest version 2
	// backup-selection-1 subtree [hub worker] 3 members
	// backup-selection-2 subtree [hub worker] 3 members
}
