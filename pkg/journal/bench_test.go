package journal

import (
	"fmt"
	"testing"
)

// BenchmarkTransition measures one operation's claim + record through the per-op API with the
// run's Counts kept current: the work a pipeline worker does per operation. It must not grow
// with the fleet (targets=100 vs targets=10000).
func BenchmarkTransition(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			p := fleetPlan(n)
			j := acceptedJournal(b, p)
			h := j.Header()
			counts := CountOps(j.Operations)
			base := j.Operations[4+n] // the first create-snapshot, ready
			at := ptr("unix:20")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				op := base
				from := op.State
				if err := ClaimOp(&op, h.PreflightAccepted, at); err != nil {
					b.Fatal(err)
				}
				counts.Apply(op.Kind, from, op.State)
				if err := RecordOp(&op, completedReceipt(h, op, "unix:21"), h); err != nil {
					b.Fatal(err)
				}
				counts.Apply(op.Kind, StatePending, op.State)
				counts.Apply(op.Kind, op.State, from) // reset for the next round
				_ = counts.RestartRequired()
			}
		})
	}
}
