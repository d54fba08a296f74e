package admission

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// queuedPoll is how long a queued run waits before it tries its locks again (at least:
// the message fate policy backs off further with every delivery).
const queuedPoll = time.Second

// admitRefreshAt is the delivery at which a queued run's admit message is replaced by a fresh
// one: well before the consumer gives a message up, and before hand-backs are logged as
// warnings (a queued run may wait for hours; that is not a problem to warn about).
const admitRefreshAt = 50

// HandleAdmit tries to lock a queued run's canisters again. While they are held, the message
// comes back later; before it would run out of deliveries, a fresh one takes its place.
func (p *Admitter) HandleAdmit(ctx context.Context, runID string, msg jetstream.Msg) error {
	cur, err := p.Env.Store.Run(ctx, runID)
	if errors.Is(err, runstore.ErrNotFound) {
		return worker.Reject(fmt.Errorf("admission of run %s: %w", runID, err))
	}
	if err != nil {
		return worker.Later(err)
	}
	if cur.State != runs.Queued {
		return nil
	}
	rp, err := p.Env.Store.LoadRunPlan(ctx, runID, cur.Order)
	if err != nil {
		return worker.Later(err)
	}
	run, err := p.admit(ctx, runID, rp)
	if err != nil {
		return worker.Later(err)
	}
	if run.State != runs.Queued {
		return nil
	}
	if md, err := msg.Metadata(); err == nil && md.NumDelivered >= min(admitRefreshAt, p.Env.MaxDeliveries()-1) {
		return worker.Later(p.Env.SendInternal(ctx, runID, runenv.InternalAdmit, fmt.Sprintf("%s.admit.%d", runID, run.LockEpoch)))
	}
	return &worker.Retry{Delay: queuedPoll, Err: fmt.Errorf("run %s waits for run %s", runID, run.WaitingFor)}
}
