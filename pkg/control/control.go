// Package control applies an operator's control actions to a run: retry (failed operations
// back to ready, the run reopened, its canisters locked again, ready operations republished),
// resume (preflight proven again first), and abort (containment restarts what the run
// stopped). Every change goes through the run state machine, which refuses what the run's
// state does not allow.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Controller handles the messages of fb.runs.control.<run_id>.
type Controller struct {
	Env *runenv.Env
}

// ErrControlRefused says a control action does not apply to the run as it stands.
var ErrControlRefused = errors.New("control action refused")

// Handle applies an operator's control action. A subject whose run id is not valid,
// or a body that is not a control message, can never succeed: it is rejected (terminated and
// counted). An action the run's state does not allow is refused, answered, and acknowledged.
func (p *Controller) Handle(ctx context.Context, runID string, msg jetstream.Msg) error {
	if !runs.IDPattern.MatchString(runID) {
		return worker.Reject(fmt.Errorf("control subject %s: invalid run id", msg.Subject()))
	}
	cm, err := decodeControl(msg.Data())
	if err != nil {
		reply.Send(p.Env.Store.JS.Conn(), msg, reply.Reply{RunID: runID, Error: err.Error(), Refused: true})
		return worker.Reject(fmt.Errorf("control message for run %s: %w", runID, err))
	}
	err = p.control(ctx, runID, cm, worker.Redelivered(msg))
	if err != nil && !errors.Is(err, ErrControlRefused) {
		return worker.Later(err)
	}
	if err != nil {
		reply.Send(p.Env.Store.JS.Conn(), msg, reply.Reply{RunID: runID, Error: err.Error(), Refused: true})
		if errors.Is(err, errUnknownAction) {
			return worker.Reject(err) // it can never apply: terminated and counted
		}
		p.Env.Logger().Warn("control message refused", "run_id", runID, "action", cm.Action, "err", err)
		return nil
	}
	if cur, gerr := p.Env.Store.Run(ctx, runID); gerr == nil {
		reply.Send(p.Env.Store.JS.Conn(), msg, reply.For(cur))
	}
	return nil
}

func decodeControl(data []byte) (runs.ControlMessage, error) {
	var cm runs.ControlMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cm); err != nil {
		return cm, fmt.Errorf("malformed control message: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return cm, errors.New("malformed control message: trailing data")
	}
	return cm, nil
}

func (p *Controller) control(ctx context.Context, runID string, cm runs.ControlMessage, redelivered bool) error {
	action := cm.Action
	switch action {
	case runs.ActionAbort:
		return p.abort(ctx, runID, cm.Force)
	case runs.ActionRetry:
		return p.retry(ctx, runID, false, redelivered)
	case runs.ActionResume:
		return p.retry(ctx, runID, true, redelivered)
	}
	return fmt.Errorf("%w: %w %q (want retry, abort or resume)", ErrControlRefused, errUnknownAction, action)
}

// errUnknownAction says a control message names no operator action (the planner's internal
// actions, such as contain, are not accepted on control subjects).
var errUnknownAction = errors.New("unknown action")

// abort ends a run that is not completed: no more dispatch, every stopped canister restarted.
func (p *Controller) abort(ctx context.Context, runID string, force bool) error {
	rec, err := p.Env.Apply(ctx, runID, runs.Abort{Force: force})
	switch {
	case errors.Is(err, runstore.ErrNotFound):
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	case errors.Is(err, runs.ErrRefused):
		return fmt.Errorf("%w: %v", ErrControlRefused, err)
	case err != nil:
		return err
	}
	if !rec.ContainmentPending() {
		return nil
	}
	return p.Env.RequestContainment(ctx, runID)
}
