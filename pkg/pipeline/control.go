package pipeline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Control actions published to fb.runs.control.<run_id>.
const (
	ActionRetry  = "retry"
	ActionAbort  = "abort"
	ActionResume = "resume"
)

// ControlMessage is the body of a control message.
type ControlMessage struct {
	Action string `json:"action"`
}

func (p *Planner) handleControl(ctx context.Context, runID string, msg jetstream.Msg) error {
	var cm ControlMessage
	if err := json.Unmarshal(msg.Data(), &cm); err != nil {
		p.reply(msg, Reply{RunID: runID, Error: "malformed control message: " + err.Error()})
		return nil
	}
	err := fmt.Errorf("control action %q is not supported yet", cm.Action)
	p.Env.logger().Warn("control message refused", "run_id", runID, "err", err)
	p.reply(msg, Reply{RunID: runID, Error: err.Error()})
	return nil
}
