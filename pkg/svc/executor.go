package svc

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/icp"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// Executor builds the executor cfg names: the simulated fleet (sharing cfg.Sim.StateDir with
// every other service) or the icp command-line tool. A setting the executor rejects (an icp
// network together with an environment, say) is an ErrInvalidConfig as well as the
// executor's own error.
func Executor(cfg *Config) (executor.Executor, error) {
	switch cfg.Executor {
	case ExecutorSim:
		var simCfg sim.Config
		if cfg.Sim != nil {
			simCfg = *cfg.Sim
		}
		s, err := sim.New(simCfg)
		if err != nil {
			return nil, executorError("sim", err, errors.As(err, new(*sim.ConfigError)))
		}
		return s, nil
	case ExecutorICP:
		e, err := icp.New(cfg.ICP.executorConfig())
		if err != nil {
			return nil, executorError("icp", err, errors.As(err, new(*icp.ConfigError)))
		}
		return e, nil
	}
	return nil, invalid("executor", cfg.Executor, "want sim or icp")
}

func executorError(kind string, err error, isConfig bool) error {
	if isConfig {
		return fmt.Errorf("starting %s executor: %w: %w", kind, ErrInvalidConfig, err)
	}
	return fmt.Errorf("starting %s executor: %w", kind, err)
}

func (c ICPConfig) executorConfig() icp.Config {
	return icp.Config{
		Binary:               c.Binary,
		Network:              c.Network,
		RootKey:              c.RootKey,
		Environment:          c.Environment,
		ProjectRoot:          c.ProjectRoot,
		Identity:             c.Identity,
		IdentityPasswordFile: c.IdentityPasswordFile,
		Timeout:              c.Timeout,
	}
}
