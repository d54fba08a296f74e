package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// copyBackup copies the backup directory to <backup-root>/<name>, a backup of its own for one
// case, and checks that the intact copy is admitted: whatever rejects the case is its damage.
func (b *policyBackup) copyBackup(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(b.c.backupRoot, name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(b.c.backupRoot, b.id))); err != nil {
		t.Fatal(err)
	}
	if _, err := restore.Admit(dst, restore.AdmitOptions{}); err != nil {
		t.Fatalf("the intact copy %s is not admitted: %v", dst, err)
	}
	return dst
}

// artifactPath is the directory of canister's artifact in the backup directory dir, relative.
func (b *policyBackup) artifactPath(t *testing.T, dir, canister string) string {
	t.Helper()
	m, err := layout.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range m.Fleet.Members {
		if mem.CanisterID == canister {
			if fi, err := os.Stat(filepath.Join(dir, mem.SourceSnapshot.ArtifactPath)); err != nil || !fi.IsDir() {
				t.Fatalf("artifact of %s at %s: %v", canister, mem.SourceSnapshot.ArtifactPath, err)
			}
			return mem.SourceSnapshot.ArtifactPath
		}
	}
	t.Fatalf("%s is not a member of %s", canister, dir)
	return ""
}

// flipByteAt flips the lowest bit of one byte of a file.
func flipByteAt(t *testing.T, path string, off int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off >= len(data) {
		t.Fatalf("%s has %d bytes, no byte %d", path, len(data), off)
	}
	data[off] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editManifestChecksum changes one hex digit of the top member's checksum in the manifest file,
// as a hand edit that keeps the manifest valid: it still reads and validates on its own.
func editManifestChecksum(t *testing.T, b *policyBackup, dir string) {
	t.Helper()
	m, err := layout.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(m.Fleet.Members, func(mem manifest.Member) bool { return mem.CanisterID == b.top })
	if at < 0 || m.Fleet.Members[at].SourceSnapshot.Checksum == nil {
		t.Fatalf("the manifest has no checksum for %s", b.top)
	}
	sum := *m.Fleet.Members[at].SourceSnapshot.Checksum
	edited := []byte(sum)
	if edited[10] == '0' {
		edited[10] = '1'
	} else {
		edited[10] = '0'
	}
	path := filepath.Join(dir, layout.ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), `"`+sum+`"`) {
		t.Fatalf("manifest %s: %v, checksum %s not found", path, err, sum)
	}
	data = []byte(strings.Replace(string(data), `"`+sum+`"`, `"`+string(edited)+`"`, 1))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if m2, err := layout.ReadManifest(dir); err != nil || *m2.Fleet.Members[at].SourceSnapshot.Checksum != string(edited) {
		t.Fatalf("the edited manifest no longer reads: %v", err)
	}
}

// checkUntouched asserts that the simulator logged no call that changes a canister after mark.
func checkUntouched(t *testing.T, b *policyBackup, mark int) {
	t.Helper()
	touching := []string{sim.KindUpload, sim.KindStop, sim.KindLoad, sim.KindStart, sim.KindSnapshot, sim.KindDelete}
	for _, c := range callsSince(t, b.f.StateDir, mark) {
		if slices.Contains(touching, c.Call) {
			t.Errorf("a rejected restore touched a canister: %+v", c)
		}
	}
}

// snapshotCounts returns how many snapshots each member holds.
func (b *policyBackup) snapshotCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range b.members {
		st, err := sim.Inspect(b.f.StateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = len(st.Snapshots)
	}
	return out
}

// checkSnapshotsAsBefore asserts that every member holds as many snapshots as before the restore:
// the snapshots it uploaded were deleted after their checks passed, none was left behind.
func (b *policyBackup) checkSnapshotsAsBefore(t *testing.T, before map[string]int) {
	t.Helper()
	for id, n := range b.snapshotCounts(t) {
		if n != before[id] {
			t.Errorf("canister %s holds %d snapshots after the restore, %d before", id, n, before[id])
		}
	}
}
