package runstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// BarrierShardKey is the ops-bucket key of shard k of a barrier (dispatch.BarrierFanIn).
func BarrierShardKey(runID, name string, k int) string {
	return BarrierKey(runID, name) + "-" + strconv.Itoa(k)
}

// seedBarrier creates a barrier's root record and, for a tree, its shard records; records that
// exist already are kept.
func (s *Store) seedBarrier(ctx context.Context, runID, name string, need int) error {
	root := BarrierRecord{RunID: runID, Name: name, Deps: dispatch.NewDeps(dispatch.RootNeed(need))}
	if _, err := s.Barriers.Create(ctx, BarrierKey(runID, name), root); err != nil && !errors.Is(err, kvstore.ErrExists) {
		return err
	}
	if dispatch.BarrierShards(need) == 1 {
		return nil
	}
	for k := range dispatch.BarrierShards(need) {
		rec := BarrierRecord{RunID: runID, Name: name, Deps: dispatch.NewDeps(dispatch.ShardNeed(need, k))}
		if _, err := s.Barriers.Create(ctx, BarrierShardKey(runID, name, k), rec); err != nil && !errors.Is(err, kvstore.ErrExists) {
			return err
		}
	}
	return nil
}

// ResetBarrier puts a barrier back to "nothing done" except the predecessor slots in marked
// (predecessors a re-arm keeps done), shards first, then the root.
func (s *Store) ResetBarrier(ctx context.Context, runID, name string, need int, marked []int) error {
	shards := dispatch.BarrierShards(need)
	rootDeps := dispatch.NewDeps(dispatch.RootNeed(need))
	if shards == 1 {
		for _, slot := range marked {
			rootDeps.Mark(slot)
		}
		return s.putBarrier(ctx, BarrierKey(runID, name), rootDeps)
	}
	for k := range shards {
		d := dispatch.NewDeps(dispatch.ShardNeed(need, k))
		for _, slot := range marked {
			if slot/dispatch.BarrierFanIn == k {
				d.Mark(slot % dispatch.BarrierFanIn)
			}
		}
		if d.Satisfied() {
			rootDeps.Mark(k)
		}
		if err := s.putBarrier(ctx, BarrierShardKey(runID, name, k), d); err != nil {
			return err
		}
	}
	return s.putBarrier(ctx, BarrierKey(runID, name), rootDeps)
}

func (s *Store) putBarrier(ctx context.Context, key string, d dispatch.Deps) error {
	_, err := s.Barriers.Update(ctx, key, func(b *BarrierRecord) error {
		b.Deps, b.Passed = d, false
		return nil
	})
	return err
}
