package journal

import (
	"math/rand/v2"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// §4.6: restart_required iff some stop is completed and some start is neither completed nor skipped.
func TestRestartRequiredRule(t *testing.T) {
	tests := []struct {
		stops, starts []State
		want          bool
	}{
		{nil, nil, false},
		{[]State{StateReady}, []State{StateReady}, false},
		{[]State{StateCompleted}, []State{StateReady}, true},
		{[]State{StateCompleted}, []State{StatePending}, true},
		{[]State{StateCompleted}, []State{StateFailed}, true},
		{[]State{StateCompleted}, []State{StateBlocked}, true},
		{[]State{StateCompleted}, []State{StateCompleted}, false},
		{[]State{StateCompleted}, []State{StateSkipped}, false},
		{[]State{StateCompleted, StateFailed}, []State{StateCompleted, StateSkipped}, false},
		{[]State{StateFailed, StateCompleted}, []State{StateCompleted, StateReady}, true},
		{[]State{StateSkipped}, []State{StateReady}, false},
		{[]State{StatePending}, []State{StateReady}, false},
	}
	for i, tt := range tests {
		var ops []Operation
		for _, s := range tt.stops {
			ops = append(ops, Operation{Kind: plan.KindStop, State: s})
		}
		for _, s := range tt.starts {
			ops = append(ops, Operation{Kind: plan.KindStart, State: s})
		}
		j := &Journal{Operations: ops}
		j.RecomputeRestartRequired()
		if got := CountOps(ops).RestartRequired(); got != tt.want || j.RestartRequired != tt.want {
			t.Errorf("case %d: restart_required = %v / %v, want %v", i, got, j.RestartRequired, tt.want)
		}
	}
}

// Counts kept up to date with Apply equal a recount after any sequence of transitions.
func TestCountsApplyMatchesRecount(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	states := []State{StateReady, StatePending, StateBlocked, StateCompleted, StateFailed, StateSkipped}
	ops := newJournal(t, fleetPlan(5)).Operations
	c := CountOps(ops)
	for range 2000 {
		i := rng.IntN(len(ops))
		from, to := ops[i].State, states[rng.IntN(len(states))]
		ops[i].State = to
		c.Apply(ops[i].Kind, from, to)
		if c != CountOps(ops) {
			t.Fatalf("counts drifted: %+v vs %+v", c, CountOps(ops))
		}
	}
}

func TestCountsSummary(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	complete(t, j, 4)
	c := CountOps(j.Operations)
	got := c.Summary(j.Header(), j.NextReady())
	want := j.Summary()
	if got.RestartRequired != want.RestartRequired || got.CompletedOperations != 5 || got.TotalOperations != 10 ||
		got.NextOperation.Sequence != want.NextOperation.Sequence || c.Complete() {
		t.Fatalf("summary %+v, want %+v", got, want)
	}
}
