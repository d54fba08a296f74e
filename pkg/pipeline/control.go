package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
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

func (p *Planner) handleControl(ctx context.Context, runID string, msg jetstream.Msg) error {
	var cm ControlMessage
	if err := json.Unmarshal(msg.Data(), &cm); err != nil {
		p.reply(msg, Reply{RunID: runID, Error: "malformed control message: " + err.Error(), Refused: true})
		return nil
	}
	var err error
	switch cm.Action {
	case actionContain:
		return p.contain(ctx, runID)
	case ActionAbort:
		err = p.abort(ctx, runID)
	case ActionRetry:
		err = p.retry(ctx, runID, false, redelivered(msg))
	case ActionResume:
		err = p.retry(ctx, runID, true, redelivered(msg))
	default:
		err = fmt.Errorf("%w: unknown action %q (want retry, abort or resume)", ErrControlRefused, cm.Action)
	}
	if err != nil && !errors.Is(err, ErrControlRefused) {
		return retryOnErr(err)
	}
	if err != nil {
		p.Env.logger().Warn("control message refused", "run_id", runID, "action", cm.Action, "err", err)
		p.reply(msg, Reply{RunID: runID, Error: err.Error(), Refused: true})
		return nil
	}
	if cur, gerr := p.Env.Store.Runs.Get(ctx, runID); gerr == nil {
		p.reply(msg, replyFor(cur.Value))
	}
	return nil
}

func redelivered(msg jetstream.Msg) bool {
	md, err := msg.Metadata()
	return err == nil && md.NumDelivered > 1
}

// abort ends a run that is not completed: no more dispatch, every stopped canister restarted.
func (p *Planner) abort(ctx context.Context, runID string) error {
	_, err := p.Env.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		switch r.State {
		case RunCompleted, RunRejected, RunAborted:
			return fmt.Errorf("%w: run %s is %s", ErrControlRefused, runID, r.State)
		}
		msg := "aborted by operator"
		if r.Error != nil {
			msg += " (after: " + *r.Error + ")"
		}
		r.State, r.Error = RunAborted, &msg
		if r.Containment == nil || r.Containment.State != ContainDone {
			r.Containment = &Containment{State: ContainPending}
		}
		r.UpdatedAt = p.Env.rfc3339()
		return nil
	})
	if errors.Is(err, kvstore.ErrNotFound) {
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	}
	if err != nil {
		return err
	}
	return p.Env.requestContainment(ctx, runID)
}
