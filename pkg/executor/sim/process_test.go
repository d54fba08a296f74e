package sim

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const helperEnv = "FLEETBACKUP_SIM_DOWNLOAD_HELPER"

type helperArgs struct {
	State, Canister, Snapshot, Dir string
}

// TestDownloadHelperProcess is the child process of TestDownloadKilledProcess: it downloads
// until the third file has begun, then waits to be killed.
func TestDownloadHelperProcess(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("runs only as the helper process of TestDownloadKilledProcess")
	}
	var a helperArgs
	mustOK(t, json.Unmarshal([]byte(raw), &a))
	s := newSim(t, a.State, Config{})
	s.afterStep = func(p progress) {
		if p.File == 2 {
			<-time.After(time.Minute) // wait here to be killed
		}
	}
	mustOK(t, s.DownloadSnapshot(context.Background(), a.Canister, a.Snapshot, a.Dir, false))
	t.Fatal("helper download was not killed")
}

// A download process killed mid-file leaves its progress; another process resumes the download
// (the dead process's lock went with it) and ends with the same bytes as a whole download.
func TestDownloadKilledProcess(t *testing.T) {
	s := newSim(t, "", Config{ArtifactBytes: 5_000_000})
	snap := stopAndSnapshot(t, s, sampleHub)
	want := readTree(t, download(t, s, sampleHub, snap.ID))
	dir := t.TempDir()
	args, _ := json.Marshal(helperArgs{State: s.StateDir(), Canister: sampleHub, Snapshot: snap.ID, Dir: dir})
	exe, err := os.Executable()
	mustOK(t, err)
	cmd := exec.Command(exe, "-test.run=^TestDownloadHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(args))
	mustOK(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "the helper to reach the third file", func() bool {
		data, err := os.ReadFile(filepath.Join(dir, progressName))
		var p progress
		return err == nil && json.Unmarshal(data, &p) == nil && p.File == 2 && p.Offset > 0
	})
	mustOK(t, cmd.Process.Kill())
	cmd.Wait()
	mustErr(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, false), ErrSnapshotFilesExist)
	mustOK(t, s.DownloadSnapshot(context.Background(), sampleHub, snap.ID, dir, true))
	if !maps.Equal(want, readTree(t, dir)) {
		t.Fatal("resumed download differs from a whole one")
	}
}
