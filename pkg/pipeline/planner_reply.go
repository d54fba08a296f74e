package pipeline

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
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

// reject records a rejected request. runID is the run whose record says so ("" for none);
// otherRunID names a run the request was about but must not touch (an id already in use).
func (p *Planner) reject(ctx context.Context, msg jetstream.Msg, runID, otherRunID string, cause error) error {
	log := p.Env.logger()
	log.Warn("run request rejected", "run_id", runID+otherRunID, "err", cause)
	if runID != "" {
		if err := p.markRejected(ctx, runID, cause); err != nil {
			return retryLater(err)
		}
	}
	p.reply(msg, Reply{RunID: runID + otherRunID, State: RunRejected, Error: cause.Error()})
	return nil
}

func (p *Planner) markRejected(ctx context.Context, runID string, cause error) error {
	reason := cause.Error()
	now := p.Env.rfc3339()
	rec := RunRecord{RunID: runID, State: RunRejected, Error: &reason, CreatedAt: now, UpdatedAt: now}
	_, err := p.Env.Store.Runs.Create(ctx, runID, rec)
	if !errors.Is(err, kvstore.ErrExists) {
		return err
	}
	_, err = p.Env.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		if r.State != RunPlanning && r.State != RunPreflight {
			return kvstore.ErrNoChange // never overwrite a run that got further
		}
		r.State, r.Error, r.UpdatedAt = RunRejected, &reason, now
		return nil
	})
	return err
}
