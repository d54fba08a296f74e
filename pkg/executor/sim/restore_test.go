package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// checksums maps every file of an artifact directory to its SHA-256.
func checksums(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, data := range readTree(t, dir) {
		sum := sha256.Sum256([]byte(data))
		out[name] = hex.EncodeToString(sum[:])
	}
	return out
}

func contentOf(t testing.TB, s *Sim, canister string) string {
	t.Helper()
	c, err := Content(s.StateDir(), canister)
	mustOK(t, err)
	return c
}

// backUp stops, snapshots, starts and downloads a canister, as a backup does.
func backUp(t testing.TB, s *Sim, canister string) (executor.Snapshot, string) {
	t.Helper()
	snap := stopAndSnapshot(t, s, canister)
	mustOK(t, s.Start(context.Background(), canister))
	return snap, download(t, s, canister, snap.ID)
}

// A snapshot captures the content: one taken after a mutation has other checksums (except the
// module's), and a mutation needs a running canister.
func TestMutateChangesArtifact(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	before := contentOf(t, s, sampleHub)
	_, dir := backUp(t, s, sampleHub)
	mustOK(t, s.Mutate(ctx, sampleHub))
	if contentOf(t, s, sampleHub) == before {
		t.Fatal("Mutate left the content id")
	}
	_, dir2 := backUp(t, s, sampleHub)
	first, second := checksums(t, dir), checksums(t, dir2)
	for name, sum := range first {
		if name == "wasm_module.bin" {
			if second[name] != sum {
				t.Error("a mutation changed the module")
			}
		} else if second[name] == sum {
			t.Errorf("%s unchanged by a mutation", name)
		}
	}
	mustOK(t, s.Stop(ctx, sampleHub))
	stopped := contentOf(t, s, sampleHub)
	mustErr(t, s.Mutate(ctx, sampleHub), executor.ErrPermanent, ErrCanisterNotRunning)
	mustErr(t, s.Mutate(ctx, strangerID), executor.ErrPermanent, ErrCanisterNotFound)
	if contentOf(t, s, sampleHub) != stopped {
		t.Fatal("a refused mutation took effect")
	}
}

// The restore of one canister through two Sims on one state directory (two processes): back
// up, mutate, upload the artifact while running, stop, load, start. The content is back, and a
// new backup has the first one's checksums.
func TestUploadLoadRestoresContent(t *testing.T) {
	a := newSim(t, "", Config{})
	b := newSim(t, a.StateDir(), Config{})
	ctx := context.Background()
	original := contentOf(t, a, sampleLeaf)
	_, dir := backUp(t, a, sampleLeaf)
	mustOK(t, MutateAll(a.StateDir(), []string{sampleLeaf, sampleOther}))
	if contentOf(t, a, sampleLeaf) == original {
		t.Fatal("MutateAll left the content")
	}
	up, err := b.UploadSnapshot(ctx, sampleLeaf, dir)
	mustOK(t, err)
	st, err := Inspect(a.StateDir(), sampleLeaf)
	mustOK(t, err)
	if st.Status != executor.StatusRunning || st.SnapshotContents[up.ID] != original || len(st.Snapshots) != 2 ||
		up.TotalSizeBytes != 4096 || up.TakenAtNanos == 0 || !snapshotIDPattern.MatchString(up.ID) {
		t.Fatalf("after upload: %+v, snapshot %+v", st, up)
	}
	mustErr(t, a.LoadSnapshot(ctx, sampleLeaf, up.ID), executor.ErrPermanent, ErrCanisterNotStopped)
	mustOK(t, a.Stop(ctx, sampleLeaf))
	mustOK(t, b.LoadSnapshot(ctx, sampleLeaf, up.ID))
	if contentOf(t, a, sampleLeaf) != original || status(t, a, sampleLeaf) != executor.StatusStopped {
		t.Fatal("load did not restore the content")
	}
	mustOK(t, a.Start(ctx, sampleLeaf))
	_, again := backUp(t, b, sampleLeaf)
	if !maps.Equal(checksums(t, dir), checksums(t, again)) {
		t.Fatal("the backup after the restore differs from the one restored")
	}
	if !maps.Equal(checksums(t, dir), checksums(t, download(t, a, sampleLeaf, up.ID))) {
		t.Fatal("the uploaded snapshot downloads other bytes")
	}
}

// A snapshot loads its content whatever it was uploaded from: the artifact of one canister
// restored onto another (a mapping) brings its data and its module.
func TestLoadOntoAnotherCanister(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	hub, err := s.ModuleHash(ctx, sampleHub)
	mustOK(t, err)
	leaf, err := s.ModuleHash(ctx, sampleLeaf)
	mustOK(t, err)
	want := sampleMembers()[1].moduleHash
	if hub != hex.EncodeToString(want) || leaf == hub {
		t.Fatalf("module hashes %s %s", hub, leaf)
	}
	_, dir := backUp(t, s, sampleHub)
	up, err := s.UploadSnapshot(ctx, sampleLeaf, dir)
	mustOK(t, err)
	mustOK(t, s.Stop(ctx, sampleLeaf))
	mustOK(t, s.LoadSnapshot(ctx, sampleLeaf, up.ID))
	if got, err := s.ModuleHash(ctx, sampleLeaf); err != nil || got != hub || contentOf(t, s, sampleLeaf) != contentOf(t, s, sampleHub) {
		t.Fatalf("after load: module %s, %v", got, err)
	}
}

func TestModuleHashWithoutModule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.json")
	mustOK(t, os.WriteFile(path, []byte(`[{"pid":"`+sampleRoot+`","role":"root","record":{"module_hash":null}}]`), 0o644))
	s := newSim(t, "", Config{FleetFile: path})
	hash, err := s.ModuleHash(context.Background(), sampleRoot)
	if err != nil || hash != "" {
		t.Fatalf("ModuleHash = %q, %v", hash, err)
	}
	_, err = s.ModuleHash(context.Background(), strangerID)
	mustErr(t, err, executor.ErrPermanent, ErrCanisterNotFound)
}

func TestLoadRefusals(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	snap, _ := backUp(t, s, sampleHub)
	mustErr(t, s.LoadSnapshot(ctx, sampleHub, snap.ID), executor.ErrPermanent, ErrCanisterNotStopped)
	mustOK(t, s.Stop(ctx, sampleHub))
	mustErr(t, s.LoadSnapshot(ctx, sampleHub, "0000000000000009"+snap.ID[16:]), executor.ErrPermanent, ErrSnapshotNotFound)
	other := stopAndSnapshot(t, s, sampleLeaf)
	mustErr(t, s.LoadSnapshot(ctx, sampleHub, other.ID), executor.ErrPermanent, ErrSnapshotNotFound)
	mustErr(t, s.LoadSnapshot(ctx, strangerID, snap.ID), executor.ErrPermanent, ErrCanisterNotFound)
	mustOK(t, s.LoadSnapshot(ctx, sampleHub, snap.ID))
}

// Uploads count against the snapshot limit like snapshots taken.
func TestUploadSnapshotLimit(t *testing.T) {
	s := newSim(t, "", Config{MaxSnapshots: 2})
	ctx := context.Background()
	_, dir := backUp(t, s, sampleHub)
	_, err := s.UploadSnapshot(ctx, sampleHub, dir)
	mustOK(t, err)
	_, err = s.UploadSnapshot(ctx, sampleHub, dir)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotLimit)
	mustOK(t, s.Stop(ctx, sampleHub))
	_, err = s.CreateSnapshot(ctx, sampleHub)
	mustErr(t, err, ErrSnapshotLimit)
	if st, _ := Inspect(s.StateDir(), sampleHub); len(st.Snapshots) != 2 || st.Counter != 2 {
		t.Fatalf("Inspect = %+v", st)
	}
}

// The history logs uploads and loads (and mutations) like the other calls.
func TestHistoryRecordsRestore(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	_, dir := backUp(t, s, sampleHub)
	mustOK(t, s.Mutate(ctx, sampleHub))
	up, err := s.UploadSnapshot(ctx, sampleHub, dir)
	mustOK(t, err)
	loadErr := s.LoadSnapshot(ctx, sampleHub, up.ID)
	mustOK(t, s.Stop(ctx, sampleHub))
	mustOK(t, s.LoadSnapshot(ctx, sampleHub, up.ID))
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	var kinds []string
	for _, c := range calls {
		kinds = append(kinds, c.Call)
	}
	tail := calls[len(calls)-5:]
	if tail[0].Call != KindMutate || !tail[0].OK || *tail[0].StatusBefore != executor.StatusRunning ||
		tail[1].Call != KindUpload || !tail[1].OK || *tail[1].SnapshotID != up.ID ||
		tail[2].Call != KindLoad || tail[2].OK || *tail[2].Error != loadErr.Error() ||
		tail[4].Call != KindLoad || !tail[4].OK || *tail[4].SnapshotID != up.ID || *tail[4].StatusBefore != executor.StatusStopped {
		t.Fatalf("history %v", kinds)
	}
}
