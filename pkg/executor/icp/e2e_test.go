package icp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// The executor drives a whole backup of one canister through the fake icp: registry (Candid
// through the --json envelope), status, stop, snapshot of the stopped canister, list, download,
// resumed download, start.
func TestEndToEnd(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	root, c := f.sim.Root(), f.member(4)

	got, err := f.exec.Registry(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.sim.Registry(ctx, root)
	sameJSON(t, got, want)
	if entries, err := registry.Parse(got); err != nil || len(entries) != 12 {
		t.Fatalf("registry.Parse: %d entries, %v", len(entries), err)
	}

	mustStatus(t, f, c, executor.StatusRunning)
	if err := f.exec.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f, c, executor.StatusStopped)
	snap, err := f.exec.CreateSnapshot(ctx, c)
	if err != nil || snap.ID == "" || snap.TotalSizeBytes != 3<<20 || snap.TakenAtNanos == 0 {
		t.Fatalf("snapshot %+v, %v", snap, err)
	}
	list, err := f.exec.ListSnapshots(ctx, c)
	if err != nil || !reflect.DeepEqual(list, []executor.Snapshot{snap}) {
		t.Fatalf("list %+v, %v", list, err)
	}

	dir := t.TempDir()
	if err := f.exec.DownloadSnapshot(ctx, c, snap.ID, dir, false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"metadata.json", "wasm_module.bin", "wasm_memory.bin", "stable_memory.bin", "wasm_chunk_store"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("download lacks %s: %v", name, err)
		}
	}
	err = f.exec.DownloadSnapshot(ctx, c, snap.ID, dir, false)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if err := f.exec.DownloadSnapshot(ctx, c, snap.ID, dir, true); err != nil {
		t.Fatalf("resumed download: %v", err)
	}
	if err := f.exec.Start(ctx, c); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f, c, executor.StatusRunning)

	checkInvocations(t, f, root, c, snap.ID, dir)
}

// checkInvocations compares what the fake saw with the accepted command lines.
func checkInvocations(t *testing.T, f *fleet, root, c, snapID, dir string) {
	want := [][]string{
		{"canister", "call", root, "canic_subnet_registry", "()", "--query", "--json", "-n", "local"},
		{"canister", "status", c, "--json", "-n", "local"},
		{"canister", "stop", c, "-n", "local"},
		{"canister", "status", c, "--json", "-n", "local"},
		{"canister", "snapshot", "create", c, "--json", "-n", "local"},
		{"canister", "snapshot", "list", c, "--json", "-n", "local"},
		{"canister", "snapshot", "download", c, snapID, "--output", dir, "-n", "local"},
		{"canister", "snapshot", "download", c, snapID, "--output", dir, "-n", "local"},
		{"canister", "snapshot", "download", c, snapID, "--output", dir, "--resume", "-n", "local"},
		{"canister", "start", c, "-n", "local"},
		{"canister", "status", c, "--json", "-n", "local"},
	}
	got := f.invocations()
	if len(got) != len(want) {
		t.Fatalf("%d invocations, want %d", len(got), len(want))
	}
	for i, inv := range got {
		if !slices.Equal(inv.Args, want[i]) {
			t.Errorf("invocation %d: %q, want %q", i, inv.Args, want[i])
		}
		if inv.DoNotTrack != "1" || inv.Pgid != inv.Pid {
			t.Errorf("invocation %d: DO_NOT_TRACK=%q, pgid %d for pid %d (want its own group)", i, inv.DoNotTrack, inv.Pgid, inv.Pid)
		}
	}
}

func TestCreateSnapshotOfRunningCanisterIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	_, err := f.exec.CreateSnapshot(context.Background(), f.member(2))
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	if !strings.Contains(err.Error(), "stopped") || strings.Contains(err.Error(), "backtrace") {
		t.Fatalf("message: %v", err)
	}
}

func TestUnknownCanisterIsPermanent(t *testing.T) {
	f := newFleet(t, Config{})
	err := f.exec.Stop(context.Background(), "aaaaa-aa")
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
	_, err = f.exec.Registry(context.Background(), f.member(1))
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
}

// -e with the project root as working directory; identity flags come last.
func TestEnvironmentAndIdentity(t *testing.T) {
	project := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "icp.yaml"), []byte("canisters: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ICP_NETWORK", "ic") // would conflict with -e; the executor drops it
	f := newFleet(t, Config{Environment: "staging", ProjectRoot: project, Identity: "ops", IdentityPasswordFile: pw})
	c := f.member(3)
	mustStatus(t, f, c, executor.StatusRunning)
	inv := f.invocations()[0]
	want := []string{"canister", "status", c, "--json", "-e", "staging", "--identity", "ops", "--identity-password-file", pw}
	if !slices.Equal(inv.Args, want) || inv.Cwd != project || inv.ICPNetwork != "" {
		t.Fatalf("invocation %+v", inv)
	}

	outside := newFleet(t, Config{Environment: "staging"})
	_, err := outside.exec.Status(context.Background(), c)
	mustClass(t, err, executor.ErrPermanent, ErrCommandFailed)
}

func TestMissingBinaryIsPermanent(t *testing.T) {
	e, err := New(Config{Binary: filepath.Join(t.TempDir(), "no-icp")})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Stop(context.Background(), testCanister)
	mustClass(t, err, executor.ErrPermanent, ErrNotStarted)
}

func TestInvalidArgumentsRunNothing(t *testing.T) {
	f := newFleet(t, Config{})
	ctx := context.Background()
	errs := []error{
		f.exec.Stop(ctx, "--help"),
		f.exec.DownloadSnapshot(ctx, f.member(1), "-x", t.TempDir(), false),
		f.exec.DownloadSnapshot(ctx, f.member(1), "ab", "", false),
	}
	_, err := f.exec.Registry(ctx, "root")
	errs = append(errs, err)
	for _, err := range errs {
		mustClass(t, err, executor.ErrPermanent, ErrInvalidArgument)
	}
	if n := len(f.invocations()); n != 0 {
		t.Fatalf("%d commands ran", n)
	}
}

func mustStatus(t *testing.T, f *fleet, c string, want executor.Status) {
	t.Helper()
	got, err := f.exec.Status(context.Background(), c)
	if err != nil || got != want {
		t.Fatalf("status of %s: %q %v, want %q", c, got, err, want)
	}
}

// mustClass checks an error's executor class and cause, and that it is an icp *executor.Error.
func mustClass(t *testing.T, err error, class, cause error) {
	t.Helper()
	var ce *CommandError
	if !errors.As(err, &ce) || !errors.Is(err, class) || !errors.Is(err, cause) {
		t.Fatalf("want %v and %v, got %T %v", class, cause, err, err)
	}
	if ce.Exec.Status != "icp" {
		t.Fatalf("status %q", ce.Exec.Status)
	}
}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal(want, &w) != nil || !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON differs\n got %s\nwant %s", got, want)
	}
}
