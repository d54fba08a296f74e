package admission

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// rejectNew answers a request that was rejected before it had a run: a rejected run record is
// created when the request named a usable run id that is still free. A run that exists is
// never touched (a malformed or different copy of its request must not end it).
func (p *Admitter) rejectNew(ctx context.Context, msg jetstream.Msg, runID, kind string, cause error) error {
	p.Env.Logger().Warn("run request rejected", "run_id", runID, "err", cause)
	if runID != "" {
		rec := runs.NewRejected(runID, clip(cause.Error()), p.Env.RFC3339())
		rec.Kind = kind
		_, err := p.Env.Store.Runs.Create(ctx, runID, rec)
		if err != nil && !errors.Is(err, runstore.ErrExists) {
			return worker.Later(err)
		}
	}
	reply.Send(p.Env.Store.JS.Conn(), msg, reply.Reply{RunID: runID, State: runs.Rejected, Error: cause.Error()})
	return nil
}

// refuseCopy answers a request that names an existing run but is not its request; the run is
// left as it is.
func (p *Admitter) refuseCopy(msg jetstream.Msg, runID string, cause error) error {
	p.Env.Logger().Warn("run request rejected; the existing run is left unchanged", "run_id", runID, "err", cause)
	reply.Send(p.Env.Store.JS.Conn(), msg, reply.Reply{RunID: runID, State: runs.Rejected, Error: cause.Error()})
	return nil
}

// rejectRun ends the run of a request found invalid while planning it.
func (p *Admitter) rejectRun(ctx context.Context, msg jetstream.Msg, runID string, cause error) error {
	p.Env.Logger().Warn("run request rejected", "run_id", runID, "err", cause)
	rec, err := p.Env.ApplyIfAllowed(ctx, runID, runs.Reject{Reason: clip(cause.Error())})
	if err != nil {
		return worker.Later(err)
	}
	reply.Send(p.Env.Store.JS.Conn(), msg, reply.For(rec))
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
