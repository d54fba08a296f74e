package runstore

import (
	"context"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// RunPlan is a run's immutable part, read once per process: the plan and its graph.
type RunPlan struct {
	Plan  *plan.Plan
	Graph *dispatch.Graph
	// Restore is a restore run's document (nil for backups).
	Restore *restore.RunDocument
}

// PlanCache keeps the plans of recent runs so that an operation costs O(1) KV reads, not a
// re-read of the whole plan. Its zero value is ready.
type PlanCache struct {
	mu    sync.Mutex
	plans map[string]*RunPlan
}

const planCacheSize = 64

// Get returns a run's plan and graph, from the cache or read once from the store.
func (c *PlanCache) Get(ctx context.Context, s *Store, runID string, order dispatch.Order) (*RunPlan, error) {
	c.mu.Lock()
	rp, ok := c.plans[runID]
	c.mu.Unlock()
	if ok {
		return rp, nil
	}
	p, err := s.LoadPlan(ctx, runID)
	if err != nil {
		return nil, err
	}
	rp = &RunPlan{Plan: p, Graph: dispatch.Build(p, order)}
	if p.IsRestore() {
		if rp.Restore, err = s.LoadRestore(ctx, runID); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[string]*RunPlan{}
	}
	for old := range c.plans { // full: forget one (map order is random), not all
		if len(c.plans) < planCacheSize {
			break
		}
		delete(c.plans, old)
	}
	c.plans[runID] = rp
	return rp, nil
}

// LoadRunPlan reads a run's plan and builds its graph, without a cache.
func (s *Store) LoadRunPlan(ctx context.Context, runID string, order dispatch.Order) (*RunPlan, error) {
	return (&PlanCache{}).Get(ctx, s, runID, order)
}
