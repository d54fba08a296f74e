package bench

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// span is when one operation was worked on: from the revision of its record that claimed it
// (pending) to the one that completed it, in the server's times.
type span struct{ from, to time.Time }

// opSpans reads the history of every operation record of the given kinds (each bucket keeps
// 8 revisions per key, enough for an operation that is claimed once) and returns their spans.
func (in *installation) opSpans(ctx context.Context, runID string, kinds ...plan.OperationKind) (map[plan.OperationKind][]span, error) {
	p, err := in.stack.Store.LoadPlan(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	out := map[plan.OperationKind][]span{}
	for seq, op := range p.Phases {
		if !slices.Contains(kinds, op.Kind) {
			continue
		}
		s, err := in.opSpan(ctx, runstore.OpKey(runID, seq))
		if err != nil {
			return nil, err
		}
		out[op.Kind] = append(out[op.Kind], s)
	}
	for _, k := range kinds {
		if len(out[k]) == 0 {
			return nil, fmt.Errorf("no %s operations in run %s", k, runID)
		}
	}
	return out, nil
}

func (in *installation) opSpan(ctx context.Context, key string) (span, error) {
	entries, err := in.stack.Store.Ops.KV.History(ctx, key)
	if err != nil {
		return span{}, fmt.Errorf("reading the history of %s: %w", key, err)
	}
	var s span
	for _, e := range entries {
		var rec runstore.OpRecord
		if err := json.Unmarshal(e.Value(), &rec); err != nil {
			return span{}, fmt.Errorf("decoding %s: %w", key, err)
		}
		switch {
		case rec.Op.State == journal.StatePending && s.from.IsZero():
			s.from = e.Created()
		case rec.Op.State == journal.StateCompleted && s.to.IsZero():
			s.to = e.Created()
		}
	}
	if s.from.IsZero() || s.to.IsZero() || s.to.Before(s.from) {
		return span{}, fmt.Errorf("the history of %s shows no claim followed by a completion", key)
	}
	return s, nil
}

// busy is the time at least one of spans was under way (their union).
func busy(spans []span) time.Duration {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b span) int { return a.from.Compare(b.from) })
	var total time.Duration
	var cur span
	for i, x := range s {
		switch {
		case i == 0:
			cur = x
		case !x.from.After(cur.to):
			if x.to.After(cur.to) {
				cur.to = x.to
			}
		default:
			total += cur.to.Sub(cur.from)
			cur = x
		}
	}
	return total + cur.to.Sub(cur.from)
}

func spanStart(spans []span) time.Time {
	return slices.MinFunc(spans, func(a, b span) int { return a.from.Compare(b.from) }).from
}

func spanEnd(spans []span) time.Time {
	return slices.MaxFunc(spans, func(a, b span) int { return a.to.Compare(b.to) }).to
}

// sha256MBps hashes total bytes in memory with crypto/sha256, split over the given number of
// goroutines (one hash each), and returns the best MB/s of several passes (at least three,
// and at least 256 MiB in all, so that a small total is not one noisy sample).
func sha256MBps(total int64, goroutines int) float64 {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	best := 0.0
	for range max(3, (256<<20)/max(total, 1)) {
		start := time.Now()
		var wg sync.WaitGroup
		for g := range goroutines {
			share := total / int64(goroutines)
			if g == goroutines-1 {
				share = total - share*int64(goroutines-1)
			}
			wg.Go(func() { hashBytes(buf, share) })
		}
		wg.Wait()
		best = max(best, mbps(total, time.Since(start)))
	}
	return best
}

// hashBytes hashes n bytes, buf over and over.
func hashBytes(buf []byte, n int64) {
	h := sha256.New()
	for left := n; left > 0; left -= int64(len(buf)) {
		h.Write(buf[:min(left, int64(len(buf)))])
	}
	_ = h.Sum(nil)
}
