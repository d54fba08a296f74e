package bus

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultLease is how long a silent worker keeps a transfer or finalize operation (--lease),
// and the ack wait of every consumer but the snapshotter's.
const DefaultLease = 30 * time.Second

// DefaultManagementLease is how long a silent worker keeps a management operation (stop,
// create-snapshot, start, load-snapshot, check-member; --management-lease), and the ack wait of
// the consumer that carries only those (the snapshotter's). It bounds how long a canister a
// killed snapshotter had stopped waits for another one: the message comes back after the ack
// wait and the claim has lapsed by then. 5 s leaves a renewal (every third of it, 1.7 s) two
// misses before the claim lapses, which covers a reconnect or a JetStream leader election of a
// few seconds; a takeover the lease could not prevent is harmless besides (a stop or start
// reads the canister's status first, a snapshot adopts the one its baseline does not know).
const DefaultManagementLease = 5 * time.Second

// ManagementOps are the operation subject kinds whose operations are management calls on one
// canister: short calls, claimed with the management lease.
var ManagementOps = []string{OpStop, OpSnapshot, OpStart, OpLoad, OpCheck}

// ManagementOnly reports whether every subject is the dispatch subject of a management kind
// (ManagementOps), so that a consumer filtering on them has the management lease as its ack wait.
func (n Names) ManagementOnly(subjects []string) bool {
	for _, s := range subjects {
		if !slices.ContainsFunc(ManagementOps, func(k string) bool { return n.OpSubject(k) == s }) {
			return false
		}
	}
	return len(subjects) > 0
}

// ackWaitFor is the ack wait of a consumer filtering on subjects: the management lease when
// they are all management kinds, else the lease.
func (c SetupConfig) ackWaitFor(n Names, subjects []string) time.Duration {
	if n.ManagementOnly(subjects) {
		return c.ManagementAckWait
	}
	return c.AckWait
}

// agreeAckWait decides whether an existing consumer's ack wait (have) may stay under this
// instance's settings, which want cc's. They agree when they are equal. A consumer of management
// kinds whose ack wait is this instance's lease (cfg.AckWait) was set up before the management
// lease existed, when every consumer waited the lease: it is kept as it is, with a warning (a
// longer ack wait is safe, only a killed worker's operations wait longer for another). Any other
// difference is refused (ErrConfigMismatch), as Setup never changes an ack wait.
func (c SetupConfig) agreeAckWait(n Names, cc *jetstream.ConsumerConfig, have time.Duration) error {
	want := cc.AckWait
	if have == want {
		return nil
	}
	management := n.ManagementOnly(cc.FilterSubjects)
	if management && have == c.AckWait {
		cc.AckWait = have
		c.logger().Warn("consumer keeps the ack wait it was set up with, the lease; a killed worker's "+
			"management operations wait that long before another takes them over (docs/operations.md, "+
			"\"Leases\", says how to adopt the management lease)",
			"consumer", cc.Durable, "ack_wait", have, "management_lease", want)
		return nil
	}
	flag := "--lease"
	if management {
		flag = "--management-lease"
	}
	return fmt.Errorf("%w: consumer %s has an ack wait of %s and this instance's %s is %s; "+
		"start every instance with the same %s (or delete the consumer to change it: docs/operations.md, \"Leases\")",
		ErrConfigMismatch, cc.Durable, have, flag, want, flag)
}

func (c SetupConfig) logger() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
