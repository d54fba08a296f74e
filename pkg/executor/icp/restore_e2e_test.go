package icp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// backUp takes and downloads one snapshot of a running canister through the executor, as a
// backup does (stop, snapshot, download, start), and returns the snapshot and its directory.
func backUp(t *testing.T, f *fleet, c string) (executor.Snapshot, string) {
	t.Helper()
	ctx := context.Background()
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	snap, err := f.exec.CreateSnapshot(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := f.exec.DownloadSnapshot(ctx, c, snap.ID, dir, false); err != nil {
		t.Fatal(err)
	}
	if err := f.exec.Start(ctx, c); err != nil {
		t.Fatal(err)
	}
	return snap, dir
}

// The restore side through the fake icp: back up a canister, change it (a second backup shows
// the change), upload the first backup while it runs, stop it, load the uploaded snapshot, start
// it. A new backup then holds exactly the bytes of the first, and the module hash is unchanged.
func TestRestoreEndToEnd(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	c := f.member(4)
	hash, err := f.exec.ModuleHash(ctx, c)
	if err != nil || !isHex(hash, 64) || strings.ToLower(hash) != hash {
		t.Fatalf("module hash %q, %v", hash, err)
	}
	backup, dir := backUp(t, f, c)
	want := treeHashes(t, dir)
	f.mutate(c)
	if _, changed := backUp(t, f, c); maps.Equal(treeHashes(t, changed), want) {
		t.Fatal("the mutation left the canister's snapshot unchanged")
	}
	before := f.logged()

	up, err := f.exec.UploadSnapshot(ctx, c, dir)
	if err != nil || !isHex(up.ID, 0) || up.ID == backup.ID {
		t.Fatalf("upload: %+v, %v", up, err)
	}
	list, err := f.exec.ListSnapshots(ctx, c)
	if err != nil || !slices.ContainsFunc(list, func(s executor.Snapshot) bool { return s.ID == up.ID }) {
		t.Fatalf("list after upload: %+v, %v", list, err)
	}
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := f.exec.LoadSnapshot(ctx, c, up.ID); err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := f.exec.Start(ctx, c); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f, c, executor.StatusRunning)
	if got, err := f.exec.ModuleHash(ctx, c); err != nil || got != hash {
		t.Fatalf("module hash after restore %q, %v; want %q", got, err, hash)
	}

	checkRestoreInvocations(t, f.invocations()[before:], c, dir, up.ID)

	_, again := backUp(t, f, c)
	if got := treeHashes(t, again); !maps.Equal(got, want) {
		t.Fatalf("the restored canister's backup differs:\n got %v\nwant %v", got, want)
	}
}

// checkRestoreInvocations compares the commands of a restore with the expected command lines.
func checkRestoreInvocations(t *testing.T, got []invocation, c, dir, uploaded string) {
	t.Helper()
	want := [][]string{
		{"canister", "snapshot", "upload", c, "--input", dir, "--json", "-n", "local"},
		{"canister", "snapshot", "list", c, "--json", "-n", "local"},
		{"canister", "stop", c, "-n", "local"},
		{"canister", "snapshot", "restore", c, uploaded, "-n", "local"},
		{"canister", "start", c, "-n", "local"},
		{"canister", "status", c, "--json", "-n", "local"},
		{"canister", "status", c, "--json", "-n", "local"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d invocations, want %d", len(got), len(want))
	}
	for i, inv := range got {
		if !slices.Equal(inv.Args, want[i]) {
			t.Errorf("invocation %d: %q, want %q", i, inv.Args, want[i])
		}
	}
}

// Loading into a running canister is refused by icp itself, permanently; the canister keeps
// running and nothing is loaded.
func TestLoadIntoRunningCanisterIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	c := f.member(5)
	_, dir := backUp(t, f, c)
	up, err := f.exec.UploadSnapshot(ctx, c, dir)
	if err != nil {
		t.Fatal(err)
	}
	err = f.exec.LoadSnapshot(ctx, c, up.ID)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !strings.Contains(err.Error(), "is currently running") || strings.Contains(err.Error(), "backtrace") {
		t.Fatalf("message: %v", err)
	}
	mustStatus(t, f, c, executor.StatusRunning)
}

// An artifact directory whose bytes were changed is refused, permanently, and creates nothing.
func TestUploadOfTamperedDirectoryIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	c := f.member(6)
	backup, dir := backUp(t, f, c)
	path := filepath.Join(dir, "wasm_memory.bin")
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		t.Fatalf("reading %s: %d bytes, %v", path, len(data), err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = f.exec.UploadSnapshot(ctx, c, dir)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !strings.Contains(err.Error(), "wasm_memory.bin bytes differ") {
		t.Fatalf("message does not name the file: %v", err)
	}
	list, lerr := f.exec.ListSnapshots(ctx, c)
	if lerr != nil || len(list) != 1 || list[0].ID != backup.ID {
		t.Fatalf("snapshots after a refused upload: %+v, %v", list, lerr)
	}
}

// A snapshot id the canister does not hold is a permanent failure of the load.
func TestLoadOfUnknownSnapshotIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	c := f.member(7)
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	err := f.exec.LoadSnapshot(ctx, c, testSnapshot)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !strings.Contains(err.Error(), "restore "+c+" "+testSnapshot) || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("message: %v", err)
	}
	mustStatus(t, f, c, executor.StatusStopped)
}

// Arguments the executor would not put on a command line are refused before anything runs.
func TestRestoreInvalidArgumentsRunNothing(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	_, upErr := f.exec.UploadSnapshot(ctx, "--json", t.TempDir())
	_, noDir := f.exec.UploadSnapshot(ctx, f.member(1), "")
	_, hashErr := f.exec.ModuleHash(ctx, "-n")
	for _, err := range []error{upErr, noDir, hashErr,
		f.exec.LoadSnapshot(ctx, f.member(1), "snap-1"), f.exec.LoadSnapshot(ctx, "x", testSnapshot)} {
		mustClass(t, err, executor.ErrPermanent, ErrInvalidArgument)
	}
	if n := len(f.invocations()); n != 0 {
		t.Fatalf("%d commands ran", n)
	}
}

// Output of a successful upload that is not its JSON is a permanent error naming the command.
func TestGarbageUploadOutputIsPermanent(t *testing.T) {
	f := newFleet(t, Config{}, "FAKEICP_GARBAGE=upload")
	c := f.member(8)
	_, dir := backUp(t, f, c)
	_, err := f.exec.UploadSnapshot(context.Background(), c, dir)
	mustClass(t, err, executor.ErrPermanent, ErrBadOutput)
	if !strings.Contains(err.Error(), "snapshot upload "+c) {
		t.Fatalf("message does not name the command: %v", err)
	}
}

// logged is how many commands the fake has run so far.
func (f *fleet) logged() int { return len(f.invocations()) }

// mutate changes a running canister's data in the simulator, as using the fleet does.
func (f *fleet) mutate(c string) {
	f.t.Helper()
	if err := f.sim.Mutate(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
}

// treeHashes maps every regular file under dir (slash-separated relative names) to its SHA-256.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(data)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
