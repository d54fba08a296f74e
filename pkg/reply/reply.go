// Package reply is the planner's answer to a request or a control message, sent to the
// subject its publisher named in the Fleetbackup-Reply-To header.
package reply

import (
	"encoding/json"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Header names the header a publisher sets to the subject on which it wants the planner's
// answer (a JetStream publish's own reply subject receives the stream's acknowledgement).
const Header = "Fleetbackup-Reply-To"

// Reply is what the planner answers.
type Reply struct {
	RunID string     `json:"run_id,omitempty"`
	State runs.State `json:"state,omitempty"`
	Error string     `json:"error,omitempty"`
	// Refused is set when a control action did not apply to the run (it was left unchanged).
	Refused bool `json:"refused,omitempty"`
}

// For is the reply describing a run as it stands.
func For(r runs.Record) Reply {
	msg := ""
	if r.Error != nil {
		msg = *r.Error
	}
	return Reply{RunID: r.RunID, State: r.State, Error: msg}
}

// Send answers msg if its publisher asked for an answer.
func Send(nc *nats.Conn, msg jetstream.Msg, r Reply) {
	to := msg.Headers().Get(Header)
	if to == "" {
		return
	}
	data, _ := json.Marshal(r)
	_ = nc.Publish(to, data)
}
