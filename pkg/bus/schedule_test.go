package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

const scheduledBody = `{"fleet":"demo","network":"local","root_canister_id":"aaaaa-aa"}`

func every(name string) schedule.Definition {
	return schedule.Definition{Name: name, Cron: "@every 1s", Request: []byte(scheduledBody)}
}

// nextFiring fetches the next message the planner's consumer gets (no planner runs here),
// acknowledges it and returns it; it fails the test after 10 s.
func nextFiring(t *testing.T, js jetstream.JetStream, n bus.Names) jetstream.Msg {
	t.Helper()
	c, err := js.Consumer(context.Background(), n.RequestStream(), bus.ConsumerPlanner)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := c.Fetch(1, jetstream.FetchMaxWait(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		if err := m.Ack(); err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Fatalf("no firing within 10s: %v", batch.Error())
	return nil
}

// A schedule fires its body onto the request subject with the headers the planner relies on
// (Nats-Scheduler: the definition's subject; Nats-Schedule-Next: a time), the schedule
// headers stripped; the definition stays in the work-queue stream after every firing was
// consumed, since the planner's filter does not cover it.
func TestScheduleFiresOnRequestSubject(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	if err := bus.PublishSchedule(ctx, js, n, every("tick"), false); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m := nextFiring(t, js, n)
		h := m.Headers()
		if m.Subject() != n.RequestSubject() || string(m.Data()) != scheduledBody {
			t.Fatalf("firing on %s with %q", m.Subject(), m.Data())
		}
		if got := h.Get(schedule.HeaderScheduler); got != n.ScheduleSubject("tick") {
			t.Errorf("Nats-Scheduler = %q, want %q", got, n.ScheduleSubject("tick"))
		}
		if _, err := time.Parse(time.RFC3339Nano, h.Get(schedule.HeaderNext)); err != nil {
			t.Errorf("Nats-Schedule-Next = %q: %v", h.Get(schedule.HeaderNext), err)
		}
		if h.Get(schedule.HeaderSchedule) != "" || h.Get(schedule.HeaderTarget) != "" || h.Get("Nats-Rollup") != "" {
			t.Errorf("schedule headers left on a firing: %v", h)
		}
	}
	d, err := bus.GetSchedule(ctx, js, n, "tick")
	if err != nil || d.Cron != "@every 1s" || d.Target != n.RequestSubject() {
		t.Fatalf("definition after firings = %+v, %v", d, err)
	}
}

// Creating a schedule whose name is taken is refused; replacing it is not; the server's
// refusal of an expression is reported with the expression.
func TestScheduleCreateReplaceAndServerRefusal(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	if err := bus.PublishSchedule(ctx, js, n, every("nightly"), false); err != nil {
		t.Fatal(err)
	}
	if err := bus.PublishSchedule(ctx, js, n, every("nightly"), false); !errors.Is(err, bus.ErrScheduleExists) {
		t.Fatalf("second create = %v, want ErrScheduleExists", err)
	}
	d := every("nightly")
	d.Cron, d.TimeZone = "0 0 2 * * *", "Europe/Zurich"
	if err := bus.PublishSchedule(ctx, js, n, d, true); err != nil {
		t.Fatalf("replace: %v", err)
	}
	defs, err := bus.ListSchedules(ctx, js, n)
	if err != nil || len(defs) != 1 || defs[0].Cron != d.Cron || defs[0].TimeZone != d.TimeZone {
		t.Fatalf("schedules = %+v, %v; want the replaced one", defs, err)
	}
	bad := nats.NewMsg(n.ScheduleSubject("raw"))
	bad.Header.Set(schedule.HeaderSchedule, "0 0 0 30 2 *") // never fires: February 30th
	bad.Header.Set(schedule.HeaderTarget, n.RequestSubject())
	if _, err := js.PublishMsg(ctx, bad); !errors.Is(err, jetstream.ErrSchedulePatternInvalid) {
		t.Fatalf("server accepted %q: %v", "0 0 0 30 2 *", err)
	}
	// A stranger's definition under a name fleetbackup refuses is listed, and can be deleted.
	stray := nats.NewMsg(n.ScheduleSubject("stray_é"))
	stray.Header.Set(schedule.HeaderSchedule, "0 0 2 * * *")
	stray.Header.Set(schedule.HeaderTarget, n.RequestSubject())
	if _, err := js.PublishMsg(ctx, stray); err != nil {
		t.Fatal(err)
	}
	if defs, err := bus.ListSchedules(ctx, js, n); err != nil || len(defs) != 2 || defs[1].Name != "stray_é" {
		t.Fatalf("schedules = %+v, %v; want nightly and stray_é", defs, err)
	}
	if err := bus.DeleteSchedule(ctx, js, n, "stray_é"); err != nil {
		t.Fatal(err)
	}
	if err := bus.DeleteSchedule(ctx, js, n, "a.b"); !errors.Is(err, bus.ErrScheduleToken) {
		t.Fatalf("DeleteSchedule(a.b) = %v", err)
	}
}

// Deleting a schedule stops it: once it is gone, only the other schedule fires.
func TestScheduleDeleteStopsFiring(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	if err := bus.PublishSchedule(ctx, js, n, every("gone"), false); err != nil {
		t.Fatal(err)
	}
	nextFiring(t, js, n)
	if err := bus.DeleteSchedule(ctx, js, n, "gone"); err != nil {
		t.Fatal(err)
	}
	deleted := time.Now()
	if err := bus.DeleteSchedule(ctx, js, n, "gone"); !errors.Is(err, bus.ErrNoSchedule) {
		t.Fatalf("second delete = %v, want ErrNoSchedule", err)
	}
	if err := bus.PublishSchedule(ctx, js, n, every("probe"), false); err != nil {
		t.Fatal(err)
	}
	for probes := 0; probes < 3; {
		m := nextFiring(t, js, n)
		md, _ := m.Metadata()
		switch m.Headers().Get(schedule.HeaderScheduler) {
		case n.ScheduleSubject("probe"):
			probes++
		case n.ScheduleSubject("gone"):
			if md.Timestamp.After(deleted) {
				t.Fatalf("deleted schedule fired at %s, after its deletion at %s", md.Timestamp, deleted)
			}
		}
	}
}

// A client cannot set Nats-Scheduler on a request alone; with "Nats-Schedule-Next: purge"
// the server accepts it (and purges the named schedule): the planner refuses such requests.
func TestScheduleForgedSchedulerHeader(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	forged := nats.NewMsg(n.RequestSubject())
	forged.Header.Set(schedule.HeaderScheduler, n.ScheduleSubject("nightly"))
	forged.Data = []byte(scheduledBody)
	if _, err := js.PublishMsg(ctx, forged); err == nil {
		t.Fatal("server accepted a client's Nats-Scheduler header")
	}
	forged.Header.Set(schedule.HeaderNext, "purge")
	if _, err := js.PublishMsg(ctx, forged); err != nil {
		t.Fatalf("server refused Nats-Scheduler with Nats-Schedule-Next: purge: %v", err)
	}
}
