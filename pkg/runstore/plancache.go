package runstore

import (
	"bytes"
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
	// fresh decodes every plan anew instead of sharing decoded plans across the process
	// (LoadRunPlan: its callers may change the plan, as preflight does).
	fresh   bool
	mu      sync.Mutex
	plans   map[string]*RunPlan
	loading map[string]*planLoad // one read per run at a time: the others wait for it
}

// planLoad is a read of one run's plan in progress.
type planLoad struct {
	done chan struct{}
	rp   *RunPlan
	err  error
}

const planCacheSize = 64

// Get returns a run's plan and graph, from the cache or read once from the store; concurrent
// callers for a run not yet cached share one read (a large plan costs tens of milliseconds to
// decode, and a run's first operations reach every worker slot at once).
func (c *PlanCache) Get(ctx context.Context, s *Store, runID string, order dispatch.Order) (*RunPlan, error) {
	c.mu.Lock()
	if rp, ok := c.plans[runID]; ok {
		c.mu.Unlock()
		return rp, nil
	}
	if l, ok := c.loading[runID]; ok {
		c.mu.Unlock()
		select {
		case <-l.done:
			return l.rp, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &planLoad{done: make(chan struct{})}
	if c.loading == nil {
		c.loading = map[string]*planLoad{}
	}
	c.loading[runID] = l
	c.mu.Unlock()
	l.rp, l.err = loadRunPlan(ctx, s, runID, order, !c.fresh)
	c.mu.Lock()
	delete(c.loading, runID)
	if l.err == nil {
		c.keep(runID, l.rp)
	}
	c.mu.Unlock()
	close(l.done)
	return l.rp, l.err
}

// keep caches rp; the caller holds c.mu.
func (c *PlanCache) keep(runID string, rp *RunPlan) {
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
}

// loadRunPlan reads a run's plan (and restore document), and decodes it, or with share takes
// the process's decoded copy of the same bytes (shared.go). A restore's plan is not shared: its
// document (which names directories) is not part of the plan's bytes.
func loadRunPlan(ctx context.Context, s *Store, runID string, order dispatch.Order, share bool) (*RunPlan, error) {
	data, err := s.readParts(ctx, runID)
	if err != nil {
		return nil, err
	}
	key := sharedKey(data, order)
	share = share && !bytes.Contains(data, []byte(`"`+string(plan.KindFinalizeRestore)+`"`))
	if share {
		if rp := decoded.get(key); rp != nil {
			return rp, nil
		}
	}
	p, err := plan.Load(data)
	if err != nil {
		return nil, err
	}
	rp := &RunPlan{Plan: p, Graph: dispatch.Build(p, order)}
	if p.IsRestore() {
		if rp.Restore, err = s.LoadRestore(ctx, runID); err != nil {
			return nil, err
		}
	}
	if share {
		decoded.put(key, rp)
	}
	return rp, nil
}

// LoadRunPlan reads a run's plan and builds its graph, without a cache.
func (s *Store) LoadRunPlan(ctx context.Context, runID string, order dispatch.Order) (*RunPlan, error) {
	return (&PlanCache{fresh: true}).Get(ctx, s, runID, order)
}
