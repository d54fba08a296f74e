package runenv

import (
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// ManagementCall reports whether operations of kind are management calls on one canister:
// stop, create-snapshot, start, load-snapshot and check-member, the kinds the snapshotter runs
// (bus.ManagementOps are their subjects). They are short calls and are claimed with the
// management lease, so that a killed worker's canisters wait seconds, not the long lease, for
// another to take over. (runs.IsManagement is narrower: the backup kinds whose failure starts
// containment.)
func ManagementCall(kind plan.OperationKind) bool {
	switch kind {
	case plan.KindStop, plan.KindCreateSnapshot, plan.KindStart, plan.KindLoadSnapshot, plan.KindCheckMember:
		return true
	}
	return false
}

// ManagementLeaseDuration is how long a management operation's claim lasts without renewal:
// ManagementLease (default bus.DefaultManagementLease), never longer than LeaseDuration. The
// snapshotter's consumer has it as its ack wait (bus.SetupConfig.ManagementAckWait).
func (e *Env) ManagementLeaseDuration() time.Duration {
	d := e.ManagementLease
	if d <= 0 {
		d = bus.DefaultManagementLease
	}
	return min(d, e.LeaseDuration())
}

// LeaseFor is how long a claim of an operation of kind lasts without renewal; the worker
// renews it every third of that while the effect runs.
func (e *Env) LeaseFor(kind plan.OperationKind) time.Duration {
	if ManagementCall(kind) {
		return e.ManagementLeaseDuration()
	}
	return e.LeaseDuration()
}
