// Package reply is the planner's answer to a request or a control message, sent to the
// subject its publisher named in the Fleetbackup-Reply-To header.
package reply

import (
	"encoding/json"
	"strings"

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

// InboxPrefix starts every subject the planner answers on: a client's inbox (nats.NewInbox).
const InboxPrefix = "_INBOX."

// Send answers msg if its publisher asked for an answer on an inbox subject. Any other subject
// is ignored: a publisher must not aim the planner's answer, published with the planner's
// rights, at a subject the services consume (an operation's or the planner's own).
func Send(nc *nats.Conn, msg jetstream.Msg, r Reply) {
	to := msg.Headers().Get(Header)
	if !IsInbox(to) {
		return
	}
	data, _ := json.Marshal(r)
	_ = nc.Publish(to, data)
}

// IsInbox reports whether subject is an inbox subject the planner may answer on: _INBOX.
// followed by at least one token, without wildcards.
func IsInbox(subject string) bool {
	rest, ok := strings.CutPrefix(subject, InboxPrefix)
	return ok && rest != "" && !strings.ContainsAny(rest, "*> \t\r\n") &&
		!strings.HasPrefix(rest, ".") && !strings.HasSuffix(rest, ".") && !strings.Contains(rest, "..")
}
