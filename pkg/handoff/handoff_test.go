package handoff

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

const runID = "run-1"

var stoppedKey = runstore.BarrierKey(runID, dispatch.BarrierStopped)

// fixture is a seeded run over subtree(hub) of a root → hub → two leaves fleet, in parallel order.
type fixture struct {
	store *runstore.Store
	p     *plan.Plan
	g     *dispatch.Graph
	pids  map[string]string // "hub", "c1", "c2" → canister id
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2}})
	f := fixture{pids: map[string]string{"hub": entries[1].Pid, "c1": entries[2].Pid, "c2": entries[3].Pid}}
	f.seed(t, entries)
	return f
}

// seqs finds the sorted sequences of operations by id, written with a short canister name
// ("stop-c1").
func (f fixture) seqs(t *testing.T, ids ...string) []int {
	t.Helper()
	var out []int
	for _, id := range ids {
		if kind, name, _ := strings.Cut(id, "-"); f.pids[name] != "" {
			id = kind + "-" + f.pids[name]
		}
		i := slices.IndexFunc(f.p.Phases, func(ph plan.Operation) bool { return ph.OperationID == id })
		if i < 0 {
			t.Fatalf("no operation %s", id)
		}
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, tab kvstore.Table[T], key string) T {
	t.Helper()
	e, err := tab.Get(t.Context(), key)
	must(t, err)
	return e.Value
}

func update[T any](t *testing.T, tab kvstore.Table[T], key string, change func(*T)) {
	t.Helper()
	_, err := tab.Update(t.Context(), key, func(v *T) error { change(v); return nil })
	must(t, err)
}

// published lists the sequences of the messages held by the ops stream, sorted, and their ids.
func (f fixture) published(t *testing.T) ([]int, []string) {
	t.Helper()
	ctx := t.Context()
	st, err := f.store.JS.Stream(ctx, f.store.Names.OpStream())
	must(t, err)
	info, err := st.Info(ctx)
	must(t, err)
	seqs, ids := []int{}, []string{}
	for n := info.State.FirstSeq; info.State.Msgs > 0 && n <= info.State.LastSeq; n++ {
		raw, err := st.GetMsg(ctx, n)
		must(t, err)
		var m Message
		must(t, json.Unmarshal(raw.Data, &m))
		seqs, ids = append(seqs, m.Sequence), append(ids, raw.Header.Get(jetstream.MsgIDHeader))
	}
	if uint64(len(seqs)) != info.State.Msgs {
		t.Fatalf("read %d messages, stream holds %d", len(seqs), info.State.Msgs)
	}
	slices.Sort(seqs)
	return seqs, ids
}

func (f fixture) propagate(t *testing.T, id string) {
	t.Helper()
	if err := (Publisher{Store: f.store}).Propagate(t.Context(), runID, f.g, f.seqs(t, id)[0]); err != nil {
		t.Fatalf("propagating %s: %v", id, err)
	}
}

// The last predecessor of a barrier passes it once; a redelivered last predecessor, after the
// barrier passed, publishes none of its successors again (even those claimed since, whose
// message id would be new).
func TestBarrierPassesOnce(t *testing.T) {
	f := newFixture(t)
	f.propagate(t, "stop-hub")
	f.propagate(t, "stop-c1")
	if get(t, f.store.Barriers, stoppedKey).Passed {
		t.Fatal("stopped barrier passed before its last stop")
	}
	f.propagate(t, "stop-c2")
	if b := get(t, f.store.Barriers, stoppedKey); !b.Passed || !b.Deps.Satisfied() {
		t.Fatalf("stopped barrier after every stop = %+v, want satisfied and passed", b)
	}
	published, _ := f.published(t)
	for _, s := range f.seqs(t, "snapshot-hub", "snapshot-c1", "snapshot-c2") {
		// A gated operation is published, its record left as seeded: its claim reads the gate.
		rec := get(t, f.store.Ops, runstore.OpKey(runID, s))
		open, err := Ready(t.Context(), f.store, runID, f.g, s, rec.Deps)
		if err != nil || !open || rec.Dispatched || rec.Deps.Count() != 0 {
			t.Errorf("snapshot %d after the barrier: %+v, gate open %v (%v); want open, record unmarked", s, rec, open, err)
		}
		if n := count(published, s); n != 1 {
			t.Errorf("snapshot %d published %d times, want once", s, n)
		}
		// A worker claimed it: a republish would now carry a new message id.
		update(t, f.store.Ops, runstore.OpKey(runID, s), func(r *runstore.OpRecord) { r.Attempts++ })
	}
	before, _ := f.published(t)
	f.propagate(t, "stop-c2")
	if after, ids := f.published(t); !slices.Equal(after, before) {
		t.Fatalf("after a repeated last stop the stream holds %v (ids %v), want %v", after, ids, before)
	}
}

// A barrier whose bits are all set but whose pass was cut short (Passed still false) is passed
// on again by a repeated predecessor, which then marks it passed.
func TestBarrierCutShortIsPassedAgain(t *testing.T) {
	f := newFixture(t)
	update(t, f.store.Barriers, stoppedKey, func(b *runstore.BarrierRecord) {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
	})
	f.propagate(t, "stop-c2")
	if !get(t, f.store.Barriers, stoppedKey).Passed {
		t.Fatal("barrier not marked passed after the repeated pass")
	}
	want := f.seqs(t, "snapshot-hub", "snapshot-c1", "snapshot-c2")
	if got, _ := f.published(t); !slices.Equal(got, want) {
		t.Fatalf("stream holds %v, want the snapshots %v", got, want)
	}
}

// Releasing an operation twice publishes it once (same message id); a retry generation
// publishes it again under a suffixed id.
func TestReleaseTwicePublishesOnce(t *testing.T) {
	tests := []struct {
		name    string
		gens    []int
		wantIDs []string // after <run>.<seq>.
	}{
		{name: "repeat", gens: []int{0, 0}, wantIDs: []string{"0"}},
		{name: "retry generation", gens: []int{0, 1}, wantIDs: []string{"0", "0-r1"}},
		{name: "repeat in a retry", gens: []int{2, 2}, wantIDs: []string{"0-r2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			s := f.g.Initial()[0]
			for _, gen := range tt.gens {
				must(t, (Publisher{Store: f.store, Gen: gen}).Release(t.Context(), runID, s))
			}
			if !get(t, f.store.Ops, runstore.OpKey(runID, s)).Dispatched {
				t.Error("released operation not marked dispatched")
			}
			var want []string
			for _, id := range tt.wantIDs {
				want = append(want, fmt.Sprintf("%s.%d.%s", runID, s, id))
			}
			if _, ids := f.published(t); !slices.Equal(ids, want) {
				t.Fatalf("message ids %v, want %v", ids, want)
			}
		})
	}
}

func count(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
