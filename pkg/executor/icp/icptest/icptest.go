// Package icptest builds the fake `icp` program (package icp's internal/fakeicp) for tests that
// run the icp executor end to end against a simulated fleet.
//
//	bin := icptest.Fake(t)
//	exec, _ := icp.New(icp.Config{Binary: bin, Env: icptest.Env(sim.Config{StateDir: dir})})
package icptest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// FakePackage is the import path of the fake icp program.
const FakePackage = "github.com/fleetbackup/fleetbackup/pkg/executor/icp/internal/fakeicp"

// Build compiles the fake icp into dir (with `go build`, so the build cache makes repeats cheap)
// and returns the path of the binary.
func Build(dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the fake icp: %w", err)
	}
	bin := filepath.Join(dir, "icp")
	out, err := exec.Command(goBin, "build", "-o", bin, FakePackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the fake icp: %v\n%s", err, out)
	}
	return bin, nil
}

// Fake compiles the fake icp into tb.TempDir() and returns its path, failing tb on error.
func Fake(tb testing.TB) string {
	tb.Helper()
	bin, err := Build(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// Env is the environment that backs the fake icp with the simulated fleet cfg describes (state
// directory, fleet file, artifact bytes, latencies, snapshot limit), for icp.Config.Env. Every
// process opening the state directory must agree on these. extra adds fake knobs such as
// "FAKEICP_GARBAGE=status".
func Env(cfg sim.Config, extra ...string) []string {
	env := []string{"FAKEICP_SIM_STATE=" + cfg.StateDir}
	if cfg.FleetFile != "" {
		env = append(env, "FAKEICP_SIM_FLEET="+cfg.FleetFile)
	}
	if cfg.ArtifactBytes != 0 {
		env = append(env, "FAKEICP_SIM_ARTIFACT_BYTES="+strconv.FormatInt(cfg.ArtifactBytes, 10))
	}
	if len(cfg.Latency) > 0 {
		env = append(env, "FAKEICP_SIM_LATENCY="+sim.FormatLatency(cfg.Latency))
	}
	if cfg.MaxSnapshots != 0 {
		env = append(env, "FAKEICP_SIM_MAX_SNAPSHOTS="+strconv.Itoa(cfg.MaxSnapshots))
	}
	return append(env, extra...)
}
