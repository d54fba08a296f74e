package sim

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Status reads a canister's lifecycle status.
func (s *Sim) Status(ctx context.Context, canister string) (executor.Status, error) {
	var status executor.Status
	err := s.read(ctx, &record{call: KindStatus, canister: canister}, func(st *canisterState) {
		status = st.effective(time.Now())
	})
	return status, err
}

// read runs a read-only call of kind rec.call on a canister: it must be known, the call takes
// the status latency, and use sees the canister's state (the call's history records its status).
func (s *Sim) read(ctx context.Context, rec *record, use func(*canisterState)) error {
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindStatus); err != nil {
			return err
		}
		st, err := readState(s.canisterPath(rec.canister))
		if err != nil {
			return hostError(rec, err)
		}
		rec.before = st.effective(time.Now())
		use(st)
		return nil
	})
}

// Stop stops a canister and returns once it is stopped. A running canister is stopping for the
// stop latency, then stopped; stopping a stopping canister waits with it; stopping a stopped
// one does nothing. When ctx ends first, the canister still becomes stopped on time, as on the IC.
func (s *Sim) Stop(ctx context.Context, canister string) error {
	rec := &record{call: KindStop, canister: canister}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		var until int64
		err := s.mutate(rec, false, func(st *canisterState, now time.Time) error {
			if st.Status == executor.StatusRunning {
				st.Status = executor.StatusStopping
				st.StoppedAtNanos = now.Add(s.cfg.Latency[KindStop]).UnixNano()
				st.settle(now)
			}
			if st.Status == executor.StatusStopping {
				until = st.StoppedAtNanos
			}
			return nil
		})
		if err != nil || until == 0 {
			return err
		}
		if err := sleep(ctx, rec, time.Until(time.Unix(0, until))); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, now time.Time) error {
			return s.finishStop(rec, st, until)
		})
	})
}

// finishStop records the end of a stop whose wait is over; a start in the meantime wins.
func (s *Sim) finishStop(rec *record, st *canisterState, until int64) error {
	if st.Status == executor.StatusStopping && st.StoppedAtNanos <= until {
		st.Status, st.StoppedAtNanos = executor.StatusStopped, 0
	}
	if st.Status != executor.StatusStopped {
		return transient(rec, ErrStartedWhileStopping, "canister %s was started before it stopped", rec.canister)
	}
	return nil
}

// Start starts a canister (running, stopping or stopped); starting a running canister does nothing.
func (s *Sim) Start(ctx context.Context, canister string) error {
	rec := &record{call: KindStart, canister: canister}
	return s.run(ctx, rec, func() error {
		if err := s.known(rec); err != nil {
			return err
		}
		if err := s.pause(ctx, rec, KindStart); err != nil {
			return err
		}
		return s.mutate(rec, true, func(st *canisterState, _ time.Time) error {
			st.Status, st.StoppedAtNanos = executor.StatusRunning, 0
			return nil
		})
	})
}
