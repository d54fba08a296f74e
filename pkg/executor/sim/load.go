package sim

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// LoadSnapshot replaces a stopped canister's content (data and module) with the content one of
// its snapshots captured, as `icp canister snapshot restore` does. A running or stopping canister
// is refused with a permanent ErrCanisterNotStopped, as on the IC; a snapshot the canister does
// not hold with a permanent ErrSnapshotNotFound. Loading leaves the canister stopped.
func (s *Sim) LoadSnapshot(ctx context.Context, canister, snapshotID string) error {
	rec := &record{call: KindLoad, canister: canister, snapshotID: snapshotID}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindLoad); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, _ time.Time) error {
			if rec.before != executor.StatusStopped {
				return permanent(rec, ErrCanisterNotStopped,
					"canister %s is %s; a snapshot can only be loaded into a stopped canister", canister, rec.before)
			}
			snap, err := lookupSnapshot(rec, st)
			if err != nil {
				return err
			}
			c := snap.Content
			st.Content = &c
			return nil
		})
	})
}

// ModuleHash returns the hash of a canister's module in lower-case hex ("" when its registry
// record declares none): the registry's module until a load installs a snapshot's. It takes the
// status latency and is logged, and faulted, as call kind "module".
func (s *Sim) ModuleHash(ctx context.Context, canister string) (string, error) {
	var hash string
	err := s.read(ctx, &record{call: KindModule, canister: canister}, func(st *canisterState) {
		hash = st.current(s.member(canister)).Module
	})
	return hash, err
}
