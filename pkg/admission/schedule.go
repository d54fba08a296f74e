package admission

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// AdmitAs admits the request of msg under runID, a run id its publisher does not choose: a
// schedule's firing (package schedule/firing, docs/schedules.md). decode reads the body as the
// caller's contract has it (strictly, and for a schedule without run_id); a body it refuses
// leaves a rejected run of that id, like any bad request. A copy of a request whose run exists
// is answered with the run's state, as HandleRequest does.
func (p *Admitter) AdmitAs(ctx context.Context, msg jetstream.Msg, runID string, decode func([]byte) (*request.Request, error)) error {
	req, err := decode(msg.Data())
	if err != nil {
		return p.rejectNew(ctx, msg, runID, runs.KindBackup, err)
	}
	req.RunID = runID
	return p.admitRequest(ctx, msg, req)
}
