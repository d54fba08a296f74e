package handoff

import (
	"context"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
)

// fanOutWorkers is how many successors of one node are marked at once.
const fanOutWorkers = 16

// markAll passes completion along every edge of edges with fanOutWorkers goroutines. After
// the first error no new mark starts; the error is returned once the marks under way have
// ended.
func (h Publisher) markAll(ctx context.Context, runID string, g *dispatch.Graph, edges []dispatch.Edge) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan dispatch.Edge)
	var wg sync.WaitGroup
	for range fanOutWorkers {
		wg.Go(func() {
			for e := range next {
				if err := h.pass(ctx, runID, g, e); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, e := range edges {
		select {
		case next <- e:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
