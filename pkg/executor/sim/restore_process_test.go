package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const restoreHelperEnv = "FLEETBACKUP_SIM_RESTORE_HELPER"

type restoreHelperArgs struct {
	State, Canister, Dir, Out string
}

// TestRestoreHelperProcess is the child process of TestRestoreAcrossProcesses: it mutates the
// canister, then uploads the artifact and writes the new snapshot's id to Out.
func TestRestoreHelperProcess(t *testing.T) {
	raw := os.Getenv(restoreHelperEnv)
	if raw == "" {
		t.Skip("runs only as the helper process of TestRestoreAcrossProcesses")
	}
	var a restoreHelperArgs
	mustOK(t, json.Unmarshal([]byte(raw), &a))
	mustOK(t, MutateAll(a.State, []string{a.Canister}))
	s := newSim(t, a.State, Config{})
	snap, err := s.UploadSnapshot(context.Background(), a.Canister, a.Dir)
	mustOK(t, err)
	mustOK(t, os.WriteFile(a.Out, []byte(snap.ID), 0o644))
}

// Content, uploads and loads live in the state directory: another process mutates and uploads,
// this one loads, and the canister's content and next backup are the original's.
func TestRestoreAcrossProcesses(t *testing.T) {
	s := newSim(t, "", Config{})
	original := contentOf(t, s, sampleHub)
	_, dir := backUp(t, s, sampleHub)
	out := filepath.Join(t.TempDir(), "snapshot-id")
	args, _ := json.Marshal(restoreHelperArgs{State: s.StateDir(), Canister: sampleHub, Dir: dir, Out: out})
	exe, err := os.Executable()
	mustOK(t, err)
	cmd := exec.Command(exe, "-test.run=^TestRestoreHelperProcess$")
	cmd.Env = append(os.Environ(), restoreHelperEnv+"="+string(args))
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helper: %v\n%s", err, stderr.String())
	}
	id, err := os.ReadFile(out)
	mustOK(t, err)
	if contentOf(t, s, sampleHub) == original {
		t.Fatal("the other process's mutation is not seen")
	}
	ctx := context.Background()
	mustOK(t, s.Stop(ctx, sampleHub))
	mustOK(t, s.LoadSnapshot(ctx, sampleHub, string(id)))
	mustOK(t, s.Start(ctx, sampleHub))
	if contentOf(t, s, sampleHub) != original {
		t.Fatal("load did not restore the content")
	}
	_, again := backUp(t, s, sampleHub)
	if !maps.Equal(checksums(t, dir), checksums(t, again)) {
		t.Fatal("the backup after the restore differs")
	}
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	procs := map[string]int{}
	for _, c := range calls {
		if c.Call == KindMutate || c.Call == KindUpload {
			procs[c.Call] = c.Process
		}
	}
	if procs[KindMutate] == os.Getpid() || procs[KindUpload] != procs[KindMutate] {
		t.Fatalf("history processes %v", procs)
	}
}
