package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

func download(t testing.TB, s *Sim, canister, id string) string {
	t.Helper()
	dir := t.TempDir()
	mustOK(t, s.DownloadSnapshot(context.Background(), canister, id, dir, false))
	return dir
}

func TestDownloadShape(t *testing.T) {
	s := newSim(t, "", Config{ArtifactBytes: 100_000})
	snap := stopAndSnapshot(t, s, sampleHub)
	tree := readTree(t, download(t, s, sampleHub, snap.ID))
	var memory int
	chunks := 0
	for name, data := range tree {
		switch {
		case name == "metadata.json":
		case strings.HasPrefix(name, "wasm_chunk_store/"):
			sum := sha256.Sum256([]byte(data))
			if name != "wasm_chunk_store/"+hex.EncodeToString(sum[:])+".bin" {
				t.Errorf("chunk %s is not named by its hash", name)
			}
			chunks++
			memory += len(data)
		case name == "wasm_module.bin", name == "wasm_memory.bin", name == "stable_memory.bin":
			memory += len(data)
		default:
			t.Errorf("unexpected file %s", name)
		}
	}
	if chunks != 2 || memory != 100_000 || len(tree) != 6 {
		t.Fatalf("%d files, %d chunks, %d bytes of memory", len(tree), chunks, memory)
	}
	var meta metadata
	mustOK(t, json.Unmarshal([]byte(tree["metadata.json"]), &meta))
	st, err := Inspect(s.StateDir(), sampleHub)
	mustOK(t, err)
	if meta.ContentID != st.Content || meta.ModuleHash != st.ModuleHash || meta.ModuleHash == "" ||
		meta.TotalSizeBytes != snap.TotalSizeBytes || len(meta.WasmChunkStore) != 2 ||
		meta.WasmMemorySize != int64(len(tree["wasm_memory.bin"])) {
		t.Fatalf("metadata %+v", meta)
	}
}

// Bytes depend only on the content a snapshot captured: the same snapshot downloads the same
// bytes in any state directory, and so does a second snapshot of unchanged content; a snapshot
// taken after a mutation downloads other bytes.
func TestDownloadDeterministic(t *testing.T) {
	a, b := newSim(t, "", Config{}), newSim(t, "", Config{})
	snapA, snapB := stopAndSnapshot(t, a, sampleLeaf), stopAndSnapshot(t, b, sampleLeaf)
	if snapA.ID != snapB.ID {
		t.Fatalf("ids differ: %s %s", snapA.ID, snapB.ID)
	}
	first := readTree(t, download(t, a, sampleLeaf, snapA.ID))
	if !maps.Equal(first, readTree(t, download(t, a, sampleLeaf, snapA.ID))) ||
		!maps.Equal(first, readTree(t, download(t, b, sampleLeaf, snapB.ID))) {
		t.Fatal("one snapshot downloaded two ways")
	}
	again, err := a.CreateSnapshot(context.Background(), sampleLeaf)
	mustOK(t, err)
	if !maps.Equal(first, readTree(t, download(t, a, sampleLeaf, again.ID))) {
		t.Fatal("two snapshots of one content differ")
	}
	mustOK(t, a.Start(context.Background(), sampleLeaf))
	mustOK(t, a.Mutate(context.Background(), sampleLeaf))
	next := stopAndSnapshot(t, a, sampleLeaf)
	other := readTree(t, download(t, a, sampleLeaf, next.ID))
	if other["wasm_memory.bin"] == first["wasm_memory.bin"] || other["metadata.json"] == first["metadata.json"] {
		t.Fatal("a mutated canister has the same memory")
	}
	if other["wasm_module.bin"] != first["wasm_module.bin"] {
		t.Fatal("a mutation changed the module")
	}
}

func TestDownloadRefusesAndResumes(t *testing.T) {
	s := newSim(t, "", Config{})
	snap := stopAndSnapshot(t, s, sampleHub)
	dir := download(t, s, sampleHub, snap.ID)
	want := readTree(t, dir)
	err := s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, false)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotFilesExist)
	mustOK(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true))
	if !maps.Equal(want, readTree(t, dir)) {
		t.Fatal("a resume without progress changed the artifact")
	}
	err = s.DownloadSnapshot(context.Background(), sampleHub, "0000000000000009"+snap.ID[16:], t.TempDir(), false)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotNotFound)
	err = s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, filepath.Join(dir, "absent"), false)
	mustErr(t, err, executor.ErrPermanent, fs.ErrNotExist)
}

// A download interrupted between steps keeps its progress; resuming finishes it with the same
// bytes as an uninterrupted download, rewriting whatever followed the recorded progress.
func TestDownloadResumeAfterInterruption(t *testing.T) {
	s := newSim(t, "", Config{ArtifactBytes: 5_000_000})
	snap := stopAndSnapshot(t, s, sampleHub)
	want := readTree(t, download(t, s, sampleHub, snap.ID))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var stoppedAt progress
	s.afterStep = func(p progress) {
		if p.File == 2 && p.Offset == maxChunk {
			stoppedAt = p
			cancel()
		}
	}
	err := s.DownloadSnapshot(ctx, sampleHub, snap.ID, dir, false)
	mustErr(t, err, executor.ErrTransient, context.Canceled)
	data, err := os.ReadFile(filepath.Join(dir, progressName))
	mustOK(t, err)
	var p progress
	mustOK(t, json.Unmarshal(data, &p))
	if p != stoppedAt {
		t.Fatalf("progress %+v, want %+v", p, stoppedAt)
	}
	memory, err := os.OpenFile(filepath.Join(dir, "wasm_memory.bin"), os.O_APPEND|os.O_WRONLY, 0)
	mustOK(t, err)
	memory.WriteString("bytes of a step that was never recorded")
	memory.Close()
	mustErr(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, false), ErrSnapshotFilesExist)
	var firstStep *progress
	s.afterStep = func(p progress) {
		if firstStep == nil {
			firstStep = &p
		}
	}
	mustOK(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true))
	if firstStep == nil || firstStep.File != 2 || firstStep.Offset <= maxChunk {
		t.Fatalf("resume began with step %+v", firstStep)
	}
	if !maps.Equal(want, readTree(t, dir)) {
		t.Fatal("resumed download differs from a whole one")
	}
}

// Every step moves at most 2,000,000 bytes.
func TestDownloadSteps(t *testing.T) {
	s := newSim(t, "", Config{ArtifactBytes: 9_000_000})
	snap := stopAndSnapshot(t, s, sampleHub)
	last := progress{File: -1}
	steps := 0
	s.afterStep = func(p progress) {
		if p.File == last.File && p.Offset-last.Offset > maxChunk || p.File != last.File && p.Offset > maxChunk {
			t.Errorf("step from %+v to %+v", last, p)
		}
		last = p
		steps++
	}
	download(t, s, sampleHub, snap.ID)
	if steps < 8 {
		t.Fatalf("%d steps for 9 MB", steps)
	}
}

func TestDownloadProgressOfAnotherSnapshot(t *testing.T) {
	s := newSim(t, "", Config{})
	snap := stopAndSnapshot(t, s, sampleHub)
	dir := t.TempDir()
	for _, body := range []string{`{"canister_id":"` + sampleHub + `","snapshot_id":"ff","file":0,"offset":0}`, `{`,
		`{"canister_id":"` + sampleHub + `","snapshot_id":"` + snap.ID + `","file":99,"offset":0}`} {
		mustOK(t, os.WriteFile(filepath.Join(dir, progressName), []byte(body), 0o644))
		err := s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true)
		mustErr(t, err, executor.ErrPermanent, ErrProgressMismatch)
	}
}

// Two downloads never write one directory: the progress file is locked while a download runs.
func TestDownloadBusy(t *testing.T) {
	s := newSim(t, "", Config{})
	snap := stopAndSnapshot(t, s, sampleHub)
	dir := t.TempDir()
	lock, err := flock(filepath.Join(dir, progressName))
	mustOK(t, err)
	err = s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true)
	mustErr(t, err, executor.ErrTransient, ErrDownloadBusy)
	lock.Close()
	mustOK(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true))
	if len(readTree(t, dir)) != 6 {
		t.Fatal("download left more than its artifact")
	}
}

func TestFaultLostReplyDownload(t *testing.T) {
	s := newSim(t, "", Config{})
	snap := stopAndSnapshot(t, s, sampleHub)
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindDownload, Canister: sampleHub, Mode: ModeLostReply, Times: 1}))
	dir := t.TempDir()
	mustErr(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, false), ErrReplyLost)
	if len(readTree(t, dir)) != 6 {
		t.Fatal("lost-reply download did not complete")
	}
}
