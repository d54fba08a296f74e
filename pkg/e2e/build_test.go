package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var services = []string{"planner", "snapshotter", "downloader", "verifier", "finalizer"}

var (
	buildOnce sync.Once
	binaries  map[string]string
	buildErr  error
)

// serviceBinaries builds the five service binaries once per test binary. A test is skipped,
// with the reason, when they cannot be built (no go toolchain, no workspace).
func serviceBinaries(t *testing.T) map[string]string {
	t.Helper()
	buildOnce.Do(func() { binaries, buildErr = buildServices() })
	if buildErr != nil {
		t.Skipf("end-to-end test skipped: service binaries cannot be built here: %v", buildErr)
	}
	return binaries
}

func buildServices() (map[string]string, error) {
	root, err := workspaceRoot()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fleetbackup-bin-")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range services {
		bin := filepath.Join(dir, s)
		cmd := exec.Command("go", "build", "-o", bin, "./services/"+s)
		cmd.Dir = root
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build ./services/%s: %v\n%s", s, err, msg)
		}
		out[s] = bin
	}
	return out, nil
}

// workspaceRoot finds the directory holding go.work above the working directory.
func workspaceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the test's directory")
		}
		dir = parent
	}
}
