package snapkeep

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Doomed is an owned snapshot the decision deletes.
type Doomed struct {
	Snapshot executor.Snapshot
	Owner    Owner
}

// Decision is what retention does on one canister.
type Decision struct {
	// Kept are the owned snapshots kept, newest first (the current run's first).
	Kept []string
	// Delete are the owned snapshots beyond the newest keep, newest first.
	Delete []Doomed
	// Problem, when set, says why nothing is deleted on this canister.
	Problem string
}

// Decide applies keep_snapshots to one canister after a completed run: of the snapshots in
// inventory that fleetbackup took (owned, plus current, the snapshot this run took), the newest
// keep are kept and the rest deleted. The current run's snapshot always counts as the newest;
// the others are ordered by taken_at_timestamp, then id, newest first. Snapshots not owned are
// never in the decision. Nothing is deleted when keep is below 1, or when the current run's
// snapshot is not in the inventory (something else changed the canister: it is not retention's
// to untangle).
func Decide(inventory []executor.Snapshot, owned Owned, current string, keep int) Decision {
	if keep < 1 {
		return Decision{Problem: fmt.Sprintf("keep_snapshots %d is not at least 1: nothing deleted", keep)}
	}
	if !slices.ContainsFunc(inventory, func(s executor.Snapshot) bool { return s.ID == current }) {
		return Decision{Problem: fmt.Sprintf("this run's snapshot %q is not on the canister: nothing deleted", current)}
	}
	var mine []Doomed
	for _, s := range inventory {
		switch o, ok := owned[s.ID]; {
		case s.ID == current:
			mine = append(mine, Doomed{Snapshot: s, Owner: Owner{RunID: o.RunID, Current: true}})
		case ok:
			mine = append(mine, Doomed{Snapshot: s, Owner: o})
		}
	}
	slices.SortStableFunc(mine, newestFirst)
	var d Decision
	for i, m := range mine {
		if i < keep {
			d.Kept = append(d.Kept, m.Snapshot.ID)
			continue
		}
		d.Delete = append(d.Delete, m)
	}
	return d
}

// Victim picks the snapshot a create at the canister's limit replaces: the oldest one
// fleetbackup took (by taken_at_timestamp, then id). ok is false when the canister holds none
// of them: snapshots fleetbackup did not take are never replaced.
func Victim(inventory []executor.Snapshot, owned Owned) (executor.Snapshot, bool) {
	var mine []Doomed
	for _, s := range inventory {
		if o, ok := owned[s.ID]; ok && !o.Current {
			mine = append(mine, Doomed{Snapshot: s, Owner: o})
		}
	}
	if len(mine) == 0 {
		return executor.Snapshot{}, false
	}
	return slices.MinFunc(mine, func(a, b Doomed) int { return newestFirst(b, a) }).Snapshot, true
}

// newestFirst orders the current run's snapshot first, then by taken_at_timestamp and id,
// newest first.
func newestFirst(a, b Doomed) int {
	if a.Owner.Current != b.Owner.Current {
		if a.Owner.Current {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.Snapshot.TakenAtNanos, a.Snapshot.TakenAtNanos); c != 0 {
		return c
	}
	return cmp.Compare(b.Snapshot.ID, a.Snapshot.ID)
}
