package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func watchCommand() *command {
	return &command{
		Name:    "watch",
		Args:    "<run_id>",
		Summary: "follow a run from the journal: progress bars on a terminal, lines otherwise",
		About: `Watch follows a run in the installation's KV buckets until it ends: on a terminal, a bar per
phase and a row per canister, redrawn in place; otherwise one line per change. A backup's phases
are stop, snapshot, start, download (with bytes, when --backup-root is on this machine), verify
and finalize; a restore's are upload, stop, load, start, check and finalize. A restore that stops
for the operator after its loads began (attention required) ends the watch with what to do next:
` + "`fleetbackup retry <run_id>`" + ` or ` + "`fleetbackup abort --force <run_id>`" + `.
Exit status: 0 when the run completed, 1 otherwise.`,
		Example: `fleetbackup watch nightly-2026-11-26
fleetbackup watch nightly-2026-11-26 --json | tail -n 1`,
		Run: runWatch,
	}
}

func runWatch(ctx context.Context, inv *invocation) error {
	ff := addFollowFlags(inv.fs)
	wait := inv.fs.Bool("wait", false, "wait for a run that does not exist yet, instead of failing")
	runID, c, err := connectForRun(ctx, inv, ff.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.store.Runs.Get(ctx, runID); errors.Is(err, kvstore.ErrNotFound) && !*wait {
		return &FailedError{Say: fmt.Sprintf("run %s not found (see fleetbackup list; --wait waits for it)", runID)}
	}
	m, err := follow(ctx, inv, c.store, runID, ff, nil)
	if err != nil {
		return err
	}
	return runOutcome(m, runs.Completed, false)
}
