package main

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// create serves `canister snapshot create`, with --replace <S> taking the snapshot in place of S.
// A canister at its limit is refused in the IC's words, as icp prints them.
func (c *call) create() int {
	var snap executor.Snapshot
	var err error
	what := "take a snapshot of canister " + c.canister()
	if replaced, ok := c.inv.opts["replace"]; ok {
		what = fmt.Sprintf("replace snapshot %s of canister %s", replaced, c.canister())
		snap, err = c.sim.ReplaceSnapshot(c.ctx, c.canister(), replaced)
	} else {
		snap, err = c.sim.CreateSnapshot(c.ctx, c.canister())
	}
	switch {
	case errors.Is(err, sim.ErrSnapshotLimit):
		return failReject(c.stderr, what, "CanisterReject", fmt.Sprintf(
			"Canister %s has reached the maximum number of snapshots allowed: %d.", c.canister(), c.sim.MaxSnapshots()))
	case err != nil:
		return failCall(c.stderr, what, err)
	}
	switch {
	case c.garbled("snapshot"):
		return 0
	case c.inv.has("json"):
		return c.json(snap)
	case c.inv.has("quiet"):
		fmt.Fprintln(c.stdout, snap.ID)
	default:
		fmt.Fprintf(c.stdout, "Created snapshot %s for canister %s\n", snap.ID, c.canister())
	}
	return 0
}
