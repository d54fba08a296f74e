package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func retryCommand() *command {
	return &command{
		Name:    "retry",
		Args:    "<run_id>",
		Summary: "move a run's failed operations back to ready and follow the run again",
		About: `Retry publishes a retry control message for the run (<prefix>.runs.control.<run_id>): the
planner moves the failed operations back to ready and resumes the run, which retry then follows
like watch. A restore that stopped for the operator after its loads began (attention required)
continues forward from where it stopped. Exit status: 0 when the run completed, 1 otherwise (also
when the planner refuses).`,
		Example: `fleetbackup retry nightly-2026-11-26`,
		Run: func(ctx context.Context, inv *invocation) error {
			return runControl(ctx, inv, runs.ControlMessage{Action: runs.ActionRetry}, nil, runs.Completed)
		},
	}
}

func abortCommand() *command {
	return &command{
		Name:    "abort",
		Args:    "<run_id>",
		Summary: "stop dispatching a run, restart what it stopped, and follow it to aborted",
		About: `Abort publishes an abort control message for the run: the planner stops dispatching its
operations, starts again the canisters it stopped, and leaves the run aborted. Abort follows the
run until then.

A restore whose loads have begun may have left the fleet mixed (some canisters restored, some
not); the planner aborts it only with --force ({"action": "abort", "force": true}), which starts
its canisters as they are. Without --force such an abort is refused; ` + "`fleetbackup retry`" + ` continues
the restore forward instead. --force changes nothing for a backup or a restore before its loads.
Exit status: 0 when the run is aborted, 1 otherwise (also when the planner refuses).`,
		Example: `fleetbackup abort nightly-2026-11-26
fleetbackup abort --force restore-nightly-1`,
		Run: func(ctx context.Context, inv *invocation) error {
			force := inv.fs.Bool("force", false, "abort even a restore whose loads have begun (the fleet may be mixed): its canisters are started as they are")
			return runControl(ctx, inv, runs.ControlMessage{Action: runs.ActionAbort}, force, runs.Aborted)
		},
	}
}

// runControl publishes a control message (with Force when force is set once the flags are
// parsed), then follows the run until it has left the state it was in and reached a terminal
// one. A refusal from the planner ends it at once; so does silence: no answer and no change
// within --timeout.
func runControl(ctx context.Context, inv *invocation, cm runs.ControlMessage, force *bool, want runs.State) error {
	ff := addFollowFlags(inv.fs)
	timeout := inv.fs.Duration("timeout", 30*time.Second, "give up when the planner neither answers nor moves the run within `DURATION`")
	runID, c, err := connectForRun(ctx, inv, ff.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	before, err := getRun(ctx, c.store, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return &FailedError{Say: fmt.Sprintf("run %s not found (see fleetbackup list)", runID)}
	}
	if err != nil {
		return err
	}
	cm.Force = force != nil && *force
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	guard, err := sendControl(ctx, c, runID, cm, *timeout, cancel)
	if err != nil {
		return err
	}
	m, err := follow(ctx, inv, c.store, runID, ff, guard.until(before.State))
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return &FailedError{Say: cause.Error() + forceHint(before, cm)}
	}
	if err != nil {
		return err
	}
	return runOutcome(m, want, false)
}

// controlGuard watches for the planner's answer to a control message, and for the run to move.
type controlGuard struct {
	mu    sync.Mutex
	moved bool
}

// until holds once the run has left its state (or gone through a live one) and settled.
func (g *controlGuard) until(from runs.State) func(*progress.Model) bool {
	left := false
	return func(m *progress.Model) bool {
		if m.Run == nil {
			return false
		}
		if m.Run.State != from || !m.Run.State.Terminal() {
			left = true
			g.mu.Lock()
			g.moved = true
			g.mu.Unlock()
		}
		return left && m.Settled()
	}
}

func (g *controlGuard) hasMoved() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.moved
}

// sendControl publishes the action with a reply subject for the planner's answer, and cancels
// ctx with the reason when the planner refuses, or says nothing while the run stays put.
func sendControl(ctx context.Context, c *conn, runID string, cm runs.ControlMessage, timeout time.Duration,
	cancel context.CancelCauseFunc) (*controlGuard, error) {
	action := cm.Action
	inbox := nats.NewInbox()
	sub, err := c.nc.SubscribeSync(inbox)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(cm)
	msg := &nats.Msg{Subject: c.store.Names.ControlSubject(runID), Data: body, Header: nats.Header{}}
	msg.Header.Set(reply.Header, inbox)
	if _, err := c.store.JS.PublishMsg(ctx, msg); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("publishing %s for run %s: %w", action, runID, err)
	}
	g := &controlGuard{}
	go func() {
		defer sub.Unsubscribe()
		wait, stop := context.WithTimeout(ctx, timeout)
		defer stop()
		answer, err := sub.NextMsgWithContext(wait)
		if err != nil {
			if ctx.Err() == nil && !g.hasMoved() {
				cancel(fmt.Errorf("no answer to %s from the planner within %s, and run %s did not move", action, timeout, runID))
			}
			return
		}
		// The planner marks a refusal; an accepted action is answered with the run's record
		// (whose error may say why it stopped).
		var r reply.Reply
		if json.Unmarshal(answer.Data, &r) == nil && r.Refused {
			cancel(fmt.Errorf("the planner refused to %s run %s: %s", action, runID, r.Error))
		}
	}()
	return g, nil
}

// forceHint points at --force when an abort without it was refused on a restore whose loads
// have begun.
func forceHint(before runs.Record, cm runs.ControlMessage) string {
	if cm.Action != runs.ActionAbort || cm.Force || !before.LoadsBegun {
		return ""
	}
	return fmt.Sprintf("\n  abort it anyway, starting the canisters as they are: fleetbackup abort --force %s"+
		"\n  or continue it forward:                             fleetbackup retry %s", before.RunID, before.RunID)
}
