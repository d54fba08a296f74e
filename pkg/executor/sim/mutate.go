package sim

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Mutate changes a running canister's data, as using the fleet does: its next snapshot captures
// other bytes, and Content reports another id. The change is deterministic (the same content
// mutates to the same content), keeps the module and the memory size, and is logged as call kind
// "mutate" (no latency, no fault). A stopping or stopped canister takes no updates, as on the IC:
// it is refused with a permanent ErrCanisterNotRunning.
func (s *Sim) Mutate(ctx context.Context, canister string) error {
	rec := &record{call: KindMutate, canister: canister}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, _ time.Time) error {
			if rec.before != executor.StatusRunning {
				return permanent(rec, ErrCanisterNotRunning,
					"canister %s is %s; only a running canister takes updates", canister, rec.before)
			}
			c := st.current(s.member(canister)).mutated()
			st.Content = &c
			return nil
		})
	})
}

// MutateAll mutates canisters of the fleet in an existing state directory, one after another,
// through a Sim of its own: the fleet used between a backup and a restore, for tests and demos
// that hold no Sim. It stops at the first failure.
func MutateAll(stateDir string, canisters []string) error {
	if _, err := os.Stat(filepath.Join(stateDir, fleetFileName)); err != nil {
		return err
	}
	s, err := New(Config{StateDir: stateDir})
	if err != nil {
		return err
	}
	for _, c := range canisters {
		if err := s.Mutate(context.Background(), c); err != nil {
			return err
		}
	}
	return nil
}
