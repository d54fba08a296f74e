package runstore

import (
	"crypto/sha256"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
)

// decoded shares decoded plans across every worker of a process, keyed by the plan's bytes:
// a plan is immutable once stored, so two workers (or two installations) that read the same
// bytes get the same plan, and a large plan is decoded once per process instead of once per
// worker slot. Shared plans must not be changed (LoadRunPlan's are not shared).
var decoded sharedPlans

const sharedPlansSize = 16

type sharedPlans struct {
	mu    sync.Mutex
	plans map[[sha256.Size]byte]*RunPlan
	order [][sha256.Size]byte // oldest first
}

func sharedKey(planData []byte, order dispatch.Order) [sha256.Size]byte {
	return sha256.Sum256(append([]byte(string(order)+"\x00"), planData...))
}

func (c *sharedPlans) get(key [sha256.Size]byte) *RunPlan {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.plans[key]
}

func (c *sharedPlans) put(key [sha256.Size]byte, rp *RunPlan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[[sha256.Size]byte]*RunPlan{}
	}
	if _, ok := c.plans[key]; ok {
		return
	}
	if len(c.order) >= sharedPlansSize {
		delete(c.plans, c.order[0])
		c.order = c.order[1:]
	}
	c.plans[key] = rp
	c.order = append(c.order, key)
}
