package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Control actions published to fb.runs.control.<run_id>.
const (
	// ActionRetry moves failed operations back to ready and resumes a failed run.
	ActionRetry = "retry"
	// ActionAbort stops dispatching, restarts stopped canisters and leaves the run aborted.
	ActionAbort = "abort"
	// ActionResume proves preflight again (it may have expired), then retries.
	ActionResume = "resume"
)

// ControlMessage is the body of a control message.
type ControlMessage struct {
	Action string `json:"action"`
}

// ErrControlRefused says a control action does not apply to the run as it stands.
var ErrControlRefused = errors.New("control action refused")

// handleControl applies an operator's control action. A subject whose run id is not valid,
// or a body that is not a control message, can never succeed: it is rejected (terminated and
// counted). An action the run's state does not allow is refused, answered, and acknowledged.
func (p *Planner) handleControl(ctx context.Context, runID string, msg jetstream.Msg) error {
	if !bus.RunIDPattern.MatchString(runID) {
		return worker.Reject(fmt.Errorf("control subject %s: invalid run id", msg.Subject()))
	}
	cm, err := decodeControl(msg.Data())
	if err != nil {
		p.reply(msg, Reply{RunID: runID, Error: err.Error(), Refused: true})
		return worker.Reject(fmt.Errorf("control message for run %s: %w", runID, err))
	}
	err = p.control(ctx, runID, cm.Action, redelivered(msg))
	if err != nil && !errors.Is(err, ErrControlRefused) {
		return retryOnErr(err)
	}
	if err != nil {
		p.reply(msg, Reply{RunID: runID, Error: err.Error(), Refused: true})
		if errors.Is(err, errUnknownAction) {
			return worker.Reject(err) // it can never apply: terminated and counted
		}
		p.Env.logger().Warn("control message refused", "run_id", runID, "action", cm.Action, "err", err)
		return nil
	}
	if cur, gerr := p.Env.Store.Runs.Get(ctx, runID); gerr == nil {
		p.reply(msg, replyFor(cur.Value))
	}
	return nil
}

func decodeControl(data []byte) (ControlMessage, error) {
	var cm ControlMessage
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

func (p *Planner) control(ctx context.Context, runID, action string, redelivered bool) error {
	switch action {
	case ActionAbort:
		return p.abort(ctx, runID)
	case ActionRetry:
		return p.retry(ctx, runID, false, redelivered)
	case ActionResume:
		return p.retry(ctx, runID, true, redelivered)
	}
	return fmt.Errorf("%w: %w %q (want retry, abort or resume)", ErrControlRefused, errUnknownAction, action)
}

// errUnknownAction says a control message names no operator action (the planner's internal
// actions, such as contain, are not accepted on control subjects).
var errUnknownAction = errors.New("unknown action")

func redelivered(msg jetstream.Msg) bool {
	md, err := msg.Metadata()
	return err == nil && md.NumDelivered > 1
}

// abort ends a run that is not completed: no more dispatch, every stopped canister restarted.
func (p *Planner) abort(ctx context.Context, runID string) error {
	rec, err := p.Env.applyRun(ctx, runID, runs.Abort{})
	switch {
	case errors.Is(err, kvstore.ErrNotFound):
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	case errors.Is(err, runs.ErrRefused):
		return fmt.Errorf("%w: %v", ErrControlRefused, err)
	case err != nil:
		return err
	}
	if !rec.ContainmentPending() {
		return nil
	}
	return p.Env.requestContainment(ctx, runID)
}
