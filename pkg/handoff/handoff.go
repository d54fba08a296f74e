// Package handoff passes completion along a run's dependency graph (package dispatch): it
// marks a completed node's bit in each successor's record and publishes every operation whose
// dependencies are all met, on its fb.ops.<kind> subject. Every step is idempotent.
package handoff

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Message is the body of an fb.ops.<kind> message.
type Message struct {
	RunID    string `json:"run_id"`
	Sequence int    `json:"sequence"`
}

// Publisher passes completion on for one run generation. Every step is idempotent, so
// repeating a hand-off after a crash is safe.
type Publisher struct {
	Store *runstore.Store
	// Gen is the run's retry generation, part of every message id.
	Gen int
}

// Propagate marks node n done in each of its successors, or publishes a barrier's gated
// successors (gate.go). A node with many successors (a barrier passing N operations on) passes
// them on fanOutWorkers at a time: each is a compare-and-swap or a publish, whose round trips
// would otherwise add up along the critical path of downtime (every snapshot waits for the
// stopped barrier's fan-out, every start for the snapshotted one's). Marks are independent and
// idempotent, so their order is free; the first error is returned once every started mark has
// ended.
func (h Publisher) Propagate(ctx context.Context, runID string, g *dispatch.Graph, n int) error {
	succ := g.Successors(n)
	if len(succ) <= fanOutWorkers {
		for _, e := range succ {
			if err := h.pass(ctx, runID, g, e); err != nil {
				return err
			}
		}
		return nil
	}
	return h.markAll(ctx, runID, g, succ)
}

func (h Publisher) mark(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	if g.IsBarrier(e.To) {
		return h.markBarrier(ctx, runID, g, e)
	}
	rec, err := h.Store.Ops.Update(ctx, runstore.OpKey(runID, e.To), func(r *runstore.OpRecord) error {
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
		return h.Publish(ctx, runID, rec.Value)
	}
	return nil
}

func (h Publisher) markBarrier(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	name, slot := g.BarrierName(e.To), e.Slot
	if dispatch.BarrierShards(g.Need(e.To)) > 1 {
		shard := slot / dispatch.BarrierFanIn
		full, err := h.markShard(ctx, runstore.BarrierShardKey(runID, name, shard), slot%dispatch.BarrierFanIn)
		if err != nil || !full {
			return err
		}
		slot = shard // a full shard marks its bit in the root (again, after a crash: harmless)
	}
	key := runstore.BarrierKey(runID, name)
	rec, err := h.Store.Barriers.Update(ctx, key, func(r *runstore.BarrierRecord) error {
		if !r.Deps.Mark(slot) {
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
	if err := h.Propagate(ctx, runID, g, e.To); err != nil {
		return err
	}
	_, err = h.Store.Barriers.Update(ctx, key, func(r *runstore.BarrierRecord) error {
		if r.Passed {
			return kvstore.ErrNoChange
		}
		r.Passed = true
		return nil
	})
	return err
}

// markShard marks one predecessor slot in a barrier's shard record and reports whether the
// shard is full.
func (h Publisher) markShard(ctx context.Context, key string, slot int) (bool, error) {
	rec, err := h.Store.Barriers.Update(ctx, key, func(r *runstore.BarrierRecord) error {
		if !r.Deps.Mark(slot) {
			return kvstore.ErrNoChange
		}
		return nil
	})
	return err == nil && rec.Value.Deps.Satisfied(), err
}

// Release marks an operation with no dependencies dispatched and publishes it.
func (h Publisher) Release(ctx context.Context, runID string, seq int) error {
	rec, err := h.Store.Ops.Update(ctx, runstore.OpKey(runID, seq), func(r *runstore.OpRecord) error {
		if r.Dispatched {
			return kvstore.ErrNoChange
		}
		r.Dispatched = true
		return nil
	})
	if err != nil {
		return err
	}
	return h.Publish(ctx, runID, rec.Value)
}

// Publish sends an operation to its subject, with the message id `<run_id>.<seq>.<attempts>`,
// suffixed `-r<gen>` after a retry so that the stream does not drop it as a duplicate of the
// first dispatch. The id makes a repeat within the duplicate window a no-op; a later repeat is
// ignored by the claim step.
func (h Publisher) Publish(ctx context.Context, runID string, rec runstore.OpRecord) error {
	return h.publish(ctx, runID, rec.Op.Kind, rec.Op.Sequence, rec.Attempts)
}

// publish sends operation seq of kind with the message id of its attempts so far.
func (h Publisher) publish(ctx context.Context, runID string, kind plan.OperationKind, seq, attempts int) error {
	subject, err := SubjectFor(h.Store.Names, kind)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(Message{RunID: runID, Sequence: seq})
	msgID := fmt.Sprintf("%s.%d.%d", runID, seq, attempts)
	if h.Gen > 0 {
		msgID += fmt.Sprintf("-r%d", h.Gen)
	}
	if _, err = h.Store.JS.Publish(ctx, subject, body, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("publishing operation %d of %s: %w", seq, runID, err)
	}
	return nil
}

// SubjectFor maps an operation kind to its dispatch subject.
func SubjectFor(n bus.Names, kind plan.OperationKind) (string, error) {
	token, ok := map[plan.OperationKind]string{
		plan.KindStop: bus.OpStop, plan.KindCreateSnapshot: bus.OpSnapshot, plan.KindStart: bus.OpStart,
		plan.KindDownloadSnapshot: bus.OpDownload, plan.KindVerifyArtifact: bus.OpVerify,
		plan.KindFinalizeManifest: bus.OpFinalize, plan.KindUploadSnapshot: bus.OpUpload,
		plan.KindLoadSnapshot: bus.OpLoad, plan.KindCheckMember: bus.OpCheck, plan.KindFinalizeRestore: bus.OpFinalize,
	}[kind]
	if !ok {
		return "", fmt.Errorf("operation kind %s is not dispatched", kind)
	}
	return n.OpSubject(token), nil
}

// DispatchInitial marks and publishes every operation of a run that waits for nothing (the
// first dispatch of a running run; idempotent).
func (h Publisher) DispatchInitial(ctx context.Context, runID string, g *dispatch.Graph) error {
	for _, seq := range g.Initial() {
		if err := h.Release(ctx, runID, seq); err != nil {
			return err
		}
	}
	return nil
}
