package restore

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// Ids and hash of RESTORE §9 fixture A.
const (
	rootID     = "aaaaa-aa"
	childID    = "renrk-eyaaa-aaaaa-aaada-cai"
	targetID   = "rno2w-sqaaa-aaaaa-aaacq-cai"
	childTwoID = "r7inp-6aaaa-aaaaa-aaabq-cai"
	unknownID  = "rdmx6-jaaaa-aaaaa-aaadq-cai"
	hashHex    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	at1        = "unix:1"
)

func sp(s string) *string { return &s }

// fixtureA is RESTORE §9 fixture A: members in manifest order [app, root], root fixed, the child
// in childMode, each with one status check, snapshot snap-<role>, path artifacts/<role>.
func fixtureA(childMode plan.IdentityMode) *manifest.Manifest {
	return &manifest.Manifest{
		ManifestVersion: manifest.Version1,
		BackupID:        "fbk_test_001",
		CreatedAt:       "2026-04-10T12:00:00Z",
		Tool:            manifest.ToolMetadata{Name: "canic", Version: "v1"},
		Source:          manifest.SourceMetadata{Environment: "local", RootCanister: rootID},
		Consistency: manifest.Consistency{BackupUnits: []manifest.BackupUnit{
			{UnitID: "core", Kind: manifest.UnitSubtree, Roles: []string{"root", "app"}},
		}},
		Fleet: manifest.Fleet{
			TopologyHashAlgorithm:   "sha256",
			TopologyHashInput:       "sorted(pid,parent_pid,role,module_hash)",
			DiscoveryTopologyHash:   hashHex,
			PreSnapshotTopologyHash: hashHex,
			TopologyHash:            hashHex,
			Members: []manifest.Member{
				fixtureMember("app", childID, sp(rootID), childMode),
				fixtureMember("root", rootID, nil, plan.IdentityFixed),
			},
		},
		Verification: manifest.VerificationPlan{
			FleetChecks: []manifest.VerificationCheck{}, MemberChecks: []manifest.MemberVerificationChecks{},
		},
	}
}

func fixtureMember(role, id string, parent *string, mode plan.IdentityMode) manifest.Member {
	return manifest.Member{
		Role: role, CanisterID: id, ParentCanisterID: parent, IdentityMode: mode,
		VerificationChecks: []manifest.VerificationCheck{{Kind: "status", Roles: []string{}}},
		SourceSnapshot: manifest.SourceSnapshot{
			SnapshotID: "snap-" + role, ModuleHash: sp(hashHex), CodeVersion: sp("v0.30.0"),
			ArtifactPath: "artifacts/" + role, ChecksumAlgorithm: "sha256", Checksum: sp(hashHex),
		},
	}
}

func status(roles ...string) manifest.VerificationCheck {
	return manifest.VerificationCheck{Kind: "status", Roles: append([]string{}, roles...)}
}

func mapping(pairs ...string) *Mapping {
	mp := &Mapping{Members: []MappingEntry{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		mp.Members = append(mp.Members, MappingEntry{SourceCanister: pairs[i], TargetCanister: pairs[i+1]})
	}
	return mp
}

func mustPlan(t *testing.T, m *manifest.Manifest, mp *Mapping) *Plan {
	t.Helper()
	p, err := BuildPlan(m, mp)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFixtureDir writes fixture A as a backup directory through pkg/layout's writers: artifact
// files artifacts/<role> containing `<role>-snapshot`, their checksums in the manifest and in a
// durable download journal. mutate may edit the manifest before anything is written.
func writeFixtureDir(t *testing.T, mutate func(m *manifest.Manifest)) string {
	t.Helper()
	dir := t.TempDir()
	m := fixtureA(plan.IdentityRelocatable)
	dl := artifact.New(m.BackupID, hashHex)
	for i := range m.Fleet.Members {
		mem := &m.Fleet.Members[i]
		sum := writeFile(t, filepath.Join(dir, mem.SourceSnapshot.ArtifactPath), mem.Role+"-snapshot")
		mem.SourceSnapshot.Checksum = sp(sum)
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: mem.CanisterID,
			SnapshotID: mem.SourceSnapshot.SnapshotID, State: artifact.StateDurable,
			ArtifactPath: mem.SourceSnapshot.ArtifactPath, ChecksumAlgorithm: "sha256", Checksum: sp(sum),
			UpdatedAt: "2026-04-10T12:00:00Z"})
	}
	if mutate != nil {
		mutate(m)
	}
	if err := layout.WriteDownloadJournal(dir, dl); err != nil {
		t.Fatal(err)
	}
	if err := layout.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeFile writes content at path (creating parents) and returns its checksum.
func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return checksum.Bytes([]byte(content))
}

// pipelineBackupDir writes a backup directory as fleetbackup's pipeline does: a generated fleet
// (root, 2 children, 2 grandchildren each) planned as a non-root-fleet backup, the plan and its
// execution journal, one artifact directory per target, a durable download journal and the
// manifest built from them.
func pipelineBackupDir(t *testing.T) (string, *manifest.Manifest) {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}, Roles: []string{"app", "store"}, ModuleHash: true})
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-r", RunID: "run-r", Fleet: "test", Network: "local", RootCanisterID: entries[0].Pid,
		Scope: plan.ScopeNonRootFleet, IncludeDescendants: true, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dl := artifact.New(p.RunID, p.TopologyHashBeforeQuiesce)
	for i, target := range p.Targets {
		rel := plan.Seg(target.CanisterID)
		writeFile(t, filepath.Join(dir, rel, "snapshot.bin"), "content of "+target.CanisterID)
		sum, err := checksum.Path(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: target.CanisterID,
			SnapshotID: fmt.Sprintf("snap-%d", i), State: artifact.StateDurable, ArtifactPath: rel,
			ChecksumAlgorithm: checksum.Algorithm, Checksum: &sum, UpdatedAt: "unix:1715090400"})
	}
	m, err := manifest.Build(p, dl, "unix:1715090400", manifest.ToolMetadata{Name: "fleetbackup", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ej, err := journal.New(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{layout.WritePlan(dir, p), layout.WriteJournal(dir, ej),
		layout.WriteDownloadJournal(dir, dl), layout.WriteManifest(dir, m)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir, m
}
