package snapkeep

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// members are the non-root canisters of the fixture fleet.
var members = func() []string {
	var out []string
	for _, e := range fleetgen.Generate(fleetgen.Spec{Levels: []int{2}, Roles: []string{"app", "store"}})[1:] {
		out = append(out, e.Pid)
	}
	return out
}()

// writeManifest writes root/dir/fleet-backup-manifest.json for backup id, built the way the
// finalizer builds it, whose members' source snapshots are snap+"-"+<member index>.
func writeManifest(t *testing.T, root, dir, id, snap string) {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2}, Roles: []string{"app", "store"}})
	hash, err := registry.TopologyHash(entries)
	must(t, err)
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-" + id, RunID: id, Fleet: "test", Network: "local",
		RootCanisterID: entries[0].Pid, Scope: plan.ScopeNonRootFleet, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	must(t, err)
	dl := artifact.New(id, hash)
	for i, target := range p.Targets {
		sum := checksum.Bytes([]byte(target.CanisterID))
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: target.CanisterID, SnapshotID: snap + "-" + string(rune('0'+i)),
			State: artifact.StateDurable, ArtifactPath: plan.Seg(target.CanisterID), ChecksumAlgorithm: "sha256",
			Checksum: &sum, UpdatedAt: "unix:1"})
	}
	m, err := manifest.Build(p, dl, "unix:1", manifest.ToolMetadata{Name: "fleetbackup", Version: "test"})
	must(t, err)
	must(t, layout.WriteManifest(filepath.Join(root, dir), m))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func skippedNames(s []Skipped) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Name)
	}
	return out
}

// Only completed backup directories count, each under its own name: symbolic links, files,
// names that are not run ids, unreadable manifests and manifests naming another backup are
// skipped with a reason; a directory without a manifest (an unfinished run) is passed over.
func TestScanClaimsReadsOnlyCompletedBackups(t *testing.T) {
	root := t.TempDir()
	writeManifest(t, root, "nightly-01", "nightly-01", "s1")
	writeManifest(t, root, "nightly-02", "nightly-02", "s2")
	writeManifest(t, root, "copied", "nightly-01", "forged")
	writeManifest(t, root, "bad name", "bad name", "s3")
	must(t, os.MkdirAll(filepath.Join(root, "unfinished", "x.tmp"), 0o755))
	must(t, os.MkdirAll(filepath.Join(root, "garbage"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "garbage", layout.ManifestFile), []byte(`{"manifest_version": 1}`), 0o644))
	must(t, os.Symlink(filepath.Join(root, "nightly-01"), filepath.Join(root, "linked")))
	must(t, os.MkdirAll(filepath.Join(root, "linkedmanifest"), 0o755))
	must(t, os.Symlink(filepath.Join(root, "nightly-01", layout.ManifestFile), filepath.Join(root, "linkedmanifest", layout.ManifestFile)))
	must(t, os.WriteFile(filepath.Join(root, "file"), []byte("x"), 0o644))

	claims, skipped, err := ScanClaims(root, nil)
	must(t, err)
	want := Claims{}
	for i, c := range members {
		want[c] = map[string][]string{"s1-" + string(rune('0'+i)): {"nightly-01"}, "s2-" + string(rune('0'+i)): {"nightly-02"}}
	}
	if !reflect.DeepEqual(claims, want) {
		t.Fatalf("claims %v, want %v", claims, want)
	}
	got := skippedNames(skipped)
	if wantSkipped := []string{"bad name", "copied", "file", "garbage", "linked", "linkedmanifest"}; !slices.Equal(got, wantSkipped) {
		t.Fatalf("skipped %v, want %v", skipped, wantSkipped)
	}
	only, _, err := ScanClaims(root, func(c string) bool { return c == members[1] })
	must(t, err)
	if len(only) != 1 || len(only[members[1]]) != 2 {
		t.Fatalf("claims of one canister: %v", only)
	}
	if !claims.ClaimedBesides(members[0], "nightly-01") || (Claims{members[0]: {"s": {"r"}}}).ClaimedBesides(members[0], "r") {
		t.Fatal("ClaimedBesides does not tell other backups' claims from a run's own")
	}
}

// A backup root not written yet, or none, has no claims.
func TestScanClaimsWithoutRoot(t *testing.T) {
	for _, root := range []string{"", filepath.Join(t.TempDir(), "not-yet")} {
		if claims, skipped, err := ScanClaims(root, nil); err != nil || len(claims) != 0 || len(skipped) != 0 {
			t.Fatalf("root %q: %v %v %v", root, claims, skipped, err)
		}
	}
}

// The index reads a manifest again only when it changed, and forgets a pruned backup.
func TestIndexFollowsTheRoot(t *testing.T) {
	root := t.TempDir()
	writeManifest(t, root, "run-1", "run-1", "a")
	var x Index
	first, _, err := x.Claims(root, nil)
	must(t, err)
	writeManifest(t, root, "run-1", "run-1", "bb")
	later := time.Now().Add(time.Minute)
	must(t, os.Chtimes(filepath.Join(root, "run-1", layout.ManifestFile), later, later))
	second, _, err := x.Claims(root, nil)
	must(t, err)
	if _, ok := first[members[0]]["a-0"]; !ok {
		t.Fatalf("first scan: %v", first)
	}
	if _, ok := second[members[0]]["bb-0"]; !ok || len(second[members[0]]) != 1 {
		t.Fatalf("scan after the manifest changed: %v", second)
	}
	must(t, os.RemoveAll(filepath.Join(root, "run-1")))
	third, _, err := x.Claims(root, nil)
	must(t, err)
	if len(third) != 0 || len(x.dirs) != 0 {
		t.Fatalf("scan after prune: %v (index holds %d entries)", third, len(x.dirs))
	}
}
