package embedded_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// scheduled is a schedule definition over f's first member's subtree, without run_id.
func scheduled(t *testing.T, f *embeddedtest.Fleet, name string) schedule.Definition {
	return schedule.Definition{Name: name, Cron: "@every 1s", Request: embeddedtest.Request(t, map[string]any{
		"fleet": "demo", "network": "local", "root_canister_id": f.Root, "scope": "subtree", "selector": f.Entries[1].Pid,
	})}
}

// publishRaw publishes a definition as a stranger would with `nats pub`: any target, any body.
func publishRaw(t *testing.T, st *embeddedtest.Stack, name, target string, body []byte) {
	t.Helper()
	m := nats.NewMsg(st.Names.ScheduleSubject(name))
	m.Header.Set(schedule.HeaderSchedule, "@every 1s")
	m.Header.Set(schedule.HeaderTarget, target)
	m.Data = body
	if _, err := st.Store.JS.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

// waitRuns watches every run record until done holds for the runs of schedule name (checked
// once the records that existed have been read, then on every change).
func waitRuns(ctx context.Context, t *testing.T, st *embeddedtest.Stack, name string, done func(map[string]runs.Record) bool) map[string]runs.Record {
	t.Helper()
	w, err := st.Store.Runs.KV.WatchAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	seen, current := map[string]runs.Record{}, false
	for e := range w.Updates() {
		current = current || e == nil // every record that existed has been delivered
		if e != nil && e.Operation() == jetstream.KeyValuePut {
			var r runs.Record
			if n, _, ok := schedule.ParseRunID(e.Key()); ok && n == name && json.Unmarshal(e.Value(), &r) == nil {
				seen[r.RunID] = r
			}
		}
		if current && done(seen) {
			return seen
		}
	}
	t.Fatalf("runs of schedule %s: %v; seen %d", name, ctx.Err(), len(seen))
	return nil
}

// waitState watches schedule name's record until done holds.
func waitState(ctx context.Context, t *testing.T, st *embeddedtest.Stack, name string, done func(schedule.State) bool) schedule.State {
	t.Helper()
	kv, err := st.Store.JS.KeyValue(ctx, st.Names.SchedulesBucket())
	if err != nil {
		t.Fatal(err)
	}
	w, err := kv.Watch(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var s schedule.State
	for e := range w.Updates() {
		if e != nil && json.Unmarshal(e.Value(), &s) == nil && done(s) {
			return s
		}
	}
	t.Fatalf("schedule %s: %v; last state %+v", name, ctx.Err(), s)
	return s
}

func count(rs map[string]runs.Record, keep func(runs.Record) bool) int {
	n := 0
	for _, r := range rs {
		if keep(r) {
			n++
		}
	}
	return n
}

// A seconds-level schedule fires runs on the embedded server, each with a run id
// <name>-<UTC time>; a stranger's definition whose body names a run_id is rejected like any bad
// request; once deleted, a schedule fires no more (a second schedule's firings prove that
// time went on).
func TestScheduleFiresRunsUntilDeleted(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}}), 1024)
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := bus.PublishSchedule(ctx, st.Store.JS, st.Names, scheduled(t, f, "tick"), false); err != nil {
		t.Fatal(err)
	}
	completed := func(r runs.Record) bool { return r.State == runs.Completed }
	ticks := waitRuns(ctx, t, st, "tick", func(rs map[string]runs.Record) bool { return count(rs, completed) >= 2 })
	for id := range ticks {
		if !runs.IDPattern.MatchString(id) || !strings.HasPrefix(id, "tick-") || len(id) != len("tick-20261130T020000Z") {
			t.Errorf("run id %q: want tick-<YYYYMMDDTHHMMSSZ>", id)
		}
	}
	if err := bus.DeleteSchedule(ctx, st.Store.JS, st.Names, "tick"); err != nil {
		t.Fatal(err)
	}
	deleted := time.Now()
	bad := embeddedtest.Request(t, map[string]any{"run_id": "fixed", "fleet": "demo", "network": "local", "root_canister_id": f.Root})
	publishRaw(t, st, "probe", st.Names.RequestSubject(), bad)
	probes := waitRuns(ctx, t, st, "probe", func(rs map[string]runs.Record) bool { return len(rs) >= 3 })
	for id, r := range probes {
		if r.State != runs.Rejected || !strings.Contains(deref(r.Error), "must not name a run_id") {
			t.Errorf("probe run %s = %s %q, want rejected for its run_id", id, r.State, deref(r.Error))
		}
	}
	final := waitRuns(ctx, t, st, "tick", func(map[string]runs.Record) bool { return true })
	for id := range final {
		if _, fired, _ := schedule.ParseRunID(id); fired.After(deleted) {
			t.Errorf("run %s fired after the schedule was deleted at %s", id, deleted.UTC().Format(time.RFC3339Nano))
		}
	}
	if s, ok, err := bus.ScheduleState(ctx, st.Store.JS, st.Names, "tick"); err != nil || !ok || s.Fired < 2 {
		t.Errorf("tick's record = %+v, %v, %v", s, ok, err)
	}
}

// logWatch is a slog handler that reports each record whose message or attributes contain want.
type logWatch struct {
	want string
	seen chan string
}

func (l logWatch) Enabled(context.Context, slog.Level) bool { return true }
func (l logWatch) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l logWatch) WithGroup(string) slog.Handler            { return l }
func (l logWatch) Handle(_ context.Context, r slog.Record) error {
	line := r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	if strings.Contains(line, l.want) {
		select {
		case l.seen <- line:
		default:
		}
	}
	return nil
}

// A firing while the schedule's last run is active is skipped and recorded in the schedule's
// record, and no run is opened for it; once the run has ended the next firing runs. A
// stranger's schedule that targets a run's control subject (an abort, published with the
// server's rights) is refused by the planner: the run completes.
func TestScheduleSkipsWhileRunning(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}}), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"snapshot": 2500 * time.Millisecond})
	refused := logWatch{want: "a schedule may only target", seen: make(chan string, 1)}
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries, Log: slog.New(refused)})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := bus.PublishSchedule(ctx, st.Store.JS, st.Names, scheduled(t, f, "slow"), false); err != nil {
		t.Fatal(err)
	}
	s := waitState(ctx, t, st, "slow", func(s schedule.State) bool { return s.Skipped >= 1 })
	first := s.LastRunID
	want := "skipped: run " + first + " of schedule slow is still running"
	if s.Fired != 1 || !strings.HasPrefix(s.LastSkip.Reason, want) {
		t.Fatalf("schedule record %+v, want one fired and a skip %q", s, want)
	}
	if _, err := st.Store.Runs.Get(ctx, s.LastSkip.RunID); err == nil {
		t.Errorf("the skipped firing %s has a run", s.LastSkip.RunID)
	}
	publishRaw(t, st, "hostile", st.Names.ControlSubject(first), []byte(`{"action":"abort"}`))
	select {
	case <-refused.seen:
	case <-ctx.Done():
		t.Fatal("the planner never refused the schedule targeting a control subject")
	}
	if err := bus.DeleteSchedule(ctx, st.Store.JS, st.Names, "hostile"); err != nil {
		t.Fatal(err)
	}
	if r, err := client.WaitTerminal(ctx, st.Store, first); err != nil || r.State != runs.Completed {
		t.Fatalf("run %s = %s %q, %v; want completed", first, r.State, deref(r.Error), err)
	}
	s = waitState(ctx, t, st, "slow", func(s schedule.State) bool { return s.Fired >= 2 })
	if err := bus.DeleteSchedule(ctx, st.Store.JS, st.Names, "slow"); err != nil {
		t.Fatal(err)
	}
	if r, err := client.WaitTerminal(ctx, st.Store, s.LastRunID); err != nil || r.State != runs.Completed {
		t.Fatalf("second run %s = %s %q, %v", s.LastRunID, r.State, deref(r.Error), err)
	}
	if s.Skipped < 1 || s.LastRunID <= first {
		t.Errorf("schedule record %+v after the first run", s)
	}
}
