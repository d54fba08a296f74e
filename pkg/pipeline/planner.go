package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Planner consumes run requests and control messages: it validates a request, plans,
// proves preflight, seeds the journal and dispatches the first operations.
type Planner struct {
	Env       *Env
	once      sync.Once
	container *OpWorker // claims start operations during containment
}

// Handle implements worker.Handler. Planning (preflight calls one status per target) and
// containment (one start per canister) can outlast the ack wait: the message is kept alive so
// that no second planner takes the same request or containment up meanwhile.
func (p *Planner) Handle(ctx context.Context, msg jetstream.Msg) error {
	stop := worker.KeepAlive(ctx, msg, p.Env.lease()/3, nil, nil)
	defer stop()
	names := p.Env.Store.Names
	if msg.Subject() == names.RequestSubject() {
		return p.handleRequest(ctx, msg)
	}
	if runID, ok := strings.CutPrefix(msg.Subject(), names.Prefix+".runs.control."); ok {
		return p.handleControl(ctx, runID, msg)
	}
	if runID, ok := strings.CutPrefix(msg.Subject(), names.Prefix+".runs.internal."); ok {
		return p.handleInternal(ctx, runID, msg)
	}
	return worker.Reject(fmt.Errorf("planner: unexpected subject %s", msg.Subject()))
}

// handleRequest takes a run request from decoding to running (or queued, or rejected). A
// copy of a request, malformed or not, never moves a run that exists: the run state machine
// refuses, and the copy is answered with the run's state.
func (p *Planner) handleRequest(ctx context.Context, msg jetstream.Msg) error {
	req, err := DecodeRequest(msg.Data())
	if err != nil {
		return p.rejectNew(ctx, msg, GuessRunID(msg.Data()), err)
	}
	if req.RunID == "" {
		req.RunID = generatedRunID(req, msg, p.Env)
	}
	run, fresh, err := p.openRun(ctx, req)
	var bad *RequestError
	switch {
	case errors.As(err, &bad):
		return p.refuseCopy(msg, req.RunID, err)
	case err != nil:
		return retryLater(err) // a store error: the request is handed back, not lost
	case !fresh && run.State != RunPlanning && run.State != RunPreflight:
		return p.answerRepeat(ctx, msg, run)
	}
	return p.planAndReply(ctx, msg, req)
}

// answerRepeat answers a copy of a request whose run went past planning. A redelivery (the
// planner may have crashed right after starting the run) repeats the initial dispatch,
// which is idempotent.
func (p *Planner) answerRepeat(ctx context.Context, msg jetstream.Msg, run RunRecord) error {
	if run.State == RunRunning && redelivered(msg) {
		if err := p.dispatchRun(ctx, run); err != nil {
			return retryOnErr(err)
		}
	}
	p.reply(msg, replyFor(run))
	return nil
}

func (p *Planner) planAndReply(ctx context.Context, msg jetstream.Msg, req *Request) error {
	err := p.plan(ctx, req)
	var bad *RequestError
	switch {
	case err == nil, errors.Is(err, runs.ErrRefused): // the run moved on meanwhile (a copy, an abort)
	case errors.As(err, &bad):
		return p.rejectRun(ctx, msg, req.RunID, err)
	case (executor.IsTransient(err) || isInfrastructure(err)) && ctx.Err() == nil:
		return &worker.Retry{Delay: p.Env.Retry.withDefaults().Max, Err: err}
	default:
		p.Env.logger().Error("run failed while planning", "run_id", req.RunID, "err", err)
		if ferr := p.Env.failRun(ctx, req.RunID, err, false); ferr != nil {
			p.Env.logger().Warn("recording failed run", "run_id", req.RunID, "err", ferr)
			return retryLater(ferr)
		}
	}
	if cur, err := p.Env.Store.Runs.Get(ctx, req.RunID); err == nil {
		p.reply(msg, replyFor(cur.Value))
	}
	return nil
}

// openRun creates the run record, or finds the one a previous delivery of the same request
// created. The same run id with a different request is a RequestError.
func (p *Planner) openRun(ctx context.Context, req *Request) (RunRecord, bool, error) {
	rec := runs.New(req.RunID, req.Fleet, req.Network, req.Order, string(req.OnConflict), req.Digest(), p.Env.rfc3339())
	_, err := p.Env.Store.Runs.Create(ctx, req.RunID, rec)
	if err == nil {
		return rec, true, nil
	}
	if !errors.Is(err, kvstore.ErrExists) {
		return rec, false, err
	}
	cur, err := p.Env.Store.Runs.Get(ctx, req.RunID)
	if err != nil {
		return rec, false, err
	}
	if cur.Value.RequestDigest != rec.RequestDigest {
		return cur.Value, false, &RequestError{Field: "run_id",
			Reason: fmt.Sprintf("run %s already exists for a different request", req.RunID)}
	}
	return cur.Value, false, nil
}

func generatedRunID(req *Request, msg jetstream.Msg, env *Env) string {
	seq := uint64(0)
	if md, err := msg.Metadata(); err == nil {
		seq = md.Sequence.Stream
	}
	fleet := safeRunToken(req.Fleet)
	return fmt.Sprintf("run-%s-%s-%d", fleet, env.now().UTC().Format("20060102-150405"), seq)
}

func safeRunToken(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 || b.Len() > 64 {
		return "fleet"
	}
	return b.String()
}
