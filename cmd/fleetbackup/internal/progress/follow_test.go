package progress

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// recorder counts changes and ticks, and writes plain lines to b.
type recorder struct {
	Plain
	b       strings.Builder
	changes int
	ticks   int
}

func (r *recorder) Changed(m *Model, c []Change) {
	r.changes += len(c)
	r.Plain.Changed(m, c)
}

func (r *recorder) Tick(*Model) { r.ticks++ }

func TestFollowARunToItsEnd(t *testing.T) {
	entries, err := registry.Parse(sim.SampleFleetJSON())
	if err != nil {
		t.Fatal(err)
	}
	f := embeddedtest.NewFleet(t, entries, 8192)
	st := embeddedtest.Start(t, f, embedded.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body := embeddedtest.Request(t, map[string]any{"run_id": "follow-1", "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "selector": "asset_hub"})
	if err := client.Submit(ctx, st.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	rec.W = &rec.b
	m, err := Follow(ctx, st.Store, "follow-1", Options{BackupRoot: st.BackupRoot, Poll: 20 * time.Millisecond}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Settled() || m.Run.State != runs.Completed || m.Plan == nil || len(m.Targets) != 3 {
		t.Fatalf("model at the end: run %+v, %d targets", m.Run, len(m.Targets))
	}
	for _, tg := range m.Targets {
		for _, s := range backupSteps {
			if !tg.Steps[s].Done() {
				t.Fatalf("%s step %d is %s", tg.CanisterID, s, tg.Steps[s])
			}
		}
		if tg.Bytes <= 0 || tg.TotalBytes != 8192 || tg.SnapshotID == "" || tg.Checksum == "" {
			t.Fatalf("target not fully known: %+v", tg)
		}
	}
	out := rec.b.String()
	// One line per change: each of the 20 operations' last state, and the run's states from the
	// first the watch saw (the planner may be past planning, or preflight, by then) to completed.
	var states []string
	ops := 0
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[1] == "run" {
			states = append(states, f[3])
		} else {
			ops++
		}
	}
	all := []string{"planning", "preflight", "running", "completed"}
	if ops != 20 || len(states) == 0 || !slices.Equal(states, all[len(all)-min(len(states), 4):]) ||
		rec.changes != ops+len(states) {
		t.Fatalf("want 20 operation lines and the run's states ending completed, got %d, %q (%d changes):\n%s",
			ops, states, rec.changes, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "completed  (3 canisters, 20 operations)") {
		t.Fatalf("the run's own line comes last:\n%s", out)
	}
	// Following a run that has ended returns at once with the same picture, and each
	// operation's line names its canister's role (TestOperationsWaitForThePlan: the watches
	// deliver operations and the run, which leads to the plan and its roles, in no set order).
	again := &recorder{}
	again.W = &again.b
	m, err = Follow(ctx, st.Store, "follow-1", Options{}, again)
	if err != nil || m.Run.State != runs.Completed || len(m.FailedOps()) != 0 {
		t.Fatalf("following an ended run: %v, %+v", err, m.Run)
	}
	wantRolesOnLines(t, m, again.b.String())
}

// wantRolesOnLines fails unless every line that names a target's canister also names its role.
func wantRolesOnLines(t *testing.T, m *Model, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		for _, tg := range m.Targets {
			if tg.Role == "" {
				t.Fatalf("target %s has no role in the sample fleet", tg.CanisterID)
			}
			if strings.Contains(line, tg.CanisterID) && !strings.Contains(line, tg.Role+" ") {
				t.Fatalf("line names %s without its role %s:\n%s", tg.CanisterID, tg.Role, out)
			}
		}
	}
}

func TestOperationsWaitForThePlan(t *testing.T) {
	f := &follower{m: NewModel("r1")}
	op := Change{Kind: ChangeOp}
	if out := f.release([]Change{op}); out != nil {
		t.Fatalf("released %d changes before the run was known", len(out))
	}
	held := f.held
	f.held = nil
	f.m.ApplyRun(runs.Record{RunID: "r1", State: runs.Planning})
	if out := f.release([]Change{{Kind: ChangeRun}}); len(out) != 1 {
		t.Fatalf("a run line with nothing held waits for no plan, got %d changes", len(out))
	}
	f.held = held
	f.m.ApplyRun(runs.Record{RunID: "r1", State: runs.Preflight, PlanID: "plan-r1"})
	if out := f.release([]Change{op}); out != nil {
		t.Fatalf("released %d changes before the run's plan was loaded", len(out))
	}
	f.m.SetPlan(&plan.Plan{PlanID: "plan-r1"})
	if out := f.release([]Change{{Kind: ChangeRun}}); len(out) != 3 || out[2].Kind != ChangeRun {
		t.Fatalf("once the plan is known, want the 2 held changes then the new one, got %+v", out)
	}
	if out := f.release([]Change{op}); len(out) != 1 {
		t.Fatalf("after the release, want changes passed straight on, got %d", len(out))
	}
}

func TestFollowStopsWithItsContext(t *testing.T) {
	entries, _ := registry.Parse(sim.SampleFleetJSON())
	f := embeddedtest.NewFleet(t, entries, 1024)
	st := embeddedtest.Start(t, f, embedded.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	sink := &recorder{}
	sink.W = &sink.b
	done := make(chan error, 1)
	go func() {
		_, err := Follow(ctx, st.Store, "never-submitted", Options{Poll: 10 * time.Millisecond}, sink)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Follow of a run that never came returned no error on cancel")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Follow did not return after its context ended")
	}
}

func TestBarsDrawInPlace(t *testing.T) {
	m := sampleModel(t)
	var b strings.Builder
	bars := &Bars{W: &b, Size: func() (int, int) { return 100, 30 }}
	bars.Tick(m)
	bars.Tick(m)
	bars.Close(m)
	out := b.String()
	if !strings.HasPrefix(out, "\x1b[?25l") || !strings.HasSuffix(out, "\x1b[?25h") || strings.Count(out, "\x1b[J") != 3 {
		t.Fatalf("unexpected drawing: %q", out)
	}
	if !strings.Contains(out, "\r\x1b[14A") {
		t.Fatalf("the second frame does not go back over the first: %q", out)
	}
}
