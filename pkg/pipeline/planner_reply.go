package pipeline

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Reply is what the planner answers on a request's reply subject, when it has one.
type Reply struct {
	RunID string   `json:"run_id,omitempty"`
	State RunState `json:"state,omitempty"`
	Error string   `json:"error,omitempty"`
	// Refused is set when a control action did not apply to the run (it was left unchanged).
	Refused bool `json:"refused,omitempty"`
}

func replyFor(r RunRecord) Reply {
	return Reply{RunID: r.RunID, State: r.State, Error: deref(r.Error)}
}

// ReplyHeader names the header a publisher sets to the subject on which it wants the planner's
// answer (a JetStream publish's own reply subject receives the stream's acknowledgement).
const ReplyHeader = "Fleetbackup-Reply-To"

// reply answers a request whose publisher asked for an answer.
func (p *Planner) reply(msg jetstream.Msg, r Reply) {
	to := msg.Headers().Get(ReplyHeader)
	if to == "" {
		return
	}
	data, _ := json.Marshal(r)
	_ = p.Env.Store.JS.Conn().Publish(to, data)
}

// rejectNew answers a request that was rejected before it had a run: a rejected run record is
// created when the request named a usable run id that is still free. A run that exists is
// never touched (a malformed or different copy of its request must not end it).
func (p *Planner) rejectNew(ctx context.Context, msg jetstream.Msg, runID string, cause error) error {
	p.Env.logger().Warn("run request rejected", "run_id", runID, "err", cause)
	if runID != "" {
		_, err := p.Env.Store.Runs.Create(ctx, runID, runs.NewRejected(runID, clip(cause.Error()), p.Env.rfc3339()))
		if err != nil && !errors.Is(err, kvstore.ErrExists) {
			return retryLater(err)
		}
	}
	p.reply(msg, Reply{RunID: runID, State: RunRejected, Error: cause.Error()})
	return nil
}

// refuseCopy answers a request that names an existing run but is not its request; the run is
// left as it is.
func (p *Planner) refuseCopy(msg jetstream.Msg, runID string, cause error) error {
	p.Env.logger().Warn("run request rejected; the existing run is left unchanged", "run_id", runID, "err", cause)
	p.reply(msg, Reply{RunID: runID, State: RunRejected, Error: cause.Error()})
	return nil
}

// rejectRun ends the run of a request found invalid while planning it.
func (p *Planner) rejectRun(ctx context.Context, msg jetstream.Msg, runID string, cause error) error {
	p.Env.logger().Warn("run request rejected", "run_id", runID, "err", cause)
	rec, err := p.Env.applyIfAllowed(ctx, runID, runs.Reject{Reason: clip(cause.Error())})
	if err != nil {
		return retryLater(err)
	}
	p.reply(msg, replyFor(rec))
	return nil
}

// maxReason bounds a rejection reason kept in a run record: an error quoting a hostile input
// (a megabyte-long key) must not make the record too large to store.
const maxReason = 2048

func clip(s string) string {
	if len(s) <= maxReason {
		return s
	}
	return s[:maxReason] + "…"
}
