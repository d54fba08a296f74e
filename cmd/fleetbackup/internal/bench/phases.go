package bench

import (
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// PhaseSpans says where a downtime run's time went, from the sim's history: for stops,
// snapshots and starts, the seconds from the first stop's completion to the first and to the
// last completion of that kind.
type PhaseSpans struct {
	FirstSnapshot float64 `json:"first_snapshot_s"`
	LastStop      float64 `json:"last_stop_s"`
	LastSnapshot  float64 `json:"last_snapshot_s"`
	FirstStart    float64 `json:"first_start_s"`
	LastStart     float64 `json:"last_start_s"`
}

func phaseSpans(calls []sim.Call) PhaseSpans {
	var t0 int64
	first, last := map[string]int64{}, map[string]int64{}
	for _, c := range calls {
		if !c.OK || (c.Call != sim.KindStop && c.Call != sim.KindSnapshot && c.Call != sim.KindStart) {
			continue
		}
		if t0 == 0 {
			t0 = c.TimeNanos
		}
		if _, ok := first[c.Call]; !ok {
			first[c.Call] = c.TimeNanos
		}
		last[c.Call] = c.TimeNanos
	}
	at := func(ns int64) float64 { return time.Duration(ns - t0).Seconds() }
	return PhaseSpans{LastStop: at(last[sim.KindStop]), FirstSnapshot: at(first[sim.KindSnapshot]),
		LastSnapshot: at(last[sim.KindSnapshot]), FirstStart: at(first[sim.KindStart]), LastStart: at(last[sim.KindStart])}
}
