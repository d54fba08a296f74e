package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// Release starts the instances of a service the configuration held (once; not concurrently
// with Close).
func (st *Stack) Release(service string) error {
	s, ok := stageNamed(service)
	if !ok || !st.cfg.Held[service] {
		return fmt.Errorf("embedded: %s is not a held service", service)
	}
	return st.startInstances(s)
}

// AwaitQueued waits until at least n messages wait for a service's durable consumer (none
// delivered yet), polling the consumer's state every 5 ms: the server sends no event when it
// changes. A held service's work queues up this way until Release.
func (st *Stack) AwaitQueued(ctx context.Context, service string, n int) error {
	s, ok := stageNamed(service)
	if !ok {
		return fmt.Errorf("embedded: no service %s", service)
	}
	cons, err := st.Store.JS.Consumer(ctx, s.Stream(st.Names), s.Consumer)
	if err != nil {
		return err
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := cons.Info(ctx)
		if err != nil {
			return err
		}
		if info.NumPending >= uint64(n) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedded: %d of %d messages queued for %s: %w", info.NumPending, n, service, ctx.Err())
		case <-tick.C:
		}
	}
}

func stageNamed(name string) (stages.Stage, bool) {
	for _, s := range stages.All {
		if s.Name == name {
			return s, true
		}
	}
	return stages.Stage{}, false
}

func (st *Stack) startInstances(s stages.Stage) error {
	for i := range max(st.cfg.Instances[s.Name], 1) {
		if err := st.startService(st.runCtx, st.cfg, s, i); err != nil {
			return err
		}
	}
	return nil
}
