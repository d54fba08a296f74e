package pipeline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// handoff passes completion along the dependency graph: it marks the completed node's bit in
// each successor and publishes every operation whose dependencies are all met. Every step is
// idempotent, so repeating a hand-off after a crash is safe.
type handoff struct {
	env *Env
	gen int // the run's retry generation, part of every message id
}

// propagate marks node n done in each of its successors.
func (h handoff) propagate(ctx context.Context, runID string, g *dispatch.Graph, n int) error {
	for _, e := range g.Successors(n) {
		if err := h.mark(ctx, runID, g, e); err != nil {
			return err
		}
	}
	return nil
}

func (h handoff) mark(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	if g.IsBarrier(e.To) {
		return h.markBarrier(ctx, runID, g, e)
	}
	rec, err := h.env.Store.Ops.Update(ctx, OpKey(runID, e.To), func(r *OpRecord) error {
		if !r.Deps.Mark(e.Slot) && r.Dispatched {
			return kvstore.ErrNoChange
		}
		r.Dispatched = r.Deps.Satisfied()
		return nil
	})
	if err != nil {
		return err
	}
	// A repeat publishes again (the first publish may have been cut short), unless the
	// successor is already done.
	if rec.Value.Deps.Satisfied() && !rec.Value.Op.State.Done() {
		return h.publish(ctx, runID, rec.Value)
	}
	return nil
}

func (h handoff) markBarrier(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	key := BarrierKey(runID, g.BarrierName(e.To))
	rec, err := h.env.Store.Barriers.Update(ctx, key, func(r *BarrierRecord) error {
		if !r.Deps.Mark(e.Slot) {
			return kvstore.ErrNoChange
		}
		return nil
	})
	if err != nil || !rec.Value.Deps.Satisfied() || rec.Value.Passed {
		return err
	}
	// The last predecessor passes the barrier on. A repeat passes it on again only while the
	// first pass is not known to have finished (it may have been cut short by a crash), so a
	// redelivered operation costs O(1), not a new fan-out to every successor.
	if err := h.propagate(ctx, runID, g, e.To); err != nil {
		return err
	}
	_, err = h.env.Store.Barriers.Update(ctx, key, func(r *BarrierRecord) error {
		if r.Passed {
			return kvstore.ErrNoChange
		}
		r.Passed = true
		return nil
	})
	return err
}

// release marks an operation with no dependencies dispatched and publishes it.
func (h handoff) release(ctx context.Context, runID string, seq int) error {
	rec, err := h.env.Store.Ops.Update(ctx, OpKey(runID, seq), func(r *OpRecord) error {
		if r.Dispatched {
			return kvstore.ErrNoChange
		}
		r.Dispatched = true
		return nil
	})
	if err != nil {
		return err
	}
	return h.publish(ctx, runID, rec.Value)
}

// publish sends an operation to its subject. The message id makes a repeat within the
// duplicate window a no-op; a later repeat is ignored by the claim step.
func (h handoff) publish(ctx context.Context, runID string, rec OpRecord) error {
	return h.publishGen(ctx, runID, rec, h.gen)
}

// publishGen publishes with the message id `<run_id>.<seq>.<attempts>`, suffixed `-r<gen>`
// after a retry so that the stream does not drop it as a duplicate of the first dispatch.
func (h handoff) publishGen(ctx context.Context, runID string, rec OpRecord, gen int) error {
	subject, err := subjectFor(h.env.Store.Names, rec.Op.Kind)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(DispatchMessage{RunID: runID, Sequence: rec.Op.Sequence})
	msgID := fmt.Sprintf("%s.%d.%d", runID, rec.Op.Sequence, rec.Attempts)
	if gen > 0 {
		msgID += fmt.Sprintf("-r%d", gen)
	}
	_, err = h.env.Store.JS.Publish(ctx, subject, body, jetstream.WithMsgID(msgID))
	if err != nil {
		return fmt.Errorf("publishing %s: %w", rec.Op.OperationID, err)
	}
	return nil
}

// subjectFor maps an operation kind to its dispatch subject.
func subjectFor(n bus.Names, kind plan.OperationKind) (string, error) {
	token, ok := map[plan.OperationKind]string{
		plan.KindStop: bus.OpStop, plan.KindCreateSnapshot: bus.OpSnapshot, plan.KindStart: bus.OpStart,
		plan.KindDownloadSnapshot: bus.OpDownload, plan.KindVerifyArtifact: bus.OpVerify,
		plan.KindFinalizeManifest: bus.OpFinalize,
	}[kind]
	if !ok {
		return "", fmt.Errorf("operation kind %s is not dispatched", kind)
	}
	return n.OpSubject(token), nil
}
