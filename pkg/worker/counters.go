package worker

import (
	"context"
	"sync/atomic"
)

// Counters counts the fates of a worker's messages other than success; a service exposes them
// as metrics. Several workers may share one Counters.
type Counters struct {
	Terminated atomic.Uint64 // terminated because the handler failed (an error neither Retry nor Reject)
	Rejected   atomic.Uint64 // terminated at once because the handler rejected them
	GaveUp     atomic.Uint64 // terminated on their last allowed delivery (dead letters)
	Panics     atomic.Uint64 // handler panics (each one also hands back or gives up its message)
	HandedBack atomic.Uint64 // handed back for a later attempt (shutdown hand-backs are not counted)
}

type countersKey struct{}

// WithCounters returns ctx carrying c: Run counts the fates of its messages in c when its
// Config names no Counters. A process (or an embedded stack) puts its own Counters there, so
// that several in one process stay apart.
func WithCounters(ctx context.Context, c *Counters) context.Context {
	return context.WithValue(ctx, countersKey{}, c)
}

// countersFrom is the Counters ctx carries, or nil.
func countersFrom(ctx context.Context) *Counters {
	c, _ := ctx.Value(countersKey{}).(*Counters)
	return c
}
