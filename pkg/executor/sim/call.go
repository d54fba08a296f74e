package sim

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// record is one call on its way to the history.
type record struct {
	call, canister, snapshotID string
	replaced                   string // the snapshot a replacing create deleted
	before                     executor.Status
	lost                       bool // an injected lost reply: take effect, then report a timeout
	logged                     bool
}

// run applies an injected fault, if one matches, or else runs body, and makes sure the call is
// logged once. Bodies that change a canister log under its lock (see mutate).
func (s *Sim) run(ctx context.Context, rec *record, body func() error) error {
	if err := ctx.Err(); err != nil {
		return s.logged(rec, interrupted(rec, err))
	}
	fault, err := takeFault(s.dir, rec.call, rec.canister)
	if err != nil {
		return s.logged(rec, hostError(rec, err))
	}
	if fault != nil && fault.Mode != ModeLostReply {
		return s.logged(rec, faultError(ctx, rec, fault))
	}
	rec.lost = fault != nil
	err = body()
	if !rec.logged {
		err = s.logged(rec, err)
	}
	if err == nil && rec.lost {
		return transient(rec, ErrReplyLost, "timed out waiting for the reply (%s)", faultMessage(fault, "injected lost reply"))
	}
	return err
}

func faultError(ctx context.Context, rec *record, f *Fault) error {
	switch f.Mode {
	case ModeTransient:
		return transient(rec, ErrInjected, "%s", faultMessage(f, "replica busy (injected)"))
	case ModePermanent:
		return permanent(rec, ErrInjected, "%s", faultMessage(f, "call rejected (injected)"))
	default: // ModeHang
		<-ctx.Done()
		return interrupted(rec, ctx.Err())
	}
}

func faultMessage(f *Fault, fallback string) string {
	if f.Message != "" {
		return f.Message
	}
	return fallback
}

// logged appends the call's outcome to the history and returns err, or the history's own
// failure when the call succeeded.
func (s *Sim) logged(rec *record, err error) error {
	rec.logged = true
	if herr := appendHistory(s.dir, rec, err); herr != nil && err == nil {
		return hostError(rec, herr)
	}
	return err
}

// mutate applies fn to a canister's state under its lock and saves it. rec.before is the status
// the call found. The call is logged before unlocking, so the history orders the changes of one
// canister exactly; with logSuccess false only a failure is logged (the call goes on).
func (s *Sim) mutate(rec *record, logSuccess bool, fn func(st *canisterState, now time.Time) error) error {
	sf, err := s.lockCanister(rec.canister)
	if err != nil {
		return s.logged(rec, hostError(rec, err))
	}
	defer sf.close()
	st, err := sf.load()
	if err != nil {
		return s.logged(rec, hostError(rec, err))
	}
	now := time.Now()
	if rec.before == "" {
		rec.before = st.effective(now)
	}
	st.settle(now)
	if err := fn(st, now); err != nil {
		return s.logged(rec, err)
	}
	if err := sf.store(st); err != nil {
		return s.logged(rec, hostError(rec, err))
	}
	if logSuccess {
		return s.logged(rec, nil)
	}
	return nil
}

// pause waits the configured latency of a call kind.
func (s *Sim) pause(ctx context.Context, rec *record, kind string) error {
	return sleep(ctx, rec, s.cfg.Latency[kind])
}

// sleep waits d, or fails as soon as ctx ends.
func sleep(ctx context.Context, rec *record, d time.Duration) error {
	if d <= 0 {
		if err := ctx.Err(); err != nil {
			return interrupted(rec, err)
		}
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return interrupted(rec, ctx.Err())
	case <-t.C:
		return nil
	}
}
