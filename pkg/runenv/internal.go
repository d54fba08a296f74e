package runenv

import (
	"context"
	"encoding/json"

	"github.com/nats-io/nats.go/jetstream"
)

// The planner's own actions, on fb.runs.internal.<run_id>: not part of the operator's
// control contract, and each one only acts where the run record says it is due, so a
// stranger sending one changes nothing.
const (
	// InternalContain restarts what a failed or aborted run stopped.
	InternalContain = "contain"
	// InternalAdmit tries again to lock the canisters of a queued run.
	InternalAdmit = "admit"
)

// InternalMessage is the body of an internal message.
type InternalMessage struct {
	Action string `json:"action"`
}

// SendInternal publishes an internal action for a run; msgID, when set, de-duplicates it.
func (e *Env) SendInternal(ctx context.Context, runID, action, msgID string) error {
	body, _ := json.Marshal(InternalMessage{Action: action})
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	_, err := e.Store.JS.Publish(ctx, e.Store.Names.InternalSubject(runID), body, opts...)
	return err
}

// RequestContainment asks the planner to restart the run's stopped canisters.
func (e *Env) RequestContainment(ctx context.Context, runID string) error {
	return e.SendInternal(ctx, runID, InternalContain, "")
}
