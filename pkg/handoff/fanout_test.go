package handoff

import (
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A wide fan-out that cannot mark one successor (its record is gone) returns that error and
// leaves the barrier not passed, so the next repeat of a predecessor passes it on again; once
// the record is back, that repeat publishes every snapshot, each once.
func TestWideFanOutErrorKeepsBarrierUnpassed(t *testing.T) {
	f := wideFixture(t)
	var stops, snaps []int
	for seq, ph := range f.p.Phases {
		switch ph.Kind {
		case plan.KindStop:
			stops = append(stops, seq)
		case plan.KindCreateSnapshot:
			snaps = append(snaps, seq)
		}
	}
	victim := snaps[len(snaps)/2]
	key := runstore.OpKey(runID, victim)
	saved := get(t, f.store.Ops, key)
	must(t, f.store.Ops.KV.Delete(t.Context(), key))
	h := Publisher{Store: f.store}
	var err error
	for _, seq := range stops {
		if err = h.Propagate(t.Context(), runID, f.g, seq); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), key) {
		t.Fatalf("fan-out over a missing successor = %v, want an error naming %s", err, key)
	}
	if root := get(t, f.store.Barriers, stoppedKey); root.Passed {
		t.Fatal("the barrier is marked passed although one successor was not marked")
	}
	_, cerr := f.store.Ops.Create(t.Context(), key, saved)
	must(t, cerr)
	must(t, h.Propagate(t.Context(), runID, f.g, stops[len(stops)-1]))
	got, _ := f.published(t)
	count := map[int]int{}
	for _, seq := range got {
		count[seq]++
	}
	for _, seq := range snaps {
		if count[seq] != 1 {
			t.Errorf("snapshot %d published %d times, want once", seq, count[seq])
		}
	}
}
