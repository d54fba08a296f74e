package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// The planner's own actions, on fb.runs.internal.<run_id>: they are not part of the operator's
// control contract, and each one only acts where the run record says it is due, so a stranger
// sending one changes nothing.
const (
	// internalContain restarts what a failed or aborted run stopped.
	internalContain = "contain"
	// internalAdmit tries again to lock the canisters of a queued run.
	internalAdmit = "admit"
)

// queuedPoll is how long a queued run waits before it tries its locks again (at least:
// the message fate policy backs off further with every delivery).
const queuedPoll = time.Second

// admitRefreshAt is the delivery at which a queued run's admit message is replaced by a fresh
// one: well before the consumer gives a message up, and before hand-backs are logged as
// warnings (a queued run may wait for hours; that is not a problem to warn about).
const admitRefreshAt = 50

type internalMessage struct {
	Action string `json:"action"`
}

// sendInternal publishes an internal action for a run; msgID, when set, de-duplicates it.
func (e *Env) sendInternal(ctx context.Context, runID, action, msgID string) error {
	body, _ := json.Marshal(internalMessage{Action: action})
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	_, err := e.Store.JS.Publish(ctx, e.Store.Names.InternalSubject(runID), body, opts...)
	return err
}

// requestContainment asks the planner to restart the run's stopped canisters.
func (e *Env) requestContainment(ctx context.Context, runID string) error {
	return e.sendInternal(ctx, runID, internalContain, "")
}

func (p *Planner) handleInternal(ctx context.Context, runID string, msg jetstream.Msg) error {
	if !bus.RunIDPattern.MatchString(runID) {
		return worker.Reject(fmt.Errorf("internal subject %s: invalid run id", msg.Subject()))
	}
	var im internalMessage
	dec := json.NewDecoder(bytes.NewReader(msg.Data()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&im); err != nil {
		return worker.Reject(fmt.Errorf("malformed internal message for run %s: %w", runID, err))
	}
	switch im.Action {
	case internalContain:
		return p.contain(ctx, runID)
	case internalAdmit:
		return p.admitQueued(ctx, runID, msg)
	}
	return worker.Reject(fmt.Errorf("unknown internal action %q for run %s", im.Action, runID))
}

// admitQueued tries to lock a queued run's canisters again. While they are held, the message
// comes back later; before it would run out of deliveries, a fresh one takes its place.
func (p *Planner) admitQueued(ctx context.Context, runID string, msg jetstream.Msg) error {
	cur, err := p.Env.Store.Runs.Get(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return worker.Reject(fmt.Errorf("admission of run %s: %w", runID, err))
	}
	if err != nil {
		return retryLater(err)
	}
	if cur.Value.State != RunQueued {
		return nil
	}
	bp, err := p.Env.Store.LoadPlan(ctx, runID)
	if err != nil {
		return retryLater(err)
	}
	run, err := p.admit(ctx, runID, bp)
	if err != nil {
		return retryOnErr(err)
	}
	if run.State != RunQueued {
		return nil
	}
	if md, err := msg.Metadata(); err == nil && md.NumDelivered >= min(admitRefreshAt, p.Env.maxDeliver()-1) {
		return retryOnErr(p.Env.sendInternal(ctx, runID, internalAdmit, fmt.Sprintf("%s.admit.%d", runID, run.LockEpoch)))
	}
	return &worker.Retry{Delay: queuedPoll, Err: fmt.Errorf("run %s waits for run %s", runID, run.WaitingFor)}
}
