// Package runstore is the run journal in JetStream KV: the buckets of an installation, their
// keys and record types, the plan store, the run record's transitions (applied through the
// state machine of package runs), canister locks, and the one loader and counter of a run's
// operation records. Every change is a compare-and-swap on the revision read (package
// kvstore).
package runstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Store is the run journal in KV: runs, operations, plans and artifacts of one installation.
type Store struct {
	Names     bus.Names
	JS        jetstream.JetStream
	Runs      kvstore.Table[runs.Record]
	Ops       kvstore.Table[OpRecord]
	Barriers  kvstore.Table[BarrierRecord]
	Artifacts kvstore.Table[artifact.Entry]
	Locks     kvstore.Table[LockRecord]
	Plans     jetstream.KeyValue
}

// OpenStore binds the buckets of an installation (they must exist: see bus.Setup).
func OpenStore(ctx context.Context, js jetstream.JetStream, names bus.Names) (*Store, error) {
	open := func(bucket string) (jetstream.KeyValue, error) {
		kv, err := js.KeyValue(ctx, bucket)
		if err != nil {
			return nil, fmt.Errorf("opening bucket %s: %w", bucket, err)
		}
		return kv, nil
	}
	runsKV, err := open(names.RunsBucket())
	if err != nil {
		return nil, err
	}
	ops, err := open(names.OpsBucket())
	if err != nil {
		return nil, err
	}
	plans, err := open(names.PlansBucket())
	if err != nil {
		return nil, err
	}
	arts, err := open(names.ArtifactsBucket())
	if err != nil {
		return nil, err
	}
	locks, err := open(names.LocksBucket())
	if err != nil {
		return nil, err
	}
	return &Store{
		Names: names, JS: js, Plans: plans,
		Runs:      kvstore.Table[runs.Record]{KV: runsKV},
		Ops:       kvstore.Table[OpRecord]{KV: ops},
		Barriers:  kvstore.Table[BarrierRecord]{KV: ops},
		Artifacts: kvstore.Table[artifact.Entry]{KV: arts},
		Locks:     kvstore.Table[LockRecord]{KV: locks},
	}, nil
}

// SetStats makes every table of the store count its operations in stats.
func (s *Store) SetStats(stats *kvstore.Stats) {
	s.Runs.Stats, s.Ops.Stats, s.Barriers.Stats, s.Artifacts.Stats, s.Locks.Stats = stats, stats, stats, stats, stats
}

// OpKey is the ops-bucket key of one operation.
func OpKey(runID string, seq int) string { return runID + "." + strconv.Itoa(seq) }

// BarrierKey is the ops-bucket key of one barrier node.
func BarrierKey(runID, name string) string { return runID + ".barrier-" + name }

// LockKey is the locks-bucket key of one canister.
func LockKey(canisterID string) string { return plan.Seg(canisterID) }

// ArtifactKey is the artifacts-bucket key of one target's download-journal entry.
func ArtifactKey(runID, canisterID string) string { return runID + "." + plan.Seg(canisterID) }
