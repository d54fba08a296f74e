package pipeline

import (
	"context"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// runPlan is a run's immutable part, read once per process: the plan and its graph.
type runPlan struct {
	plan  *plan.Plan
	graph *dispatch.Graph
}

// planCache keeps the plans of recent runs so that an operation costs O(1) KV reads, not a
// re-read of the whole plan.
type planCache struct {
	mu    sync.Mutex
	plans map[string]*runPlan
}

const planCacheSize = 64

func (c *planCache) get(ctx context.Context, s *Store, runID string, order dispatch.Order) (*runPlan, error) {
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
	rp = &runPlan{plan: p, graph: dispatch.Build(p, order)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[string]*runPlan{}
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
