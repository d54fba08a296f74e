package layout

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// Ids and hash of the DOMAIN §11 persistence fixtures.
const (
	rootID   = "aaaaa-aa"
	childID  = "renrk-eyaaa-aaaaa-aaada-cai"
	workerID = "rno2w-sqaaa-aaaaa-aaacq-cai"
	hashHex  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	hashF    = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
)

func strp(s string) *string { return &s }

// validManifest is the §11 persistence manifest: one single unit [root], member root with
// artifact `artifacts/root` and no checksum.
func validManifest() *manifest.Manifest {
	return &manifest.Manifest{
		ManifestVersion: manifest.Version1,
		BackupID:        "fbk_test_001",
		CreatedAt:       "2026-04-10T12:00:00Z",
		Tool:            manifest.ToolMetadata{Name: "canic", Version: "v1"},
		Source:          manifest.SourceMetadata{Environment: "local", RootCanister: rootID},
		Consistency: manifest.Consistency{BackupUnits: []manifest.BackupUnit{
			{UnitID: "single-root", Kind: manifest.UnitSingle, Roles: []string{"root"}},
		}},
		Fleet: manifest.Fleet{
			TopologyHashAlgorithm:   "sha256",
			TopologyHashInput:       "sorted(pid,parent_pid,role,module_hash)",
			DiscoveryTopologyHash:   hashHex,
			PreSnapshotTopologyHash: hashHex,
			TopologyHash:            hashHex,
			Members: []manifest.Member{{
				Role:               "root",
				CanisterID:         rootID,
				SubnetCanisterID:   strp(childID),
				ControllerHint:     strp(rootID),
				IdentityMode:       plan.IdentityFixed,
				VerificationChecks: []manifest.VerificationCheck{{Kind: "status", Roles: []string{}}},
				SourceSnapshot: manifest.SourceSnapshot{
					SnapshotID: "snap-root", ModuleHash: strp(hashHex), CodeVersion: strp("v0.30.0"),
					ArtifactPath: "artifacts/root", ChecksumAlgorithm: "sha256",
				},
			}},
		},
		Verification: manifest.VerificationPlan{FleetChecks: []manifest.VerificationCheck{}, MemberChecks: []manifest.MemberVerificationChecks{}},
	}
}

// journalWithChecksum is the §11 durable download journal: root / snap-root at artifacts/root.
func journalWithChecksum(sum string) *artifact.Journal {
	return &artifact.Journal{
		JournalVersion:          artifact.Version,
		BackupID:                "fbk_test_001",
		DiscoveryTopologyHash:   strp(hashHex),
		PreSnapshotTopologyHash: strp(hashHex),
		Artifacts: []artifact.Entry{{
			CanisterID: rootID, SnapshotID: "snap-root", State: artifact.StateDurable,
			ArtifactPath: "artifacts/root", ChecksumAlgorithm: "sha256", Checksum: strp(sum),
			UpdatedAt: "2026-04-10T12:00:00Z",
		}},
	}
}

// writeArtifact writes the file artifacts/root under dir and returns its checksum.
func writeArtifact(t *testing.T, dir string, content []byte) string {
	t.Helper()
	path := filepath.Join(dir, "artifacts", "root")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return checksum.Bytes(content)
}

// fixturePlan is subtree(APP) over the §11 three-entry registry: targets APP and WORKER.
func fixturePlan(t *testing.T) *plan.Plan {
	t.Helper()
	app, worker, root := "app", "worker", "root"
	entries := []registry.Entry{
		{Pid: rootID, Role: &root},
		{Pid: childID, Role: &app, ParentPid: strp(rootID)},
		{Pid: workerID, Role: &worker, ParentPid: strp(childID)},
	}
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-001", RunID: "run-001", Fleet: "demo", Network: "local", RootCanisterID: rootID,
		SelectedCanisterID: strp(childID), Scope: plan.ScopeSubtree, IncludeDescendants: true,
		TopologyHash: hashHex, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceDeclared},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceDeclared},
		Quiescence:   plan.QuiescenceRootCoordinated, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixtureJournal(t *testing.T, p *plan.Plan) *journal.Journal {
	t.Helper()
	j, err := journal.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
