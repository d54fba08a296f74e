package embedded_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// execLog records which worker executed which operation.
type execLog struct {
	mu    sync.Mutex
	count map[int]int
	by    map[string]int // worker id → operations executed
}

func (l *execLog) record(_ string, seq int, worker string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count[seq]++
	l.by[worker]++
}

// Two downloaders and two verifiers on one run: every operation executed exactly once (claims
// by compare-and-swap) and both instances of each got work.
func TestScaledDownloadersAndVerifiers(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 4096)
	slow := f.Slow(t, 4096, map[string]time.Duration{"download": 20 * time.Millisecond})
	log := &execLog{count: map[int]int{}, by: map[string]int{}}
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, OnExecuted: log.record,
		Instances: map[string]int{"downloader": 2, "verifier": 2}})
	rec := st.RunToEnd(t, "scaled", subtreeRequest(t, "scaled", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	if want := rec.Counts.Total - 4; len(log.count) != want { // all but the four validate operations
		t.Fatalf("%d operations executed, want %d", len(log.count), want)
	}
	for seq, n := range log.count {
		if n != 1 {
			t.Errorf("operation %d executed %d times", seq, n)
		}
	}
	for _, service := range []string{"downloader", "verifier"} {
		instances := 0
		for w, n := range log.by {
			if strings.Contains(w, "embedded-"+service+"-") && n > 0 {
				instances++
			}
		}
		if instances != 2 {
			t.Errorf("%s work went to %d instances, want 2: %v", service, instances, log.by)
		}
	}
}

// An operator watching the runs bucket sees the run move through its states.
func TestWatchShowsRunStates(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := st.Store.Runs.KV.Watch(ctx, "watched")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	body := embeddedtest.Request(t, map[string]any{"run_id": "watched", "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "selector": f.Entries[1].Pid})
	if err := client.Submit(ctx, st.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	var states []runs.State
	for e := range w.Updates() {
		if e == nil {
			continue
		}
		var r runs.Record
		if err := json.Unmarshal(e.Value(), &r); err != nil {
			t.Fatal(err)
		}
		if len(states) == 0 || states[len(states)-1] != r.State {
			states = append(states, r.State)
		}
		if r.State.Terminal() {
			break
		}
	}
	want := []runs.State{runs.Planning, runs.Preflight, runs.Running, runs.Completed}
	if strings.Join(toStrings(states), ",") != strings.Join(toStrings(want), ",") {
		t.Fatalf("watched states %v, want %v", states, want)
	}
}

func toStrings(states []runs.State) []string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}
