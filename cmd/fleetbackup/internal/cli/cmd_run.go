package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

func runCommand() *command {
	return &command{
		Name:    "run",
		Summary: "start a backup run and follow it to its end",
		About: `Run publishes a run request (from the flags, or --file) to the installation's request subject
and follows the run like watch does. A request without --run-id gets a generated one, printed
first. The same request published again follows the existing run instead of starting another.
Exit status: 0 when the run completed, 1 when it failed or was aborted, 2 when it was rejected.`,
		Example: `fleetbackup run --fleet demo --network local --root aaaaa-aa --selector user_hub
fleetbackup run --file request.json --run-id nightly-2026-11-26 --json`,
		Run: runRun,
	}
}

func runRun(ctx context.Context, inv *invocation) error {
	rf := addRequestFlags(inv.fs)
	ff := addFollowFlags(inv.fs)
	detach := inv.fs.Bool("detach", false, "publish the request, print the run id and return without following")
	if _, err := inv.parse(0, 0, followEnv...); err != nil {
		return err
	}
	fields, err := rf.fields(inv.fs, inv.Stdin)
	if err != nil {
		return err
	}
	req, err := decodeRequest(fields)
	if err != nil {
		return err
	}
	c, err := connect(ctx, ff.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := submit(ctx, inv, c.store, req, *ff.asJSON || *detach); err != nil {
		return err
	}
	if *detach {
		fmt.Fprintln(inv.Stdout, req.RunID)
		return nil
	}
	m, err := follow(ctx, inv, c.store, req.RunID, ff, nil)
	if err != nil {
		return err
	}
	return runOutcome(m, runs.Completed, true)
}

// submit publishes the request unless its run exists already: the same request is followed
// again, another request under the same run id is refused.
func submit(ctx context.Context, inv *invocation, store *runstore.Store, req *request.Request, quiet bool) error {
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	sub := submission{kind: "run", runID: req.RunID, digest: req.Digest(), body: body,
		subject: store.Names.RequestSubject(), publish: client.Submit}
	return submitOnce(ctx, inv, store, sub, quiet)
}

// submission is a request to publish once: a backup's or a restore's.
type submission struct {
	kind, runID, digest, subject string // kind: "run" or "restore", as the messages name it
	body                         []byte
	publish                      func(ctx context.Context, s *runstore.Store, body []byte, msgID string) error
}

// submitOnce publishes a request unless its run exists already: the same request (same digest)
// is followed again, another request under the same run id is refused (exit status 2).
func submitOnce(ctx context.Context, inv *invocation, store *runstore.Store, sub submission, quiet bool) error {
	cur, err := store.Runs.Get(ctx, sub.runID)
	switch {
	case err == nil && cur.Value.RequestDigest != sub.digest:
		return &InputError{What: "--run-id " + sub.runID, Err: errors.New("a run with this id exists already, for another request")}
	case err == nil:
		if !quiet {
			fmt.Fprintf(inv.Stdout, "%s %s exists already for this request; following it\n", sub.kind, sub.runID)
		}
		return nil
	case !errors.Is(err, kvstore.ErrNotFound):
		return err
	}
	if err := sub.publish(ctx, store, sub.body, sub.runID+"-"+sub.digest[:16]); err != nil {
		return fmt.Errorf("publishing to %s: %w (are the services running?)", sub.subject, err)
	}
	if !quiet {
		fmt.Fprintf(inv.Stdout, "submitted %s %s to %s\n", sub.kind, sub.runID, sub.subject)
	}
	return nil
}
