// Package admission takes a run request to a running run: decode, open the run record,
// build and prove the plan, lock the canisters (or queue or reject the run), seed the journal
// and dispatch the first operations. Every step is idempotent.
package admission

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Admitter takes run requests from decoding to running (or queued, or rejected), and lets
// queued runs in once their canisters are free.
type Admitter struct {
	Env *runenv.Env
	// MaxTargets bounds the targets of one run, backup or restore: a request over it is
	// rejected before any preflight call, lock or operation record (the planner's
	// --max-targets; zero or negative means plan.DefaultMaxTargets).
	MaxTargets int
}

// HandleRequest handles one message of fb.runs.request. A copy of a request, malformed or
// not, never moves a run that exists: the run state machine refuses, and the copy is answered
// with the run's state.
func (p *Admitter) HandleRequest(ctx context.Context, msg jetstream.Msg) error {
	req, err := request.DecodeRequest(msg.Data())
	if err != nil {
		return p.rejectNew(ctx, msg, request.GuessRunID(msg.Data()), runs.KindBackup, err)
	}
	if req.RunID == "" {
		req.RunID = generatedRunID(req, msg, p.Env)
	}
	return p.admitRequest(ctx, msg, req)
}

// admitRequest opens the run of a decoded request that has its run id, and plans it.
func (p *Admitter) admitRequest(ctx context.Context, msg jetstream.Msg, req *request.Request) error {
	rec := runs.New(req.RunID, req.Fleet, req.Network, req.Order, string(req.OnConflict), req.Digest(), p.Env.RFC3339())
	rec.KeepSnapshots = req.KeepSnapshots
	run, fresh, err := p.open(ctx, rec)
	var bad *request.RequestError
	switch {
	case errors.As(err, &bad):
		return p.refuseCopy(msg, req.RunID, err)
	case err != nil:
		return worker.Later(err) // a store error: the request is handed back, not lost
	case !fresh && run.State != runs.Planning && run.State != runs.Preflight:
		return p.answerRepeat(ctx, msg, run)
	case fresh && p.dirExists(req.RunID):
		return p.reply(ctx, msg, req.RunID, &request.RequestError{Field: "run_id", Reason: fmt.Sprintf(
			"run id %s was used before: its backup directory exists (its KV records may have been purged)", req.RunID)})
	}
	return p.reply(ctx, msg, req.RunID, p.plan(ctx, req))
}

// dirExists reports whether a backup directory of runID exists under the backup root: a new
// run must not write into an earlier run's backup.
func (p *Admitter) dirExists(runID string) bool {
	if p.Env.BackupRoot == "" {
		return false
	}
	_, err := os.Lstat(filepath.Join(p.Env.BackupRoot, runID))
	return err == nil
}

// answerRepeat answers a copy of a request whose run went past planning. A redelivery (the
// planner may have crashed right after starting the run) repeats the initial dispatch,
// which is idempotent.
func (p *Admitter) answerRepeat(ctx context.Context, msg jetstream.Msg, run runs.Record) error {
	if run.State == runs.Running && worker.Redelivered(msg) {
		if err := Dispatch(ctx, p.Env, run); err != nil {
			return worker.Later(err)
		}
	}
	reply.Send(p.Env.Store.JS.Conn(), msg, reply.For(run))
	return nil
}

// reply settles a planning attempt's outcome err: a bad request rejects the run, a transient
// error hands the request back, anything else fails the run; then the requester is answered.
func (p *Admitter) reply(ctx context.Context, msg jetstream.Msg, runID string, err error) error {
	var bad *request.RequestError
	switch {
	case err == nil, errors.Is(err, runs.ErrRefused): // the run moved on meanwhile (a copy, an abort)
	case errors.As(err, &bad):
		return p.rejectRun(ctx, msg, runID, err)
	case runenv.Transient(err) && ctx.Err() == nil:
		return &worker.Retry{Delay: p.Env.Retry.WithDefaults().Max, Err: err}
	default:
		p.Env.Logger().Error("run failed while planning", "run_id", runID, "err", err)
		if ferr := p.Env.FailRun(ctx, runID, err, false); ferr != nil {
			p.Env.Logger().Warn("recording failed run", "run_id", runID, "err", ferr)
			return worker.Later(ferr)
		}
	}
	if cur, err := p.Env.Store.Run(ctx, runID); err == nil {
		reply.Send(p.Env.Store.JS.Conn(), msg, reply.For(cur))
	}
	return nil
}

// open creates the run record rec, or finds the one a previous delivery of the same request
// created. The same run id with a different request is a RequestError.
func (p *Admitter) open(ctx context.Context, rec runs.Record) (runs.Record, bool, error) {
	_, err := p.Env.Store.Runs.Create(ctx, rec.RunID, rec)
	if err == nil {
		return rec, true, nil
	}
	if !errors.Is(err, runstore.ErrExists) {
		return rec, false, err
	}
	cur, err := p.Env.Store.Run(ctx, rec.RunID)
	if err != nil {
		return rec, false, err
	}
	if cur.RequestDigest != rec.RequestDigest {
		return cur, false, &request.RequestError{Field: "run_id",
			Reason: fmt.Sprintf("run %s already exists for a different request", rec.RunID)}
	}
	return cur, false, nil
}

func generatedRunID(req *request.Request, msg jetstream.Msg, env *runenv.Env) string {
	seq := uint64(0)
	if md, err := msg.Metadata(); err == nil {
		seq = md.Sequence.Stream
	}
	fleet := safeRunToken(req.Fleet)
	return fmt.Sprintf("run-%s-%s-%d", fleet, env.Now().UTC().Format("20060102-150405"), seq)
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
