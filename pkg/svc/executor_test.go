package svc

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/icp"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

func TestExecutorSim(t *testing.T) {
	cfg := mustParse(t, "planner", []string{"--sim-state", t.TempDir()}, nil)
	exec, err := Executor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := exec.(*sim.Sim); !ok {
		t.Fatalf("executor is %T, want *sim.Sim", exec)
	}
}

func TestExecutorRejectedSettingIsConfigError(t *testing.T) {
	cfg := mustParse(t, "planner", []string{"--executor", "icp", "--icp-network", "ic", "--icp-environment", "prod"}, nil)
	_, err := Executor(cfg)
	if !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, icp.ErrNetworkConflict) || ExitCode(err) != 2 {
		t.Fatalf("err = %v, want ErrInvalidConfig and icp.ErrNetworkConflict", err)
	}
	cfg = mustParse(t, "planner", []string{"--sim-state", t.TempDir(), "--sim-artifact-bytes", "-1"}, nil)
	if _, err := Executor(cfg); !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, sim.ErrInvalidConfig) {
		t.Fatalf("err = %v, want ErrInvalidConfig and sim.ErrInvalidConfig", err)
	}
}
