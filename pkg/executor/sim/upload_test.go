package sim

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// copyTree copies an artifact directory, so a test can tamper with the copy.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	for name, data := range readTree(t, src) {
		path := filepath.Join(dst, filepath.FromSlash(name))
		mustOK(t, os.MkdirAll(filepath.Dir(path), 0o755))
		mustOK(t, os.WriteFile(path, []byte(data), 0o644))
	}
	return dst
}

// chunkName is the first chunk file of an artifact directory, in name order.
func chunkName(t testing.TB, dir string) string {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(readTree(t, dir))) {
		if strings.HasPrefix(name, "wasm_chunk_store/") {
			return name
		}
	}
	t.Fatal("no chunk")
	return ""
}

func flipByte(t testing.TB, path string, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	mustOK(t, err)
	data[at] ^= 0x01
	mustOK(t, os.WriteFile(path, data, 0o644))
}

func editMetadata(t testing.TB, dir, from, to string) {
	t.Helper()
	path := filepath.Join(dir, "metadata.json")
	data, err := os.ReadFile(path)
	mustOK(t, err)
	if !strings.Contains(string(data), from) {
		t.Fatalf("metadata lacks %q", from)
	}
	mustOK(t, os.WriteFile(path, []byte(strings.Replace(string(data), from, to, 1)), 0o644))
}

// An upload refuses any directory whose files are not exactly what its metadata's content
// produces, names the file, and creates no snapshot; files outside the artifact are ignored.
func TestUploadRefusesTampered(t *testing.T) {
	s := newSim(t, "", Config{})
	_, good := backUp(t, s, sampleHub)
	other := contentOf(t, s, sampleLeaf)
	hub := contentOf(t, s, sampleHub)
	for _, tc := range []struct {
		name, file string
		tamper     func(dir string)
	}{
		{"flipped memory byte", "wasm_memory.bin", func(d string) { flipByte(t, filepath.Join(d, "wasm_memory.bin"), 100) }},
		{"flipped module byte", "wasm_module.bin", func(d string) { flipByte(t, filepath.Join(d, "wasm_module.bin"), 0) }},
		{"flipped chunk byte", "chunk", func(d string) { flipByte(t, filepath.Join(d, chunkName(t, d)), 7) }},
		{"flipped metadata byte", "metadata.json", func(d string) { editMetadata(t, d, `"source": "t`, `"source": "u`) }},
		{"metadata of other content", "metadata.json", func(d string) { editMetadata(t, d, hub, other) }},
		{"metadata reformatted", "metadata.json", func(d string) { editMetadata(t, d, "{\n", "{") }},
		{"unknown metadata field", "metadata.json", func(d string) { editMetadata(t, d, "{", `{"x": 1,`) }},
		{"size out of range", "metadata.json", func(d string) { editMetadata(t, d, `"total_size_bytes": 4096`, `"total_size_bytes": 1`) }},
		{"truncated stable memory", "stable_memory.bin", func(d string) { os.Truncate(filepath.Join(d, "stable_memory.bin"), 10) }},
		{"appended module", "wasm_module.bin", func(d string) {
			f, _ := os.OpenFile(filepath.Join(d, "wasm_module.bin"), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("x")
			f.Close()
		}},
		{"missing chunk", "chunk", func(d string) { os.Remove(filepath.Join(d, chunkName(t, d))) }},
		{"missing metadata", "metadata.json", func(d string) { os.Remove(filepath.Join(d, "metadata.json")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, good)
			want := tc.file
			if want == "chunk" {
				want = chunkName(t, dir)
			}
			tc.tamper(dir)
			_, err := s.UploadSnapshot(context.Background(), sampleHub, dir)
			mustErr(t, err, executor.ErrPermanent, ErrArtifactMismatch)
			var ae *ArtifactError
			if !errors.As(err, &ae) || ae.File != want || ae.Dir != dir {
				t.Fatalf("artifact error %+v, want file %s", ae, want)
			}
		})
	}
	if st, _ := Inspect(s.StateDir(), sampleHub); len(st.Snapshots) != 1 {
		t.Fatalf("refused uploads left %d snapshots", len(st.Snapshots))
	}
	_, err := s.UploadSnapshot(context.Background(), sampleHub, filepath.Join(good, "absent"))
	mustErr(t, err, executor.ErrPermanent, fs.ErrNotExist)
	_, err = s.UploadSnapshot(context.Background(), sampleHub, filepath.Join(good, "metadata.json"))
	mustErr(t, err, executor.ErrPermanent, ErrArtifactMismatch)
	extra := copyTree(t, good)
	mustOK(t, os.WriteFile(filepath.Join(extra, ".upload_progress.json"), []byte("{}"), 0o644))
	_, err = s.UploadSnapshot(context.Background(), sampleHub, extra)
	mustOK(t, err)
}

// A lost upload reply: the snapshot exists (inventory shows it), the caller hears a timeout,
// and the history says the call took effect. Other faults leave no snapshot.
func TestFaultsOnRestoreCalls(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	_, dir := backUp(t, s, sampleHub)
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindUpload, Canister: sampleHub, Mode: ModeLostReply, Times: 1}))
	_, err := s.UploadSnapshot(ctx, sampleHub, dir)
	mustErr(t, err, executor.ErrTransient, ErrReplyLost)
	list, err := s.ListSnapshots(ctx, sampleHub)
	mustOK(t, err)
	calls, herr := ReadHistory(s.StateDir())
	mustOK(t, herr)
	last := calls[len(calls)-2] // then the list
	if len(list) != 2 || last.Call != KindUpload || !last.OK || last.Error == nil || *last.SnapshotID != list[1].ID {
		t.Fatalf("after a lost upload reply: %+v, history %+v", list, last)
	}
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindUpload, Mode: ModeTransient, Times: 1}))
	_, err = s.UploadSnapshot(ctx, sampleHub, dir)
	mustErr(t, err, executor.ErrTransient, ErrInjected)
	mustOK(t, s.Stop(ctx, sampleHub))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindLoad, Mode: ModePermanent, Times: 1}))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindModule, Mode: ModeTransient, Times: 1}))
	mustOK(t, s.Mutate(context.Background(), sampleLeaf))
	before := contentOf(t, s, sampleLeaf)
	mustErr(t, s.LoadSnapshot(ctx, sampleHub, list[1].ID), executor.ErrPermanent, ErrInjected)
	_, err = s.ModuleHash(ctx, sampleHub)
	mustErr(t, err, executor.ErrTransient, ErrInjected)
	if st, _ := Inspect(s.StateDir(), sampleHub); len(st.Snapshots) != 2 || contentOf(t, s, sampleLeaf) != before {
		t.Fatalf("failed calls took effect: %+v", st)
	}
}

// An upload takes its latency first; one whose context ends then creates nothing.
func TestUploadLatencyAndContext(t *testing.T) {
	s := newSim(t, "", Config{Latency: map[string]time.Duration{KindUpload: time.Hour, KindLoad: time.Hour}})
	_, dir := backUp(t, s, sampleHub)
	short, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := s.UploadSnapshot(short, sampleHub, dir)
	mustErr(t, err, executor.ErrTransient, context.DeadlineExceeded)
	mustOK(t, s.Stop(context.Background(), sampleHub))
	mustErr(t, s.LoadSnapshot(short, sampleHub, "00"), executor.ErrTransient, context.DeadlineExceeded)
	if st, _ := Inspect(s.StateDir(), sampleHub); len(st.Snapshots) != 1 || st.Counter != 1 {
		t.Fatalf("a timed-out upload took effect: %+v", st)
	}
}

func TestMutateAllNeedsState(t *testing.T) {
	err := MutateAll(filepath.Join(t.TempDir(), "absent"), []string{sampleHub})
	mustErr(t, err, fs.ErrNotExist)
	s := newSim(t, "", Config{})
	mustErr(t, MutateAll(s.StateDir(), []string{strangerID}), ErrCanisterNotFound)
}
