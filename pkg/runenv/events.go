package runenv

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// Apply applies one event of the run state machine to the stored run record and returns the
// record as it stands. A *runs.Refusal leaves the record unchanged. Whatever the outcome, a
// settled run that still holds its canister locks settles (see Settle), so a repeated message
// finishes a release a crash cut short.
func (e *Env) Apply(ctx context.Context, runID string, ev runs.Event) (runs.Record, error) {
	rec, err := e.Store.Apply(ctx, runID, ev, e.RFC3339())
	if err != nil && !errors.Is(err, runs.ErrRefused) {
		return rec, err
	}
	if rec.Settled() && rec.LocksHeld {
		if serr := e.Settle(ctx, rec); serr != nil {
			return rec, serr
		}
	}
	return rec, err
}

// ApplyIfAllowed is Apply for events that may find the run past them: a refusal is no error.
func (e *Env) ApplyIfAllowed(ctx context.Context, runID string, ev runs.Event) (runs.Record, error) {
	rec, err := e.Apply(ctx, runID, ev)
	if errors.Is(err, runs.ErrRefused) {
		e.Logger().Debug("run event refused", "run_id", runID, "event", ev.Name(), "err", err)
		return rec, nil
	}
	return rec, err
}

// FailRun moves a run that is not yet terminal to failed with its cause. A failed management
// operation also starts containment: the planner restarts every canister the run may have
// stopped.
func (e *Env) FailRun(ctx context.Context, runID string, cause error, management bool) error {
	e.FlushCounts() // the failed operation's own move is in the record before the failure
	rec, err := e.ApplyIfAllowed(ctx, runID, runs.Fail{Reason: cause.Error(), Contain: management})
	if err != nil || !rec.ContainmentPending() {
		return err
	}
	return e.RequestContainment(ctx, runID)
}

// PreflightExpired reports whether the run's accepted preflight has expired (or was never
// recorded readably): no stop or snapshot may start on it.
func (e *Env) PreflightExpired(run runs.Record) bool {
	if run.PreflightExpiresAt == nil {
		return true
	}
	exp, err := timestamp.Parse(*run.PreflightExpiresAt)
	return err != nil || uint64(e.Now().Unix()) >= exp
}

// ErrPreflightExpired says a management call was refused on an expired preflight.
var ErrPreflightExpired = errors.New("preflight expired")

// CheckPreflight refuses a stop or snapshot once the run's preflight has expired.
func (e *Env) CheckPreflight(run runs.Record) error {
	if !e.PreflightExpired(run) {
		return nil
	}
	return fmt.Errorf("%w: preflight %s expired at %s (now %s): resume the run to prove it again", ErrPreflightExpired,
		deref(run.Journal.PreflightID), deref(run.PreflightExpiresAt), timestamp.FromSeconds(uint64(e.Now().Unix())))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// IsInfrastructure reports whether err came from reaching NATS (a timeout, a reconnect, a
// closed connection, a stream or bucket missing until the services set it up again) rather
// than from the operation itself: such an operation is handed back and taken again, not
// failed. Executor errors carry their own class and never count.
func IsInfrastructure(err error) bool {
	if errors.Is(err, executor.ErrTransient) || errors.Is(err, executor.ErrPermanent) {
		return false
	}
	for _, target := range []error{context.DeadlineExceeded, nats.ErrTimeout, nats.ErrNoResponders,
		nats.ErrConnectionClosed, nats.ErrConnectionReconnecting, nats.ErrDisconnected, jetstream.ErrNoStreamResponse,
		jetstream.ErrStreamNotFound, jetstream.ErrBucketNotFound} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// CompleteRun marks a running run completed, with exact counts and where its backup lives.
func (e *Env) CompleteRun(ctx context.Context, runID string, counts journal.Counts, manifestPath, backupDir string) error {
	_, err := e.ApplyIfAllowed(ctx, runID, runs.Complete{Counts: counts, ManifestPath: manifestPath, BackupDir: backupDir})
	return err
}

// Transient reports whether err is worth handing back to try again later: a transient
// executor error or an infrastructure error.
func Transient(err error) bool { return executor.IsTransient(err) || IsInfrastructure(err) }
